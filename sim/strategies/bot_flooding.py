"""Bot flooding: the side's bot networks post many times their usual volume.

Every live bot account adds Poisson((multiplier - 1) x its usual rate) posts per tick of
the bots' stories, aimed at their host communities. The volume crowds readers' feeds:
with limited attention every other post is read less often.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import rng
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import account_posts, live_accounts, side_actors, tick_of_day


@dataclass
class Config(StrategyConfig):
    budget: float = 400.0
    multiplier: float = param(
        5.0,
        rng(1, 1000),
        plausible=(1, 20),
        source="no source: a flood multiplies usual bot volume a few to tens of times",
        doc="bot volume relative to usual (1: no extra posts)",
    )
    start_day: float = 0.0
    hours_per_1000_posts: float = param(
        4.0,
        plausible=(1, 20),
        source="no source: automated posting, operators' time only",
        doc="operators running the network",
    )


class BotFlooding(Strategy):
    name = "bot_flooding"
    Config = Config
    meta = StrategyMeta(
        summary="bot networks post many times their usual volume, crowding feeds",
        sides=("rival",),
        hostile=True,
        changes="extra posts by the side's bot accounts (feed crowding under limited attention)",
        cost_model="hours_per_1000_posts staff-hours per thousand extra posts",
        effect=Effect("own_reach", +1),
    )

    def setup(self) -> None:
        self.bots = side_actors(self.model, self.side, ("bots",))
        self.start = tick_of_day(self.model, self.cfg.start_day)
        self.extra = 0

    def act(self) -> None:
        m = self.model
        if m.tick < self.start or self.cfg.multiplier <= 1:
            return
        for a in self.bots:
            self._flood(a)

    def _flood(self, actor) -> None:
        m = self.model
        accs, narr = live_accounts(m, actor), actor.live_narratives(m.tick)
        if not len(accs) or not len(narr) or not len(actor.hosts):
            return
        n = self.rng.poisson(actor.rate * (self.cfg.multiplier - 1.0), len(accs))
        total = self.afford(int(n.sum()), self.cfg.hours_per_1000_posts / 1000.0)
        if total == 0:
            return
        acct = np.repeat(accs, n)[:total]
        k = narr[self.rng.integers(len(narr), size=total)]
        host = actor.hosts[self.rng.integers(len(actor.hosts), size=total)]
        m.outbox.append(account_posts(m, acct, k, actor.language_for(host), actor.quality))
        self.extra += total

    def report(self) -> dict[str, Any]:
        return {"extra_posts": self.extra}
