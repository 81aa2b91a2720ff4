"""One analysis per experiment: tables with paired 95% CIs, findings in words, figures.

Each ``analyse_<name>(df, out)`` takes the study table (``sim.sweep.load_study``: one
row per run, parameter columns named by their override keys) and returns the report's
markdown lines, writing figures under ``out``. ``ANALYSES`` maps experiment names to them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis import figures as fg
from sim.analysis import sections as sec
from sim.analysis.channels import channel_section
from sim.analysis.multiplicity import Families
from sim.analysis.reports import adjusted_ci, findings, md_table, paired_md
from sim.analysis.statfigs import km_panels, trend_panels
from sim.analysis.stats import group_ci, paired_table
from sim.analysis.survival import rmst_by_group

SUPPORT = "support.international.support_home"
MIS_AUC = "misinformation.rival_fake.auc"
CONTAIN = "misinformation.rival_fake.hours_to_contain"
COST = "cost_home_total"  # derived: routine posting + strategies, staff-hours
RIVAL_COST = "cost_rival_total"
METRICS = {
    SUPPORT: "final support for home, international users (share)",
    MIS_AUC: "misinformation area under the curve (believer-days per user)",
    CONTAIN: "hours to contain the false story (never: the horizon)",
}
SIGN = {SUPPORT: 1, MIS_AUC: -1, CONTAIN: -1}  # +1: larger is better for home
NO_STRATEGY = "none"


def arm_label(v) -> str:
    """'["a","b"]' -> 'a+b'; '[]' -> 'none'; scalars as text."""
    if isinstance(v, str) and v.startswith("["):
        items = json.loads(v)
        return "+".join(map(str, items)) if items else NO_STRATEGY
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """Derived columns every analysis uses (costs per side, numeric outcomes)."""
    df = df.copy()
    for side, col in (("home", COST), ("rival", RIVAL_COST)):
        parts = [c for c in (f"cost.{side}.actors", f"cost.{side}.strategy_total") if c in df]
        df[col] = df[parts].apply(pd.to_numeric, errors="coerce").sum(axis=1) if parts else math.nan
    for m in METRICS:
        df[m] = pd.to_numeric(df[m], errors="coerce") if m in df else math.nan
    df[sec.CONTAINED] = df[CONTAIN].notna().astype(int)  # the event indicator of survival
    if "days" in df:  # never contained within the run: censored at the horizon
        df[CONTAIN] = df[CONTAIN].fillna(pd.to_numeric(df["days"], errors="coerce") * 24)
    return df


def _versus_baseline(
    df: pd.DataFrame,
    arm_col: str,
    baseline: str,
    out: Path,
    name: str,
    title: str,
    per_arm_figures: bool,
    fams: Families | None = None,
) -> list[str]:
    fams = Families() if fams is None else fams
    df = df.assign(**{arm_col: df[arm_col].map(arm_label)})
    tables = sec.contrasts(fams, df, arm_col, baseline, METRICS, CONTAIN, COST)
    tau = sec.horizon_hours(df, CONTAIN)
    labels = {**METRICS, CONTAIN: sec.rmst_label(tau)}
    lines = [
        f"Baseline: `{baseline}`; {df['seed'].nunique()} seeds, paired by seed (each arm "
        "runs every seed). "
        "Differences are arm minus baseline with 95% Student-t intervals; one family per "
        "outcome, Holm-adjusted (section Statistics). Time to contain is censored at the "
        "horizon, so it is compared by the restricted mean survival time (RMST): the mean "
        "hours, of the first tau, that the story stays uncontained. Effect per 1,000 extra "
        "staff-hours divides by the arm's mean extra cost (home side).",
        "",
    ]
    lines += findings(tables, labels, arm_col)
    lines += [sec.best_pick(df, arm_col, baseline, m, SIGN[m], labels[m]) for m in METRICS]
    for m in METRICS:
        lines += ["", f"### {labels[m]}", "", *paired_md(tables[m], arm_col)]
    lines += ["", *sec.contested(fams, df, arm_col, baseline, COST)]
    lines += channel_section(fams, df, arm_col, baseline)
    figs = [
        fg.forest(
            {labels[m]: tables[m] for m in METRICS}, arm_col, title, out / f"{name}_summary.png"
        ),
        km_panels(
            df, arm_col, baseline, CONTAIN, sec.CONTAINED, tau, title, out / f"{name}_km.png"
        ),
    ]
    if per_arm_figures:
        for arm in tables[SUPPORT][arm_col]:
            figs.append(
                fg.paired_seeds(
                    df,
                    arm_col,
                    baseline,
                    arm,
                    METRICS,
                    f"What if: {arm}",
                    out / f"{name}_{arm}.png",
                )
            )
    lines += ["", "## Figures", "", *[f"![{p.stem}]({p.name})" for p in figs]]
    return lines


def analyse_compare_strategies(
    df: pd.DataFrame, out: Path, fams: Families | None = None
) -> list[str]:
    from sim.analysis.crn_summary import crn_lines

    crn = crn_lines(out)
    return [
        "## Each home strategy and useful pairs vs no strategy",
        "",
        *crn,
        *_versus_baseline(
            df,
            "strategy@home",
            NO_STRATEGY,
            out,
            "compare_strategies",
            "Home strategies vs no strategy",
            per_arm_figures=False,
            fams=fams,
        ),
    ]


def analyse_whatif(df: pd.DataFrame, out: Path, fams: Families | None = None) -> list[str]:
    return [
        "## What-if questions vs the calibrated 2020 baseline",
        "",
        *_versus_baseline(
            df,
            "whatif",
            "baseline",
            out,
            "whatif",
            "karabakh2020 what-ifs vs the calibrated baseline",
            per_arm_figures=True,
            fams=fams,
        ),
    ]


def analyse_duel(df: pd.DataFrame, out: Path, fams: Families | None = None) -> list[str]:
    """Home strategies x rival tactics: mean outcome per cell, and each cell's paired
    difference from 'no defence' under the same attack (one family per outcome)."""
    fams = Families() if fams is None else fams
    df = df.assign(**{c: df[c].map(arm_label) for c in ("strategy@home", "strategy@rival")})
    df["strategy@rival"] = df["strategy@rival"].replace(NO_STRATEGY, "no tactic")
    lines = [
        "## Home defences x rival tactics",
        "",
        f"{df['seed'].nunique()} seeds per cell. Cells: mean outcome; a star marks a cell whose "
        "paired difference from 'none' (no home strategy, same rival tactic) differs from 0 "
        "after Holm's adjustment over all the cells of the outcome (one family per outcome).",
        "",
    ]
    figs = []
    sign = {**SIGN, **sec.CONTESTED_SIGN}
    outcomes = sec.with_contested(df, {SUPPORT: METRICS[SUPPORT], MIS_AUC: METRICS[MIS_AUC]})
    df = df.assign(**{m: pd.to_numeric(df[m], errors="coerce") for m, _ in outcomes})
    for m, label in outcomes:
        mean = df.pivot_table(
            index="strategy@home", columns="strategy@rival", values=m, aggfunc="mean"
        )
        marks = pd.DataFrame(False, index=mean.index, columns=mean.columns)
        diffs = pd.DataFrame(math.nan, index=mean.index, columns=mean.columns)
        tactics = [
            (tactic, sub)
            for tactic, sub in df.groupby("strategy@rival")
            if NO_STRATEGY in set(sub["strategy@home"])
        ]
        parts = [
            paired_table(sub, "strategy@home", NO_STRATEGY, m).assign(tactic=tactic)
            for tactic, sub in tactics
        ]
        if parts:
            t = pd.concat(parts, ignore_index=True)
            t = fams.add(f"{label}: each defence vs none, every rival tactic", m, t)
            for _, r in t.iterrows():
                marks.loc[r["strategy@home"], r["tactic"]] = r["significant_adj"]
                diffs.loc[r["strategy@home"], r["tactic"]] = r["diff_mean"]
        mean.index.name, mean.columns.name = "home strategy", "rival tactic"
        figs.append(
            fg.heatmap(
                mean,
                f"{label}\n(* = differs from no defence, Holm-adjusted)",
                label,
                out / f"duel_{sec.stem(m)}.png",
                marks=marks,
            )
        )
        lines += [
            f"### {label}: mean per cell",
            "",
            *md_table(mean.round(4).reset_index()),
            "",
            f"### {label}: change vs no home strategy under the same tactic",
            "",
            *md_table(diffs.drop(index=NO_STRATEGY, errors="ignore").round(4).reset_index()),
            "",
        ]
        for tactic, sub in tactics:
            lines.append(
                sec.best_pick(
                    sub, "strategy@home", NO_STRATEGY, m, sign[m], f"{label}, against `{tactic}`"
                )
            )
        lines.append("")
    for tactic, sub in df.groupby("strategy@rival"):
        if NO_STRATEGY in set(sub["strategy@home"]):
            lines += channel_section(
                fams, sub, "strategy@home", NO_STRATEGY, f"defence ({tactic})", 3,
                f"against `{tactic}`",
            )  # fmt: skip
    lines += ["## Figures", "", *[f"![{p.stem}]({p.name})" for p in figs]]
    return lines


def _curve_study(
    df: pd.DataFrame,
    out: Path,
    x: str,
    xlabel: str,
    name: str,
    title: str,
    fams: Families | None,
    trend: tuple[Callable, str, Callable, str] | None = None,
    transform=lambda v: v,
) -> list[str]:
    """Outcomes against one level: curves, paired contrasts vs the lowest level (one Holm
    family per outcome; time to contain by RMST) and, with ``trend`` = (x for the fit,
    unit of its slope, which levels to fit, axis label), the dose-response slope."""
    fams = Families() if fams is None else fams
    df = df.assign(_x=pd.to_numeric(df[x], errors="coerce").map(transform))
    tau = sec.horizon_hours(df, CONTAIN)
    labels = {**METRICS, CONTAIN: sec.rmst_label(tau)}
    lines, figs = [], []
    for m, label in labels.items():
        if m == CONTAIN:  # censored: Kaplan-Meier median and RMST per level, not a mean
            st = rmst_by_group(df, "_x", CONTAIN, sec.CONTAINED, tau)
            st = st.rename(columns={"rmst_h": "mean"})
        else:
            st = group_ci(df, "_x", m)
        lines += [f"### {label}", "", *md_table(st.rename(columns={"_x": xlabel}).round(4)), ""]
        figs.append(
            fg.curve(
                st,
                "_x",
                xlabel,
                label,
                f"{title}:\n{label}",
                out / f"{name}_{m.split('.')[-1]}.png",
            )
        )
    xs = sorted(df["_x"].dropna().unique())
    if len(xs) >= 2:
        lo = xs[0]
        lines += [f"### Paired change vs {xlabel} = {lo:g} (same seeds, Holm-adjusted)", ""]
        tables = sec.contrasts(fams, df, "_x", lo, METRICS, CONTAIN, COST, what=xlabel)
        for m, label in labels.items():
            t = tables[m].rename(columns={"_x": xlabel})
            lines += [f"{label}:", "", *paired_md(t, xlabel), ""]
            for _, r in t[t["significant_adj"]].iterrows():
                lines.append(
                    f"- {label}: {xlabel} {r[xlabel]:g} vs {lo:g} changes it by "
                    f"{adjusted_ci(r).fmt(4)} (family-wise interval)."
                )
            lines.append("")
        figs.append(
            km_panels(df, "_x", lo, CONTAIN, sec.CONTAINED, tau, title, out / f"{name}_km.png")
        )
        named = df.rename(columns={"_x": xlabel})
        sub = sec.contested(fams, named, xlabel, lo, COST, xlabel)
        sub += channel_section(fams, named, xlabel, lo, xlabel)
        lines += [
            line.replace("## ", "### ", 1) if line.startswith("## ") else line for line in sub
        ]
    if trend is not None:
        fit_x, unit, keep, fit_label = trend
        d = df[keep(df["_x"])].assign(_t=lambda d: fit_x(d["_x"]))
        d[CONTAIN] = d[CONTAIN].clip(upper=tau)  # restricted time: its mean is the RMST
        lines += sec.trends(fams, d, "_t", labels, unit)
        fit = fams.items[-1].table
        figs.append(trend_panels(d, "_t", labels, fit, fit_label, title, out / f"{name}_trend.png"))
    lines += ["", "## Figures", "", *[f"![{p.stem}]({p.name})" for p in figs]]
    return lines


def analyse_response_delay(df: pd.DataFrame, out: Path, fams: Families | None = None) -> list[str]:
    return [
        "## Rapid response: outcome vs detection delay",
        "",
        "A delay beyond the horizon (10,000 h) means the monitoring cell never detects the story: "
        "the no-response reference, paying only for monitoring. The trend is fitted over "
        "the delays within the horizon, on log2(delay): the delays double from 1 to 48 h.",
        "",
        *_curve_study(
            df,
            out,
            "home.rapid_response.delay_hours",
            "detection delay (hours)",
            "response_delay",
            "Rapid response",
            fams,
            trend=(
                np.log2,
                "doubling of the delay",
                lambda x: x < sec.horizon_hours(df, CONTAIN),
                "log2(detection delay in hours)",
            ),
        ),
    ]


def analyse_languages(df: pd.DataFrame, out: Path, fams: Families | None = None) -> list[str]:
    return [
        "## Languages the official accounts post in",
        "",
        "Languages = the embassies' one own language (English) plus the translation capacity "
        "of the `multilingual` strategy (0 = one language).",
        "",
        *_curve_study(
            df,
            out,
            "home.multilingual.translation_capacity",
            "languages posted in",
            "languages",
            "Multilingual posting",
            fams,
            trend=(lambda x: x, "language", lambda x: x.notna(), "languages posted in"),
            transform=lambda v: v + 1,
        ),
    ]


def analyse_volunteers(df: pd.DataFrame, out: Path, fams: Families | None = None) -> list[str]:
    """Volunteers x quality: the paired change vs no volunteers (one Holm family per
    outcome over the cells), where it backfires, and the slope per 100 volunteers."""
    fams = Families() if fams is None else fams
    vcol, qcol = "home.volunteer_campaign.volunteers", "home.volunteer_campaign.quality"
    if qcol not in df and "volunteer_skill" in df:  # conf/volunteer_skill/q40.yaml -> 0.40
        df = df.assign(**{qcol: df["volunteer_skill"].map(lambda s: int(str(s).lstrip("q")) / 100)})
    df = df.assign(**{vcol: pd.to_numeric(df[vcol]), qcol: pd.to_numeric(df[qcol])})
    lines = [
        "## Volunteers: quantity vs quality",
        "",
        "Each cell: paired change in the outcome vs the same seed with 0 volunteers. "
        "Backfire = the change in international support for home is negative and differs "
        "from 0 after Holm's adjustment over the outcome's cells (one family per outcome).",
        "",
    ]
    figs = []
    outcomes = sec.with_contested(df, {SUPPORT: METRICS[SUPPORT], MIS_AUC: METRICS[MIS_AUC]})
    df = df.assign(**{m: pd.to_numeric(df[m], errors="coerce") for m, _ in outcomes})
    for m, label in outcomes:
        diffs, marks = {}, {}
        base = df[df[vcol] == 0]
        parts = [
            paired_table(pd.concat([sub[sub[vcol] != 0], base]), vcol, 0, m, cost=COST).assign(
                quality=q
            )
            for q, sub in df.groupby(qcol)
        ]
        t = fams.add(
            f"{label}: each volunteers x quality cell vs 0 volunteers", m, pd.concat(parts)
        )
        for _, r in t.iterrows():
            diffs[(r[vcol], r["quality"])] = r["diff_mean"]
            marks[(r[vcol], r["quality"])] = r["significant_adj"]
        mat = pd.Series(diffs).unstack()
        mk = pd.Series(marks).unstack().reindex_like(mat).fillna(False)
        mat.index.name, mat.columns.name = "volunteers", "post quality"
        figs.append(
            fg.heatmap(
                mat,
                f"Change vs no volunteers: {label}\n(* = differs from 0, Holm-adjusted)",
                "change vs 0 volunteers",
                out / f"volunteers_{sec.stem(m)}.png",
                fmt="{:+.4f}",
                marks=mk,
                center=0.0,
            )
        )
        lines += [
            f"### {label}: change vs 0 volunteers (columns: post quality)",
            "",
            *md_table(mat.round(4).reset_index()),
            "",
        ]
        if m == SUPPORT:
            back = [(v, q) for (v, q), s in marks.items() if s and diffs[(v, q)] < 0]
            gain = [(v, q) for (v, q), s in marks.items() if s and diffs[(v, q)] > 0]
            lines.append(
                "- Backfires (support falls, adjusted): "
                + (
                    ", ".join(f"{int(v)} volunteers at quality {q:g}" for v, q in sorted(back))
                    or "none"
                )
                + "."
            )
            lines.append(
                "- Helps (support rises, adjusted): "
                + (", ".join(f"{int(v)} at {q:g}" for v, q in sorted(gain)) or "none")
                + "."
            )
            lines.append("")
    per100 = df.assign(_v=df[vcol] / 100)
    lines += sec.trends(
        fams, per100, "_v", {k: METRICS[k] for k in (SUPPORT, MIS_AUC)}, "100 volunteers", qcol
    )
    base = df[df[vcol] == 0]
    for q, sub in df.groupby(qcol):  # why: each quality's volunteers vs none, by channel
        cells = pd.concat([sub[sub[vcol] != 0], base])
        what = f"volunteers at quality {q:g}"
        lines += channel_section(fams, cells, vcol, 0, what, 3, f"quality {q:g}")
    lines += ["## Figures", "", *[f"![{p.stem}]({p.name})" for p in figs]]
    return lines


ANALYSES = {
    "compare_strategies": analyse_compare_strategies,
    "whatif": analyse_whatif,
    "duel": analyse_duel,
    "response_delay": analyse_response_delay,
    "languages": analyse_languages,
    "volunteers": analyse_volunteers,
}
