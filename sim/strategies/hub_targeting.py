"""Hub targeting: bots aim their stories at the most-followed users of their target audiences.

The ``hubs`` users of the bots' host communities who read one of the bots' languages and
have the most followers (public counts) are singled out. Each live bot account sends
Poisson(``mentions_per_day``) mentions a day, each straight to one random hub, about one
of the bots' stories: a hub who takes the story in reshares it to a large audience. Hubs
who have publicly reshared the other side's stories, or this story already, get no
mentions of it (only observable signals pick the audience, never opinions or beliefs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import rng
from sim.posts import Posts
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import (
    live_accounts,
    members,
    other_side,
    per_tick,
    reshared_side,
    send_direct,
    side_actors,
)


@dataclass
class Config(StrategyConfig):
    budget: float = 250.0
    hubs: int = param(
        50,
        rng(0, 10**7),
        plausible=(10, 500),
        source="no source: the most-followed accounts of the audiences",
        doc="most-followed users targeted",
    )
    mentions_per_day: float = param(
        6.0,
        rng(0, 10000),
        plausible=(1, 24),
        source="no source: per bot, short of platform spam limits",
        doc="per bot account",
    )
    hours_per_mention: float = param(
        0.02, plausible=(0.005, 0.1), source="no source: automated, seconds to minutes"
    )


class HubTargeting(Strategy):
    name = "hub_targeting"
    Config = Config
    meta = StrategyMeta(
        summary="bots mention the most-followed users of their target audiences so hubs "
        "carry their stories",
        sides=("rival",),
        hostile=True,
        changes="extra bot posts delivered straight to hub users (model.direct)",
        cost_model="hours_per_mention staff-hours per mention",
        effect=Effect("own_false_auc", +1, params=dict(mentions_per_day=24)),
    )

    def setup(self) -> None:
        m = self.model
        self.bots = side_actors(m, self.side, ("bots",))
        fan = np.diff(m.followers.indptr)  # followers of each user
        self.hub_of: dict[int, np.ndarray] = {}
        for a in self.bots:
            pool = members(m, a.hosts)
            reads = np.zeros(len(pool), dtype=bool)
            for lang in a.languages:
                reads |= ((m.crowd.langs[pool] >> np.uint16(lang)) & 1) == 1
            pool = pool[reads]
            pool = pool[~reshared_side(m, pool, other_side(m, self.side))]
            top = np.argsort(-fan[pool], kind="stable")[: self.cfg.hubs]
            self.hub_of[id(a)] = np.sort(pool[top])
        self.mentions = 0

    def act(self) -> None:
        m = self.model
        if self.left <= 0:
            return
        for a in self.bots:
            hubs, accs, narr = self.hub_of[id(a)], live_accounts(m, a), a.live_narratives(m.tick)
            if not len(hubs) or not len(accs) or not len(narr):
                continue
            n = self.rng.poisson(per_tick(m, self.cfg.mentions_per_day), len(accs))
            acct = np.repeat(accs, n)
            target = hubs[self.rng.integers(len(hubs), size=len(acct))]
            k = narr[self.rng.integers(len(narr), size=len(acct))]
            fresh = ~m.crowd.reshared[k, target]  # hubs who reshared it already are left alone
            total = self.afford(int(fresh.sum()), self.cfg.hours_per_mention)
            if total == 0:
                continue
            acct, target, k = acct[fresh][:total], target[fresh][:total], k[fresh][:total]
            lang = self._language(a, target)
            # one entry per mention (no aggregation): each goes to its own hub
            posts = Posts.make(
                src=acct,
                narr=k,
                lang=lang,
                count=1,
                quality=a.quality,
                kind=m.accounts.kind[acct],
                origin=m.crowd.n + acct,
                plats=m.accounts.plats[acct],
            )
            send_direct(m, posts, target)
            self.mentions += total

    def _language(self, actor, users: np.ndarray) -> np.ndarray:
        """The bot's language each hub reads (its most widely read one where several)."""
        crowd = self.model.crowd
        langs = sorted(actor.languages, key=lambda l: -self.model.world.lang_prob[:, l].sum())
        out = np.full(len(users), langs[0], dtype=np.uint8)
        for lang in reversed(langs):
            out[((crowd.langs[users] >> np.uint16(lang)) & 1) == 1] = lang
        return out

    def report(self) -> dict[str, Any]:
        return {"mentions": self.mentions, "hubs": int(sum(len(h) for h in self.hub_of.values()))}
