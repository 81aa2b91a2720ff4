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


def adjusted_ci(r: pd.Series) -> CI:
    return CI(r["diff_mean"], r["adj_lo"], r["adj_hi"], int(r.get("diff_n", 0)))


def pval(p: float) -> str:
    return "n/a" if not math.isfinite(p) else ("<0.0001" if p < 1e-4 else f"{p:.4f}")


def adjusted_cells(r: pd.Series) -> dict[str, str]:
    """The multiplicity columns of one row of an adjusted family table (none if raw)."""
    if "p_adj" not in r:
        return {}
    adj = adjusted_ci(r)
    return {
        "p": pval(r["diff_p"]),
        f"p ({r['adj_method']})": pval(r["p_adj"]),
        f"family-wise {100 * r['adj_level']:.4g}% CI": adj.fmt(4),
        "adjusted: differs": "yes" if r["significant_adj"] else "no",
    }


def paired_md(t: pd.DataFrame, arm_col: str) -> list[str]:
    """The paired table of one metric as markdown (raw and, if present, adjusted)."""
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
                **adjusted_cells(r),
                "pairs": int(r["diff_n"]),
                "extra cost (staff-h)": r.get("extra_cost", math.nan),
                "per 1,000 staff-h [95% CI]": per,
            }
        )
    return md_table(pd.DataFrame(rows)) if rows else ["(no arms)"]


def findings(tables: dict[str, pd.DataFrame], labels: dict[str, str], arm_col: str) -> list[str]:
    """Sentences naming the arms whose effect's CI excludes zero, largest first; with an
    adjusted family table, the arms that differ after the correction, with their
    family-wise intervals."""
    lines = ["## Findings", ""]
    for m, t in tables.items():
        adj = "significant_adj" in t
        sig = t[t["significant_adj" if adj else "significant"]]
        sig = sig.sort_values("diff_mean", key=lambda s: -s.abs())
        if not len(sig):
            what = (
                f"after {t['adj_method'].iloc[0]} adjustment"
                if adj and len(t)
                else "every 95% CI includes 0"
            )
            lines.append(f"- {labels[m]}: no arm differs from the baseline ({what}).")
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
            ci = adjusted_ci(r) if adj else _ci(r, "diff")
            parts.append(f"`{r[arm_col]}` {ci.fmt(4)}{rel}{c}")
        how = (
            f" ({sig['adj_method'].iloc[0]}-adjusted; family-wise "
            f"{100 * sig['adj_level'].iloc[0]:.4g}% intervals)"
            if adj
            else ""
        )
        lines.append(f"- {labels[m]}{how}: " + "; ".join(parts) + ".")
    return lines
