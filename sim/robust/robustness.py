"""Robustness of each lever set across the uncertainty sample: regret and satisficing.

Every lever set is run in every sampled scenario (the same scenarios, the same seeds), so
lever sets are compared scenario by scenario. Regret of a lever set in a scenario is how
much worse it does there than the best lever set in that same scenario (Savage's regret):
it asks "how much would we wish we had chosen otherwise, had we known the world". A
lever set satisfices in a scenario when it keeps misinformation at or below the threshold
and support at or above the level; its satisficing share is the fraction of scenarios
where it does, given with a Wilson 95% interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.robust.discovery import fails
from sim.robust.schema import OutcomeConfig

# +1: more is better; -1: less is better
SENSE = {"misinformation": -1, "support": +1}


def table(experiments: pd.DataFrame, outcomes: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per experiment: its scenario, its policy and its outcomes."""
    return pd.DataFrame(
        {
            "scenario": experiments["scenario"].astype(str).to_numpy(),
            "policy": experiments["policy"].astype(str).to_numpy(),
            **{k: np.asarray(v, dtype=float) for k, v in outcomes.items()},
        }
    )


def regret(tab: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Scenario x policy regret on ``outcome``: distance to the best policy of the scenario
    (>= 0; 0 for the best)."""
    wide = tab.pivot(index="scenario", columns="policy", values=outcome)
    if SENSE[outcome] > 0:
        return wide.rsub(wide.max(axis=1), axis=0)
    return wide.sub(wide.min(axis=1), axis=0)


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of a proportion k/n."""
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (float(max(centre - half, 0.0)), float(min(centre + half, 1.0)))


def ranking(tab: pd.DataFrame, o: OutcomeConfig, quantile: float) -> pd.DataFrame:
    """Per policy: satisficing share (with its interval), regret at ``quantile`` and at the
    worst scenario for both outcomes, and the mean outcomes. Ranked by satisficing share,
    then by the worse of the two normalised worst-case regrets, then by cost."""
    ok = ~fails({k: tab[k].to_numpy() for k in ("misinformation", "support")}, o)
    rows = []
    regrets = {k: regret(tab, k) for k in SENSE}
    for policy, g in tab.groupby("policy", sort=False):
        k, n = int(ok[g.index].sum()), len(g)
        lo, hi = wilson(k, n)
        row = {"policy": policy, "satisficing": k / n, "sat_lo": lo, "sat_hi": hi, "n": n}
        for name, r in regrets.items():
            row[f"{name}_regret_q"] = float(r[policy].quantile(quantile))
            row[f"{name}_regret_max"] = float(r[policy].max())
        row.update({f"mean_{c}": float(g[c].mean()) for c in ("cost", "misinformation", "support")})
        rows.append(row)
    out = pd.DataFrame(rows)
    scale = {k: max(float(regrets[k].to_numpy().max()), 1e-12) for k in SENSE}
    out["worst_regret"] = np.maximum(
        out["misinformation_regret_max"] / scale["misinformation"],
        out["support_regret_max"] / scale["support"],
    )
    out = out.sort_values(
        ["satisficing", "worst_regret", "mean_cost"], ascending=[False, True, True]
    )
    return out.reset_index(drop=True).assign(rank=lambda d: np.arange(1, len(d) + 1))
