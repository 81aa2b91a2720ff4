"""Robustness of each lever set across the uncertainty sample: regret and satisficing.

Every lever set is run in every sampled scenario (the same scenarios, the same seeds), so
lever sets are compared scenario by scenario. Regret of a lever set in a scenario is how
much worse it does there than the best lever set in that same scenario (Savage's regret):
it asks "how much would we wish we had chosen otherwise, had we known the world". A
lever set satisfices in a scenario when it keeps misinformation at or below the threshold
and support at or above the level; its satisficing share is the fraction of scenarios
where it does. Intervals and the paired comparison with the top policy:
``sim.robust.intervals``; the size a study needs: ``sim.robust.sizing``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.robust.discovery import fails
from sim.robust.intervals import quantile_ci, share_ci, versus_top
from sim.robust.schema import OutcomeConfig
from sim.robust.sizing import Sizing, scenarios_to_separate, size

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


def holds(tab: pd.DataFrame, o: OutcomeConfig) -> pd.DataFrame:
    """Scenario x policy: 1 where the policy meets both targets, else 0."""
    ok = ~fails({k: tab[k].to_numpy() for k in ("misinformation", "support")}, o)
    return tab.assign(ok=ok.astype(float)).pivot(index="scenario", columns="policy", values="ok")


def ranking(tab: pd.DataFrame, o: OutcomeConfig, quantile: float, seed: int = 0) -> pd.DataFrame:
    """Per policy: satisficing share (with its interval), regret at ``quantile`` (with a
    bootstrap interval over scenarios) and at the worst scenario for both outcomes, and the
    mean outcomes. Ranked by satisficing share, then by the worse of the two normalised
    worst-case regrets, then by cost."""
    from sim.rng import stream

    ok = holds(tab, o)
    rows = []
    regrets = {k: regret(tab, k) for k in SENSE}
    for policy, g in tab.groupby("policy", sort=False):
        k, n = int(ok[policy].sum()), len(g)
        lo, hi = share_ci(k, n)
        row = {"policy": policy, "satisficing": k / n, "sat_lo": float(lo), "sat_hi": float(hi)}
        row["n"] = n
        for name, r in regrets.items():
            values = r[policy].to_numpy(float)
            row[f"{name}_regret_q"] = float(np.quantile(values, quantile))
            rng = stream(seed, f"robust/bootstrap/regret/{policy}/{name}")
            row[f"{name}_regret_q_lo"], row[f"{name}_regret_q_hi"] = quantile_ci(
                values, quantile, rng
            )
            row[f"{name}_regret_max"] = float(values.max())
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


def compare(
    tab: pd.DataFrame,
    rank: pd.DataFrame,
    o: OutcomeConfig,
    quantile: float,
    seed: int,
    target: float,
) -> tuple[pd.DataFrame, Sizing]:
    """Every policy against the top-ranked one, paired by scenario (``versus_top``, plus the
    scenarios that would separate the two), and the study's sizing."""
    ok = holds(tab, o)
    order = [str(p) for p in rank["policy"]]
    versus = versus_top(ok, {k: regret(tab, k) for k in SENSE}, order, quantile, seed)
    if not versus.empty:
        top = ok[order[0]].to_numpy()
        versus["n_separate"] = [
            scenarios_to_separate(top, ok[p].to_numpy()) for p in versus["policy"]
        ]
    holds_by = {p: ok[p].to_numpy() for p in order}
    return versus, size(holds_by, order, target)
