"""NGO appeals (track II): civil-society appeals to international institutions and publics.

Slow: nothing happens for ``lag_days`` (appeals take drafting and signatures). Then the
side's NGO network reaches further into the international audiences (each NGO account
gains a share ``network`` of every international community's users on its platforms as
followers) and posts ``appeals_per_day`` high-quality appeals in all, under the NGO
source kind that international audiences trust most. A side without an NGO actor cannot
use it (the report says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import PROB, rng
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import (
    account_posts,
    claims,
    communities,
    live_accounts,
    per_tick,
    side_actors,
    tick_of_day,
)


@dataclass
class Config(StrategyConfig):
    budget: float = 200.0
    lag_days: float = param(
        3.0,
        plausible=(1, 14),
        source="no source: NGO participation is situational (docs/sources.md)",
        doc="before the first appeal",
    )
    appeals_per_day: float = param(
        2.0,
        rng(0, 1000),
        plausible=(0.5, 10),
        source="no source: a handful of NGO accounts",
        doc="over all the side's NGO accounts",
    )
    quality: float = param(
        0.9,
        PROB,
        plausible=(0.6, 1.0),
        source="no source: NGOs credible with international audiences (docs/sources.md)",
    )
    network: float = param(
        0.02,
        PROB,
        plausible=(0.005, 0.1),
        source="no source: share of an international audience an NGO network reaches",
        doc="share of each international community gained as followers",
    )
    staff_hours_per_appeal: float = param(
        6.0, plausible=(2, 16), source="no source: drafting and circulating one appeal"
    )
    network_hours: float = param(
        20.0,
        plausible=(5, 80),
        source="no source: days of network building",
        doc="one-off, building the network at the first appeal",
    )


class NgoAppeals(Strategy):
    name = "ngo_appeals"
    Config = Config
    meta = StrategyMeta(
        summary="track II: after a lag, NGOs widen their international network and post "
        "high-quality appeals",
        sides=("home", "rival"),
        changes="followers of the side's NGO accounts in international audiences; extra NGO posts",
        cost_model="network_hours once at the first appeal, plus staff_hours_per_appeal per appeal",
        effect=Effect(
            "own_reads_international",
            +1,
            params=dict(lag_days=0.5, appeals_per_day=12, network=0.1),
        ),
    )

    def setup(self) -> None:
        self.ngos = side_actors(self.model, self.side, ("ngo",))
        self.start = tick_of_day(self.model, self.cfg.lag_days)
        self.networked = False
        self.appeals = 0
        self.gained = 0

    def act(self) -> None:
        m = self.model
        if not self.ngos or m.tick < self.start:
            return
        if not self.networked:
            self.networked = True
            if self.charge(self.cfg.network_hours) >= 1.0:
                self._network()
        accs = np.concatenate([live_accounts(m, a) for a in self.ngos])
        narr = claims(m, self.side)
        if not len(accs) or not len(narr):
            return
        n = self.afford(
            self.rng.poisson(per_tick(m, self.cfg.appeals_per_day)), self.cfg.staff_hours_per_appeal
        )
        if n == 0:
            return
        acct = accs[self.rng.integers(len(accs), size=n)]
        intl = communities(m, None, "international")
        lang = np.empty(n, dtype=np.uint8)
        owner = np.array(m.accounts.owner, dtype=np.int64)[acct]
        for i, _a in enumerate(acct):  # n is a handful of appeals per tick
            actor = m.actors[owner[i]]
            host = intl[self.rng.integers(len(intl))] if len(intl) else actor.hosts[0]
            lang[i] = actor.language_for(np.array([host]))[0]
        k = narr[self.rng.integers(len(narr), size=n)]
        m.outbox.append(account_posts(m, acct, k, lang, self.cfg.quality))
        self.appeals += n

    def _network(self) -> None:
        m = self.model
        for actor in self.ngos:
            for a in actor.accounts:
                plats = int(m.accounts.plats[a])
                for c in communities(m, None, "international"):
                    pool = m.members[c][(m.crowd.plats[m.members[c]] & plats) != 0]
                    k = int(round(self.cfg.network * len(pool)))
                    if k:
                        self.gained += m.accounts.add_followers(
                            a, self.rng.choice(pool, k, replace=False)
                        )

    def report(self) -> dict[str, Any]:
        if not self.ngos:
            return {"note": "the side has no NGO actor"}
        return {"appeals": self.appeals, "followers_gained": self.gained}
