"""A strategy's expected effect, declared next to its class and checked by a generic test.

Each strategy names, in ``StrategyMeta.effect``, the run outcome it should move and the
direction (as Axelrod's strategies declare their classifiers). The contract test
(tests/test_strategies_contract.py) runs every strategy in a small world against the same
world without it, over paired seeds, and checks the sign; the docs table shows the
declaration. Outcomes are stated relative to the strategy's own side, so one vocabulary
serves every strategy and every scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Effect:
    """``outcome`` (a key of ``OUTCOMES``) moves in direction ``sign`` (+1 up, -1 down)
    when the strategy is on. ``params``: values that make it matter in the contract
    test's small, short world; ``alongside``: other strategies (name -> parameters)
    present in both arms, for a strategy that works on what another one does."""

    outcome: str
    sign: int
    params: Mapping[str, Any] = field(default_factory=dict)
    alongside: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome '{self.outcome}'; allowed: {', '.join(OUTCOMES)}")
        if self.sign not in (-1, 1):
            raise ValueError(f"sign must be +1 or -1, got {self.sign}")

    def describe(self) -> str:
        """The declaration in words, e.g. 'raises the side's reach'."""
        return f"{'raises' if self.sign > 0 else 'lowers'} {OUTCOMES[self.outcome][0]}"

    def measure(self, result: Any, side: int) -> float:
        """The outcome of a run (``sim.api.RunResult``) for a strategy of ``side``."""
        return float(OUTCOMES[self.outcome][1](result, side))


def _narratives(w: Any, side: int, own: bool, false_only: bool = False) -> list[str]:
    mine = (w.narr_side == side) if own else (w.narr_side != side)
    pick = mine & ~w.narr_true if false_only else mine
    return [w.narratives[k] for k in np.flatnonzero(pick)]


def _communities(w: Any, side: int, where: str) -> list[str]:
    kinds = np.array(w.comm_kind)
    if where == "international":
        pick = kinds == "international"
    elif where == "own_domestic":
        pick = (kinds == "domestic") & (w.comm_side == side)
    else:  # the other side's own people: domestic and diaspora communities
        pick = (kinds != "international") & (w.comm_side != side) & (w.comm_side >= 0)
    return [w.communities[c] for c in np.flatnonzero(pick)]


def _reads(own_only: bool, where: str) -> Callable[[Any, int], float]:
    def f(r: Any, side: int) -> float:
        w = r.model.world
        narrs = _narratives(w, side, True) if own_only else list(w.narratives)
        ts = r.timeseries[r.timeseries["community"].isin(_communities(w, side, where))]
        return float(ts[[f"reads_{k}" for k in narrs]].sum().sum())

    return f


def _own_false_auc(r: Any, side: int) -> float:
    names = _narratives(r.model.world, side, True, false_only=True)
    return sum(r.summary["misinformation"][k]["auc"] for k in names)


def _other_false_protected(r: Any, side: int) -> float:
    ts = r.timeseries
    last = ts[ts["tick"] == ts["tick"].max()]
    names = _narratives(r.model.world, side, False, false_only=True)
    return float(last[[f"{s}_{k}" for k in names for s in ("inoculated", "rejecters")]].sum().sum())


def _own_believer_days(r: Any, side: int) -> float:
    names = _narratives(r.model.world, side, True)
    return float(r.timeseries[[f"believers_{k}" for k in names]].sum().sum())


def _own_reach(r: Any, side: int) -> float:
    return float(r.summary["reach"][r.model.world.sides[side]])


OUTCOMES: dict[str, tuple[str, Callable[[Any, int], float]]] = {
    "own_reach": ("the side's reach (reads of its posts)", _own_reach),
    "own_reads_international": (
        "reads of the side's stories in international communities",
        _reads(True, "international"),
    ),
    "own_reads_among_other_sides": (
        "reads of the side's stories among the other side's own people",
        _reads(True, "other_home"),
    ),
    "reads_own_domestic": (
        "reads of every story in the side's domestic communities",
        _reads(False, "own_domestic"),
    ),
    "own_believer_days": ("believer-days of the side's stories", _own_believer_days),
    "own_false_auc": ("believer-days of the side's own false stories", _own_false_auc),
    "other_false_protected": (
        "users protected against the other side's false stories at the end",
        _other_false_protected,
    ),
}
