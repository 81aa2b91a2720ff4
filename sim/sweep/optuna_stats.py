"""The strategy-mix report's statistics: the front's mixes merged where they behave
identically, one Holm family per effect over the front, and whether the search's
precision targets were narrow enough to matter.

Two budgets can buy the same behaviour (a budget above what a strategy can spend in the
run changes nothing), so two "distinct" front mixes may give the same value on every
fresh seed: they are one answer, listed as one row naming both. The front's effects are
then read as a family of comparisons with the no-strategy baseline, one per effect
objective, Holm-adjusted (``sim.analysis.multiplicity``): with a dozen mixes some raw 95%
intervals would exclude 0 by chance. Spending is not tested (every mix spends).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.analysis.multiplicity import Families

EFFECTS = ("support", "misinfo")  # the paired objectives; cost is a spend, not an effect


def merged(fresh: pd.DataFrame) -> pd.DataFrame:
    """One row per behaviour (``same_as``), its trials listed in ``trials``, first kept."""
    if "same_as" not in fresh:
        return fresh.assign(trials=[[t] for t in fresh["trial"]])
    groups = fresh.groupby("same_as", sort=False)["trial"].apply(list)
    first = fresh.drop_duplicates("same_as").copy()
    first["trials"] = [groups[s] for s in first["same_as"]]
    return first.reset_index(drop=True)


def families(rows: pd.DataFrame) -> Families:
    """Per effect objective: every distinct front mix vs no strategy, Holm."""
    fams = Families()
    for k in EFFECTS:
        if f"{k}_p" not in rows:
            continue
        t = pd.DataFrame(
            {
                "mix": [" / ".join(map(str, ts)) for ts in rows["trials"]],
                "diff_mean": rows[f"{k}_mean"].to_numpy(float),
                "diff_se": rows[f"{k}_se"].to_numpy(float),
                "diff_df": rows[f"{k}_df"].to_numpy(float),
                "diff_n": rows["fresh seeds"].to_numpy(float),
                "diff_p": rows[f"{k}_p"].to_numpy(float),
            }
        )
        fams.add(k, k, t)
    return fams


def target_note(rows: pd.DataFrame, args: Any, trials: pd.DataFrame) -> str:
    """Say plainly when a target half-width is wider than every effect on the front: an
    interval that wide cannot tell any of them from zero, so 'met' carried no news."""
    parts = []
    for k, target in (("support", args.target_support), ("misinfo", args.target_misinfo)):
        if not len(rows) or f"{k}_mean" not in rows:
            continue
        largest = float(rows[f"{k}_mean"].abs().max())
        if target >= largest:
            parts.append(f"{k} {target:g} vs largest |effect| {largest:.4f}")
    if not parts:
        return ""
    seeds = f"median {trials['seeds'].median():g} seeds" if len(trials) else "few seeds"
    return (
        "**The targets were too wide for this front.** Each target half-width is wider "
        "than every effect on the front (" + "; ".join(parts) + "), so a trial could "
        f"meet it (here at {seeds}) with an interval that includes 0 and every effect of "
        "interest: 'met' says the search stopped early, not that its estimates were precise. "
        "A rerun should set each target below half the smallest effect worth telling apart. "
        "The fresh re-run below does not depend on these targets."
    )


def adjusted_cells(fams: Families, k: str, i: int) -> dict[str, str]:
    """The Holm columns of row ``i`` of objective ``k``'s family."""
    f = next((f for f in fams.items if f.metric == k), None)
    if f is None or not len(f.table):
        return {}
    r = f.table.iloc[i]
    p = r["p_adj"]
    return {
        f"{k} p (Holm)": "n/a" if pd.isna(p) else f"{p:.4f}",
        f"{k} family-wise CI": f"[{r['adj_lo']:+.4f}, {r['adj_hi']:+.4f}]"
        + (" *" if r["significant_adj"] else ""),
    }
