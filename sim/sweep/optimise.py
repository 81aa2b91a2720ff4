"""The statistics of the strategy-mix search (experiments/optuna_mix.py): which strategies
it searches, how many seeds a trial gets, the Pareto front, and its re-run on fresh seeds.

A search that scores each trial on two seeds ranks noise: the winner is the mix whose
seeds happened to be kind. So every effect is measured as a paired difference against the
no-strategy run of the same seed (the seed's own noise cancels), each trial adds seeds
until the 95% interval of every effect is narrower than its target (or a cap is hit), and
the Pareto front found by the search is run again on seeds the search never saw: the
published intervals come from those fresh runs only, so the selection cannot bias them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.stats import mean_ci, t_test

COST = "cost.home.strategy_total"  # staff-hours the strategies actually spent
SUPPORT = "audiences.contested.support_home"
MISINFO = "audiences.contested.misinformation.rival_fake.auc"
# objective name -> (metric column, Optuna direction, paired against the baseline run?)
OBJECTIVES: dict[str, tuple[str, str, bool]] = {
    "cost": (COST, "minimize", False),
    "support": (SUPPORT, "maximize", True),
    "misinfo": (MISINFO, "minimize", True),
}
LABELS = {
    "cost": "staff-hours spent by the home strategies",
    "support": "change in support for home, contested audiences (share)",
    "misinfo": "change in believer-days of the rival's false story per contested user",
}
FRESH_SEED0 = 1_000_000  # fresh seeds start here; the search never reaches them


def budgeted_home_strategies() -> list[str]:
    """Every registered strategy a home side may use whose config has a budget."""
    from sim.strategies import load_all

    return sorted(
        name
        for name, cls in load_all().items()
        if cls.meta.allows("home") and "budget" in {f.name for f in dataclasses.fields(cls.Config)}
    )


def objective_frame(rows: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """One row per seed, one column per objective: spend as is, effects as the trial's
    value minus the no-strategy run of the same seed (both frames indexed by seed)."""
    out = {}
    for name, (col, _, paired) in OBJECTIVES.items():
        x = pd.to_numeric(rows[col], errors="coerce")
        out[name] = x - pd.to_numeric(base[col], errors="coerce").reindex(x.index) if paired else x
    return pd.DataFrame(out)


def half_width(x: np.ndarray) -> float:
    """95% Student-t half-width of the mean (inf below 2 values)."""
    ci = mean_ci(x)
    return ci.half if ci.n >= 2 else math.inf


@dataclass
class Estimate:
    """A trial's objectives: means, half-widths, the seeds used and whether every
    target was met (False: the cap stopped it)."""

    mean: dict[str, float]
    half: dict[str, float]
    seeds: list[int]
    met: bool


def sequential(
    draw: Callable[[list[int]], pd.DataFrame],
    targets: dict[str, float],
    start: int,
    batch: int,
    cap: int,
) -> Estimate:
    """Evaluate on seeds 0..start-1, then add ``batch`` seeds at a time while the
    half-width of any targeted objective is above its target, up to ``cap`` seeds.
    ``draw(seeds)`` returns one row per seed (index) with a column per objective."""
    seeds = list(range(min(start, cap)))
    frame = draw(seeds)
    while True:
        half = {k: half_width(frame[k].to_numpy(dtype=float)) for k in frame}
        met = all(half[k] <= t for k, t in targets.items())
        if met or len(seeds) >= cap:
            break
        more = list(range(len(seeds), min(len(seeds) + batch, cap)))
        seeds += more
        frame = pd.concat([frame, draw(more)])
    mean = {k: float(frame[k].mean()) for k in frame}
    return Estimate(mean, half, seeds, met)


def params_key(params: dict[str, Any]) -> tuple:
    return tuple(sorted(params.items()))


def pareto_front(study: Any) -> list[Any]:
    """The study's non-dominated completed trials, one per distinct mix (the first trial
    of each), in order of cost. A repeated mix appears once: a front of copies of one
    mix would look like agreement where there is only repetition."""
    seen, front = set(), []
    for t in sorted(study.best_trials, key=lambda t: (t.values[0], t.number)):
        key = params_key(t.params)
        if key not in seen:
            seen.add(key)
            front.append(t)
    return front


def fresh_table(
    front: list[Any], draw: Callable[[dict[str, int], list[int]], pd.DataFrame], seeds: int
) -> pd.DataFrame:
    """Each front mix re-run on ``seeds`` fresh seeds: mean and 95% CI of every objective
    (effects paired with the baseline on the same fresh seeds), with the t-test's se, df
    and p for the Holm families, and ``same_as``: the first front trial whose fresh values
    are identical on every seed (two budgets that buy the same behaviour are one mix)."""
    fresh = list(range(FRESH_SEED0, FRESH_SEED0 + seeds))
    rows: list[dict[str, Any]] = []
    seen: list[tuple[int, np.ndarray]] = []
    for t in front:
        frame = draw(t.params, fresh)
        x = frame[list(OBJECTIVES)].to_numpy(dtype=float)
        same = next((n for n, y in seen if y.shape == x.shape and np.array_equal(x, y)), t.number)
        seen.append((t.number, x))
        row: dict[str, Any] = {"trial": t.number}
        for k in OBJECTIVES:
            ci, tt = mean_ci(frame[k].to_numpy(dtype=float)), t_test(frame[k].to_numpy(dtype=float))
            row |= {f"{k}_mean": ci.mean, f"{k}_lo": ci.lo, f"{k}_hi": ci.hi}
            row |= {f"{k}_se": tt["se"], f"{k}_df": tt["df"], f"{k}_p": tt["p"]}
        row["fresh seeds"] = len(fresh)
        row["same_as"] = same
        rows.append(row)
    return pd.DataFrame(rows)
