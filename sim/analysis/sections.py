"""Report sections built on the study statistics: contrast families (paired t, or RMST
for time to contain), trend families, and "best" picks with their bootstrap stability.

The studies (``sim.analysis.studies``) call these so that every study declares its
families the same way and its report states the adjustment next to each table.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis.multiplicity import Families, pick_stability
from sim.analysis.reports import adjusted_cells, findings, md_table, paired_md
from sim.analysis.stats import CI, paired_table
from sim.analysis.survival import rmst_table
from sim.analysis.trend import trend_table
from sim.rng import stream

CONTAINED = "contained"  # event column added by studies.prepare: 1 = contained in the run
# Outcomes among the contested international users only (summary.json's ``audiences``):
# pooled international figures mix in allied audiences, whose size can hide the contest.
CONTESTED = {
    "audiences.contested.support_home": "final support for home, contested audiences (share)",
    "audiences.contested.misinformation.rival_fake.auc": "misinformation AUC, contested "
    "audiences (believer-days per contested user)",
}
N_BOOT = 2000


def horizon_hours(df: pd.DataFrame, time: str) -> float:
    """The restriction time tau of the RMST: the shortest horizon among the runs."""
    if "days" in df and pd.to_numeric(df["days"], errors="coerce").notna().any():
        return float(pd.to_numeric(df["days"], errors="coerce").min() * 24)
    return float(pd.to_numeric(df[time], errors="coerce").max())


def rmst_label(tau: float) -> str:
    return f"time the false story stays uncontained (RMST over the first {tau:g} h)"


def contrasts(
    fams: Families,
    df: pd.DataFrame,
    arm_col: str,
    baseline,
    metrics: dict[str, str],
    contain: str | None = None,
    cost: str | None = None,
    scope: str = "",
    what: str | None = None,
) -> dict[str, pd.DataFrame]:
    """One family per metric of every arm vs ``baseline`` (paired by seed); the metric
    ``contain`` is compared by RMST difference instead of a t-test on censored values."""
    out = {}
    for m, label in metrics.items():
        if m == contain:
            tau = horizon_hours(df, m)
            t = rmst_table(df, arm_col, baseline, m, CONTAINED, tau)
            kind, label = "rmst", rmst_label(tau)
        else:
            t, kind = paired_table(df, arm_col, baseline, m, cost=cost), "contrast"
        name = f"{label}: each {what or arm_col} vs {baseline}{scope}"
        out[m] = fams.add(name, m, t, kind) if len(t) else t
    return out


CONTESTED_SIGN = dict(zip(CONTESTED, (1, -1)))  # +1: larger is better for home


def with_contested(df: pd.DataFrame, outcomes: dict[str, str]) -> list[tuple[str, str]]:
    """``outcomes`` followed by the contested-audience ones the table has (cell studies
    give each outcome its own family, so these become families of their own)."""
    extra = {m: label for m, label in CONTESTED.items() if m in df and df[m].notna().any()}
    return [*outcomes.items(), *extra.items()]


def stem(metric: str) -> str:
    """A figure name part per outcome, distinct for the contested copy of an outcome."""
    last = metric.split(".")[-1]
    if metric.startswith("audiences.contested."):
        return f"contested_{last}"
    return last


def contested(
    fams: Families,
    df: pd.DataFrame,
    arm_col: str,
    baseline,
    cost: str | None,
    what: str | None = None,
    level: int = 2,
) -> list[str]:
    """The contested-audience section: each outcome of ``CONTESTED`` as its own family of
    every arm vs ``baseline``; empty for sweeps run before summary.json had audiences."""
    metrics = {m: label for m, label in CONTESTED.items() if m in df and df[m].notna().any()}
    if not metrics:
        return []
    df = df.assign(**{m: pd.to_numeric(df[m], errors="coerce") for m in metrics})
    tables = contrasts(fams, df, arm_col, baseline, metrics, cost=cost, what=what)
    lines = [
        f"{'#' * level} Contested international audiences",
        "",
        "The same contrasts among the contested audiences only (allies and each side's "
        "own users left out, docs/model.md), one Holm family per outcome.",
        "",
        *findings(tables, metrics, arm_col)[2:],
    ]
    for m, label in metrics.items():
        lines += ["", f"{'#' * (level + 1)} {label}", "", *paired_md(tables[m], arm_col)]
    return [*lines, ""]


def per_seed_diffs(df: pd.DataFrame, arm_col: str, baseline, metric: str) -> pd.DataFrame:
    """Seeds x arms table of paired differences from ``baseline``."""
    piv = df.pivot_table(index="seed", columns=arm_col, values=metric, aggfunc="mean")
    return piv.drop(columns=[baseline]).sub(piv[baseline], axis=0)


def best_pick(df: pd.DataFrame, arm_col: str, baseline, metric: str, sign: int, what: str) -> str:
    """A sentence naming the best arm on ``metric`` and the share of bootstrap resamples of
    the seeds that pick it (and the runner-up), so a "best" is read with its stability."""
    diffs = per_seed_diffs(df, arm_col, baseline, metric)
    rng = stream(0, f"analysis/bootstrap/{arm_col}/{metric}")
    share = pick_stability(diffs, sign, rng, N_BOOT)
    if share.empty:
        return f"- Best on {what}: not defined (no complete seeds)."
    top = diffs.mean().mul(sign).idxmax()
    if sign * diffs[top].mean() <= 0:  # a tie at zero or only worse arms: nothing to pick
        return (
            f"- Best on {what}: no arm does better than {baseline} on average (closest: "
            f"`{top}`, {diffs[top].mean():+.4f})."
        )
    others = share.drop(index=top)
    others = others[others > 0].head(2)
    alt = (
        "; other picks: " + ", ".join(f"`{a}` {100 * v:.0f}%" for a, v in others.items())
        if len(others)
        else "; no other arm is ever picked"
    )
    return (
        f"- Best on {what}: `{top}` ({diffs[top].mean():+.4f} vs {baseline}); picked in "
        f"{100 * share.get(top, 0.0):.0f}% of {N_BOOT:,} bootstrap resamples of the "
        f"{len(diffs.dropna())} seeds{alt}."
    )


def trends(
    fams: Families,
    df: pd.DataFrame,
    x: str,
    metrics: dict[str, str],
    unit: str,
    by: str | None = None,
) -> list[str]:
    """The dose-response section: slope per ``unit`` of ``x`` for each metric (and each
    value of ``by``) as one family, with Page's monotone-trend p."""
    t = trend_table(df, x, metrics, unit, by)
    t = fams.add(f"trend per {unit}" + (f", by {by}" if by else ""), "trend", t, "slope")
    rows = []
    for _, r in t.iterrows():
        ci = CI(r["diff_mean"], r["diff_lo"], r["diff_hi"], int(r["diff_n"]))
        rows.append(
            {
                **({by: r[by]} if by else {}),
                "outcome": r["outcome"],
                f"slope per {unit} [95% CI]": ci.fmt(4),
                **adjusted_cells(r),
                "seeds": int(r["diff_n"]),
                "Page's trend p": r["page_p"],
            }
        )
    lines = [
        f"### Dose-response: trend per {unit}",
        "",
        "Least-squares slope with one intercept per seed and seed-clustered errors "
        "(statsmodels), one family over the rows; Page's L test (scipy) asks whether the "
        "outcome moves one way across the ordered levels without assuming a straight line.",
        "",
        *md_table(pd.DataFrame(rows)),
        "",
    ]
    for _, r in t[t["significant_adj"]].iterrows():
        where = f" at {by} = {r[by]:g}" if by else ""
        lines.append(
            f"- {r['outcome']}{where}: {r['diff_mean']:+.4g} per {unit} (family-wise "
            f"[{r['adj_lo']:.4g}, {r['adj_hi']:.4g}], {r['adj_method']} p {r['p_adj']:.3g})."
        )
    if not t["significant_adj"].any():
        lines.append("- No slope differs from 0 after the adjustment.")
    return [*lines, ""]
