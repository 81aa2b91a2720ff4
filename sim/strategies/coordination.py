"""Coordination: an interagency desk keeps official messages consistent.

Without it, officials sometimes push claims that contradict the agreed, verifiable line
(the side's own false stories, which a rival can expose) and make gaffes. The desk, paid
``desk_hours_per_day``, vets the side's official posts each tick and stops a share
``vetting`` of those contradictory posts. Applied in the revise pass, so it also vets
posts other strategies added this tick.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import PROB
from sim.posts import Posts
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import OFFICIAL, owner_side_kind, per_tick, thin


@dataclass
class Config(StrategyConfig):
    budget: float = 400.0
    vetting: float = param(
        0.6,
        PROB,
        plausible=(0.3, 0.9),
        source="no source: a desk stops most, never all, contradictory posts",
        doc="share of contradictory official posts stopped",
    )
    desk_hours_per_day: float = param(
        8.0,
        plausible=(4, 24),
        source="docs/sources.md: staff shortage, no figure; one to three people on a desk",
        doc="the coordination desk",
    )


class Coordination(Strategy):
    name = "coordination"
    Config = Config
    meta = StrategyMeta(
        summary="an interagency desk stops official posts that contradict the agreed line "
        "(own false stories, gaffes)",
        sides=("home", "rival"),
        changes="share of the side's official posts of its own false stories and gaffes dropped",
        cost_model="desk_hours_per_day for every day the desk works",
        effect=Effect("own_false_auc", -1, params=dict(vetting=1.0)),
    )

    def setup(self) -> None:
        self.stopped = 0

    def revise(self) -> None:
        m = self.model
        if self.cfg.vetting <= 0 or self.left <= 0:
            return
        paid = self.charge(per_tick(m, self.cfg.desk_hours_per_day))
        keep = 1.0 - self.cfg.vetting * paid
        m.outbox = [self._vet(p, keep) for p in m.outbox]

    def _vet(self, p: Posts, keep: float) -> Posts:
        if not len(p):
            return p
        w = self.model.world
        side, kind = owner_side_kind(self.model, p)
        official = (
            (side == self.side) & np.isin(kind, OFFICIAL) & (w.narr_side[p.narr] == self.side)
        )
        bad = official & (~w.narr_true[p.narr] | p.backfire)
        if not bad.any():
            return p
        p, dropped = thin(p, np.where(bad, keep, 1.0), self.rng)
        self.stopped += dropped
        return p

    def report(self) -> dict[str, Any]:
        return {"posts_stopped": self.stopped}
