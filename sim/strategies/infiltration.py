"""Infiltration: bots win followers inside their target communities over time.

Each live bot account of the side gains Poisson(``rate``) new followers per day among
the users of its host communities who use one of its platforms (follow-backs, fake
personas that blend in). Their followers then see every later post of the account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import rng
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import live_accounts, members, per_tick, side_actors


@dataclass
class Config(StrategyConfig):
    budget: float = 200.0
    rate: float = param(
        5.0,
        rng(0, 10**6),
        plausible=(1, 20),
        source="no source: followers won per persona per day",
        doc="new followers per bot account per day",
    )
    hours_per_follower: float = param(
        0.02,
        plausible=(0.005, 0.1),
        source="no source: minutes of persona work per follower",
        doc="persona work per follower won",
    )


class Infiltration(Strategy):
    name = "infiltration"
    Config = Config
    meta = StrategyMeta(
        summary="bots gain followers inside their target communities over time",
        sides=("rival",),
        hostile=True,
        changes="follower lists of the side's bot accounts (sim.actors.Accounts)",
        cost_model="hours_per_follower staff-hours per follower won",
        effect=Effect("own_reach", +1, params=dict(rate=50)),
    )

    def setup(self) -> None:
        m = self.model
        self.bots = side_actors(m, self.side, ("bots",))
        self.pools: dict[int, dict[int, np.ndarray]] = {}  # actor id -> platform mask -> users
        for a in self.bots:
            pool = members(m, a.hosts)
            for acc in a.accounts:
                plats = int(m.accounts.plats[acc])
                if plats not in self.pools.get(id(a), {}):
                    self.pools.setdefault(id(a), {})[plats] = pool[
                        (m.crowd.plats[pool] & plats) != 0
                    ]
        self.gained = 0

    def act(self) -> None:
        m = self.model
        if self.left <= 0:
            return
        for a in self.bots:
            accs = live_accounts(m, a)
            n = self.rng.poisson(per_tick(m, self.cfg.rate), len(accs))
            for acc, k in zip(accs[n > 0], n[n > 0]):  # loop over accounts, not users
                pool = self.pools[id(a)][int(m.accounts.plats[acc])]
                k = self.afford(min(int(k), len(pool)), self.cfg.hours_per_follower)
                if k:
                    self.gained += m.accounts.add_followers(
                        int(acc), self.rng.choice(pool, k, replace=False)
                    )

    def report(self) -> dict[str, Any]:
        return {"followers_gained": self.gained}
