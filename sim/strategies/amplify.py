"""Common machinery of the strategies that recruit ordinary users as amplifiers.

An ``Amplifiers`` strategy recruits users from a pool (weighted by ``weights``) once, at a
one-off cost per recruit, pays an upkeep per recruit per day (it recruits only as many as
its budget can keep going to the end of the run), and each tick lets every
recruit post Poisson(``posts_per_day``) posts of the side's live stories to their own
followers (``model.user_outbox``). A share ``gaffe_prob`` of posts are gaffes: readers who
take them in move away from the side (``Posts.backfire``). A gaffe draws attention whatever
the post's care, so it carries quality 1. This class has no ``name``, so it is not a
strategy by itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.strategies.base import Strategy
from sim.strategies.toolkit import claims, per_tick, tick_of_day, user_posts


class Amplifiers(Strategy):
    kind: int  # source kind readers see

    def pool(self) -> np.ndarray:
        raise NotImplementedError

    def weights(self, pool: np.ndarray) -> np.ndarray:
        return np.ones(len(pool))

    def languages(self, users: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    @property
    def wanted(self) -> int:
        raise NotImplementedError

    @property
    def gaffe_prob(self) -> float:
        return 0.0

    def setup(self) -> None:
        pool = self.pool()
        m = self.model
        days = max(m.world.ticks * m.world.tick_hours / 24.0 - self.cfg.start_day, 0.0)
        per_head = self.cfg.recruit_hours + self.cfg.upkeep_hours_per_day * days
        k = min(self.wanted, len(pool))
        if per_head > 0:  # only as many as the budget keeps going to the end of the run
            k = min(k, int(self.cfg.budget / per_head + 1e-9))
        k = self.afford(k, self.cfg.recruit_hours)
        w = self.weights(pool).astype(np.float64)
        p = w / w.sum() if len(pool) and w.sum() > 0 else None
        self.users = np.sort(self.rng.choice(pool, k, replace=False, p=p)) if k else pool[:0]
        self.start = tick_of_day(self.model, self.cfg.start_day)
        self.running = k > 0
        self.posts = 0
        self.gaffes = 0

    def act(self) -> None:
        if not self.running or self.model.tick < self.start:
            return
        m = self.model
        upkeep = per_tick(m, self.cfg.upkeep_hours_per_day * len(self.users))
        if self.charge(upkeep) < 1.0:  # budget spent: the campaign ends
            self.running = False
            return
        narr = claims(m, self.side)
        if not len(narr):
            return
        n = self.rng.poisson(per_tick(m, self.cfg.posts_per_day), len(self.users))
        users = np.repeat(self.users, n)
        if not len(users):
            return
        k = narr[self.rng.integers(len(narr), size=len(users))]
        lang = self.languages(users)
        gaffe = self.rng.random(len(users)) < self.gaffe_prob
        quality = np.where(gaffe, 1.0, self.cfg.quality)
        batch = user_posts(m, users, k, lang, 0.0, kind=self.kind, backfire=gaffe)
        batch.quality = quality.astype(batch.quality.dtype)
        m.user_outbox.append(batch)
        self.posts += len(users)
        self.gaffes += int(gaffe.sum())

    def report(self) -> dict[str, Any]:
        return {"recruited": int(len(self.users)), "posts": self.posts, "gaffes": self.gaffes}
