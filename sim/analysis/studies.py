"""One analysis per experiment: tables with paired 95% CIs, findings in words, figures.

Each ``analyse_<name>(df, out)`` takes the study table (``sim.sweep.load_study``: one
row per run, parameter columns named by their override keys) and returns the report's
markdown lines, writing figures under ``out``. ``ANALYSES`` maps experiment names to them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from sim.analysis import figures as fg
from sim.analysis.reports import findings, md_table, paired_md
from sim.analysis.stats import CI, group_ci, paired_table

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
) -> list[str]:
    df = df.assign(**{arm_col: df[arm_col].map(arm_label)})
    tables = {m: paired_table(df, arm_col, baseline, m, cost=COST) for m in METRICS}
    lines = [
        f"Baseline: `{baseline}`; {df['seed'].nunique()} seeds per arm, paired by seed. "
        "Differences are arm minus baseline with 95% Student-t intervals; effect per "
        "1,000 extra staff-hours divides by the arm's mean extra cost (home side).",
        "",
    ]
    lines += findings(tables, METRICS, arm_col)
    for m, label in METRICS.items():
        lines += ["", f"### {label}", "", *paired_md(tables[m], arm_col)]
    figs = [
        fg.forest(
            {METRICS[m]: tables[m] for m in METRICS}, arm_col, title, out / f"{name}_summary.png"
        )
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


def analyse_compare_strategies(df: pd.DataFrame, out: Path) -> list[str]:
    return [
        "## Each home strategy and useful pairs vs no strategy",
        "",
        *_versus_baseline(
            df,
            "strategy@home",
            NO_STRATEGY,
            out,
            "compare_strategies",
            "Home strategies vs no strategy",
            per_arm_figures=False,
        ),
    ]


def analyse_whatif(df: pd.DataFrame, out: Path) -> list[str]:
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
        ),
    ]


def analyse_duel(df: pd.DataFrame, out: Path) -> list[str]:
    """Home strategies x rival tactics: mean outcome per cell, and each cell's paired
    difference from 'no defence' under the same attack."""
    df = df.assign(**{c: df[c].map(arm_label) for c in ("strategy@home", "strategy@rival")})
    df["strategy@rival"] = df["strategy@rival"].replace(NO_STRATEGY, "no tactic")
    lines = [
        "## Home defences x rival tactics",
        "",
        f"{df['seed'].nunique()} seeds per cell. Cells: mean outcome; a star marks a cell whose "
        "paired difference from 'none' (no home strategy, same rival tactic) has a 95% CI "
        "excluding zero.",
        "",
    ]
    figs = []
    for m, label in ((SUPPORT, METRICS[SUPPORT]), (MIS_AUC, METRICS[MIS_AUC])):
        mean = df.pivot_table(
            index="strategy@home", columns="strategy@rival", values=m, aggfunc="mean"
        )
        marks = pd.DataFrame(False, index=mean.index, columns=mean.columns)
        diffs = pd.DataFrame(math.nan, index=mean.index, columns=mean.columns)
        for tactic, sub in df.groupby("strategy@rival"):
            if NO_STRATEGY not in set(sub["strategy@home"]):
                continue
            t = paired_table(sub, "strategy@home", NO_STRATEGY, m)
            for _, r in t.iterrows():
                marks.loc[r["strategy@home"], tactic] = r["significant"]
                diffs.loc[r["strategy@home"], tactic] = r["diff_mean"]
        mean.index.name, mean.columns.name = "home strategy", "rival tactic"
        figs.append(
            fg.heatmap(
                mean,
                f"{label}\n(* = differs from no defence, 95% CI)",
                label,
                out / f"duel_{m.split('.')[-1]}.png",
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
        best = diffs.drop(index=NO_STRATEGY, errors="ignore")
        if len(best) and best.notna().any().any():
            sign = 1 if m == SUPPORT else -1
            for tactic in best.columns:
                col = best[tactic].dropna()
                if len(col):
                    top = (col * sign).idxmax()
                    lines.append(
                        f"- Against `{tactic}`, the best defence on this outcome is `{top}` "
                        f"({col[top]:+.4f}{' *' if marks.loc[top, tactic] else ''})."
                    )
            lines.append("")
    lines += ["## Figures", "", *[f"![{p.stem}]({p.name})" for p in figs]]
    return lines


def _curve_study(
    df: pd.DataFrame, out: Path, x: str, xlabel: str, name: str, title: str, transform=lambda v: v
) -> list[str]:
    df = df.assign(_x=pd.to_numeric(df[x], errors="coerce").map(transform))
    lines, figs = [], []
    for m, label in METRICS.items():
        st = group_ci(df, "_x", m).rename(columns={"_x": xlabel})
        lines += [f"### {label}", "", *md_table(st.round(4)), ""]
        figs.append(
            fg.curve(
                st.rename(columns={xlabel: "_x"}),
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
        lines += [f"### Paired change vs {xlabel} = {lo:g} (same seeds)", ""]
        for m, label in METRICS.items():
            t = paired_table(df, "_x", lo, m, cost=COST).rename(columns={"_x": xlabel})
            lines += [f"{label}:", "", *paired_md(t, xlabel), ""]
            for _, r in t.iterrows():
                ci = CI(r["diff_mean"], r["diff_lo"], r["diff_hi"], int(r["diff_n"]))
                if ci.excludes_zero():
                    lines.append(
                        f"- {label}: {xlabel} {r[xlabel]:g} vs {lo:g} changes it by {ci.fmt(4)}."
                    )
            lines.append("")
    lines += ["", "## Figures", "", *[f"![{p.stem}]({p.name})" for p in figs]]
    return lines


def analyse_response_delay(df: pd.DataFrame, out: Path) -> list[str]:
    return [
        "## Rapid response: outcome vs detection delay",
        "",
        "A delay beyond the horizon (10,000 h) means the monitoring cell never detects the story: "
        "the no-response reference, paying only for monitoring.",
        "",
        *_curve_study(
            df,
            out,
            "home.rapid_response.delay_hours",
            "detection delay (hours)",
            "response_delay",
            "Rapid response",
        ),
    ]


def analyse_languages(df: pd.DataFrame, out: Path) -> list[str]:
    return [
        "## Languages the official accounts post in",
        "",
        "Languages = the embassies' one own language (English) plus the translation capacity of "
        "the "
        "`multilingual` strategy (0 = one language).",
        "",
        *_curve_study(
            df,
            out,
            "home.multilingual.translation_capacity",
            "languages posted in",
            "languages",
            "Multilingual posting",
            transform=lambda v: v + 1,
        ),
    ]


def analyse_volunteers(df: pd.DataFrame, out: Path) -> list[str]:
    """Volunteers x quality: the paired change vs no volunteers, and where it backfires."""
    vcol, qcol = "home.volunteer_campaign.volunteers", "home.volunteer_campaign.quality"
    if qcol not in df and "volunteer_skill" in df:  # conf/volunteer_skill/q40.yaml -> 0.40
        df = df.assign(**{qcol: df["volunteer_skill"].map(lambda s: int(str(s).lstrip("q")) / 100)})
    df = df.assign(**{vcol: pd.to_numeric(df[vcol]), qcol: pd.to_numeric(df[qcol])})
    lines = [
        "## Volunteers: quantity vs quality",
        "",
        "Each cell: paired change in the outcome vs the same seed with 0 volunteers. "
        "Backfire = the change in international support for home is negative with a 95% CI "
        "excluding zero.",
        "",
    ]
    figs = []
    for m, label in ((SUPPORT, METRICS[SUPPORT]), (MIS_AUC, METRICS[MIS_AUC])):
        diffs, marks = {}, {}
        for q, sub in df.groupby(qcol):
            base = df[df[vcol] == 0]
            sub = pd.concat([sub[sub[vcol] != 0], base])
            t = paired_table(sub, vcol, 0, m, cost=COST)
            for _, r in t.iterrows():
                diffs[(r[vcol], q)] = r["diff_mean"]
                marks[(r[vcol], q)] = r["significant"]
        mat = pd.Series(diffs).unstack()
        mk = pd.Series(marks).unstack().reindex_like(mat).fillna(False)
        mat.index.name, mat.columns.name = "volunteers", "post quality"
        figs.append(
            fg.heatmap(
                mat,
                f"Change vs no volunteers: {label}\n(* = 95% CI excludes 0)",
                "change vs 0 volunteers",
                out / f"volunteers_{m.split('.')[-1]}.png",
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
                "- Backfires (support falls, CI excludes 0): "
                + (
                    ", ".join(f"{int(v)} volunteers at quality {q:g}" for v, q in sorted(back))
                    or "none"
                )
                + "."
            )
            lines.append(
                "- Helps (support rises, CI excludes 0): "
                + (", ".join(f"{int(v)} at {q:g}" for v, q in sorted(gain)) or "none")
                + "."
            )
            lines.append("")
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
