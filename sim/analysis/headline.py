"""A study report's ``## Findings`` section in words, from its declared families.

Every family a study adds (``Families.add``) answers one question; the findings name, per
family, the comparisons that still differ after the family's adjustment, with their
adjusted (family-wise) intervals, largest effect first, or say that none does. Studies
that write their own findings (with costs, ``reports.findings``) keep them; the others
(duel, the level studies, volunteers) get these, so every report opens with its answers
and docs/experiments.md can quote them (``sim.doctables.findings``).
"""

from __future__ import annotations

import math

import pandas as pd

from sim.analysis.multiplicity import Families, Family

SHOWN = 6  # comparisons named per family; the rest are counted
_STAT = {"metric", "outcome", "baseline_mean", "arm_mean", "relative", "page_p"}
_STAT_PREFIX = ("diff_", "adj_", "p_adj", "significant", "extra_cost", "per_", "n_")


def label_columns(t: pd.DataFrame) -> list[str]:
    """The columns that name a comparison (arm, level, tactic, quality...), in order."""
    return [c for c in t.columns if c not in _STAT and not str(c).startswith(_STAT_PREFIX)]


def _label(r: pd.Series, cols: list[str]) -> str:
    parts = []
    for c in cols:
        v = r[c]
        v = f"{v:g}" if isinstance(v, float) and math.isfinite(v) else str(v)
        parts.append(f"`{v}`" if c == cols[0] else f"{c.split('.')[-1]} {v}")
    return ", ".join(parts)


def family_line(f: Family) -> str:
    """One bullet: the family's question and what differs after adjustment."""
    t = f.table
    if not len(t) or "significant_adj" not in t:
        return f"- {f.name}: no comparison could be made."
    sig = t[t["significant_adj"].astype(bool)]
    sig = sig.reindex(sig["diff_mean"].abs().sort_values(ascending=False).index)
    how = f"{t['adj_method'].iloc[0]}, {f.size} comparisons"
    if sig.empty:
        return f"- {f.name}: none differs from 0 after adjustment ({how})."
    cols = label_columns(t)
    if f.kind == "slope" and "outcome" in t:
        cols = ["outcome", *[c for c in cols if c != "outcome"]]
    level = f"{100 * float(sig['adj_level'].iloc[0]):.4g}%"
    parts = [
        f"{_label(r, cols)} {r['diff_mean']:+.4f} [{r['adj_lo']:.4f}, {r['adj_hi']:.4f}]"
        for _, r in sig.head(SHOWN).iterrows()
    ]
    more = f"; and {len(sig) - SHOWN} more (tables below)" if len(sig) > SHOWN else ""
    return (
        f"- {f.name}: {len(sig)} of {f.size} differ ({how}; family-wise {level} "
        f"intervals): " + "; ".join(parts) + more + "."
    )


def findings_section(fams: Families) -> list[str]:
    """``## Findings`` with one bullet per family, in the order the study declared them."""
    if not fams.items:
        return []
    return ["## Findings", "", *(family_line(f) for f in fams.items), ""]


def with_findings(header: list[str], body: list[str], fams: Families) -> list[str]:
    """The report's lines: the header, the findings (unless the body has its own), the body."""
    if "## Findings" in body:
        return [*header, *body]
    return [*header, *findings_section(fams), *body]


def brief(
    fams: Families, targets: dict[str, float], default: bool, body: list[str] | None = None
) -> list[str]:
    """One paragraph under the header: seeds, families and adjustment, target precision
    and whether it was met (and which of pick stability, Kaplan-Meier/RMST and trends the
    report has: ``body``, its lines), so every study report states them before its findings."""
    from sim.analysis.precision import precision_table

    sized = [f for f in fams.items if len(f.table) and "diff_n" in f.table]
    if not sized:
        return []
    n = pd.concat([f.table["diff_n"] for f in sized]).astype(float)
    seeds = f"{n.max():g}" if n.min() == n.max() else f"{n.min():g} to {n.max():g}"
    methods = sorted({str(f.table["adj_method"].iloc[0]) for f in sized if "adj_method" in f.table})
    prec = precision_table(fams, targets)
    checked = prec[prec["met"] != "n/a"] if len(prec) else prec
    met = int((checked["met"] == "yes").sum()) if len(checked) else 0
    source = (
        "the defaults, half the smallest effect of the power table" if default else "`--target`"
    )
    text = "\n".join(body or [])
    kinds = {f.kind for f in fams.items}
    extra = [
        *(["best picks with their bootstrap stability"] if "bootstrap resamples" in text else []),
        *(["time to contain by Kaplan-Meier and RMST"] if "rmst" in kinds else []),
        *(["a dose-response trend"] if "slope" in kinds else []),
    ]
    return [
        f"**Statistics in brief.** Seeds used: {seeds} per comparison, paired by seed. "
        f"Families: {len(fams.items)}, {sum(f.size for f in fams.items)} comparisons, "
        f"{' and '.join(methods) or 'Holm'}-adjusted within each family. Target precision "
        f"({source}): met in {met} of {len(checked)} targeted families."
        + (f" Also: {'; '.join(extra)}." if extra else "")
        + ' Details: section Statistics, and docs/experiments.md "Reading the statistics".',
        "",
    ]
