"""Markdown for study reports: tables, paired-comparison tables, findings in words."""

from __future__ import annotations

import math

import pandas as pd

from sim.analysis.stats import CI


def _cell(v) -> str:
    if isinstance(v, float):
        if not math.isfinite(v):
            return "n/a"
        v = 0.0 if round(v, 4) == 0 else v  # no "-0"
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"
    return str(v)


def md_table(df: pd.DataFrame) -> list[str]:
    cols = [str(c) for c in df.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return out


def _ci(r: pd.Series, prefix: str) -> CI:
    return CI(r[f"{prefix}_mean"], r[f"{prefix}_lo"], r[f"{prefix}_hi"], int(r.get("diff_n", 0)))


def paired_md(t: pd.DataFrame, arm_col: str) -> list[str]:
    """The paired table of one metric as markdown."""
    rows = []
    for _, r in t.iterrows():
        per = (
            _ci(r, "per_1000").fmt(4)
            if "per_1000_mean" in r and math.isfinite(r["per_1000_mean"])
            else "n/a"
        )
        rows.append(
            {
                arm_col: r[arm_col],
                "baseline": r["baseline_mean"],
                "arm": r["arm_mean"],
                "difference [95% CI]": _ci(r, "diff").fmt(4),
                "relative": f"{100 * r['relative']:+.1f}%"
                if math.isfinite(r["relative"])
                else "n/a",
                "CI excludes 0": "yes" if r["significant"] else "no",
                "pairs": int(r["diff_n"]),
                "extra cost (staff-h)": r.get("extra_cost", math.nan),
                "per 1,000 staff-h [95% CI]": per,
            }
        )
    return md_table(pd.DataFrame(rows)) if rows else ["(no arms)"]


def findings(tables: dict[str, pd.DataFrame], labels: dict[str, str], arm_col: str) -> list[str]:
    """Sentences naming the arms whose effect's CI excludes zero, largest first."""
    lines = ["## Findings", ""]
    for m, t in tables.items():
        sig = t[t["significant"]].sort_values("diff_mean", key=lambda s: -s.abs())
        if not len(sig):
            lines.append(
                f"- {labels[m]}: no arm differs from the baseline (every 95% CI includes 0)."
            )
            continue
        parts = []
        for _, r in sig.iterrows():
            cost = r.get("extra_cost", math.nan)
            c = (
                f", {cost:,.0f} extra staff-hours"
                if isinstance(cost, float) and math.isfinite(cost)
                else ""
            )
            rel = f" ({100 * r['relative']:+.1f}%)" if math.isfinite(r["relative"]) else ""
            parts.append(f"`{r[arm_col]}` {_ci(r, 'diff').fmt(4)}{rel}{c}")
        lines.append(f"- {labels[m]}: " + "; ".join(parts) + ".")
    return lines
