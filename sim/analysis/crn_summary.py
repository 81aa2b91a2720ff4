"""The compare_strategies report's quote of the common-random-numbers gain.

experiments/crn_gain.py runs the study in both draw modes on the same seeds and writes
crn_gain.csv (one row per outcome and arm: paired half-widths before and after) beside the
report; the report quotes its pooled ratios in a small table, so a reader sees how much
per-user draws narrowed the intervals without opening another file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

CSV, MD = "crn_gain.csv", "crn_gain.md"


def pooled(g: pd.DataFrame) -> float:
    """Ratio after / before of the arms' root mean square half-widths."""
    return float(np.sqrt((g["half_after"] ** 2).mean() / (g["half_before"] ** 2).mean()))


def crn_table(gain: pd.DataFrame) -> pd.DataFrame:
    """Per outcome: comparisons, pooled ratio, median ratio, how many narrowed."""
    rows = []
    for outcome, g in gain.groupby("outcome", sort=False):
        r = g["half_after"] / g["half_before"]
        rows.append(
            {
                "outcome": outcome,
                "comparisons": len(g),
                "pooled half-width ratio (after / before)": pooled(g),
                "median ratio": float(r.median()),
                "narrower": f"{int((r < 1).sum())} of {len(r)}",
            }
        )
    return pd.DataFrame(rows)


def crn_lines(out: Path) -> list[str]:
    """The report's paragraph and table, from ``out``/crn_gain.csv (nothing if absent)."""
    from sim.analysis.reports import md_table

    path = out / CSV
    if not path.is_file():
        return []
    t = crn_table(pd.read_csv(path))
    pairs = pd.read_csv(path)["pairs_after"].max()
    return [
        "Variance reduction from per-user common random numbers (`spread.draws`): the "
        f"study's arms run in both draw modes on the same {pairs} seeds "
        "(`experiments/crn_gain.py`); the half-width of each paired 95% interval after "
        "(per-user draws, the default) over before (sequential draws), pooled over the arms "
        f"as a ratio of root mean squares. Per arm: [{MD}]({MD}).",
        "",
        *md_table(t),
        "",
    ]
