"""Prebunking: warn audiences about a false story before it arrives (inoculation).

From ``start_day`` the side's official accounts post its debunks of the rival's false
stories before those stories appear, and up to ``overlap_days`` after. In the kernel a
reader who takes in a debunk before meeting its target becomes inoculated against it
(belief probability times 1 - spread.inoculation), and inoculation spreads as readers
reshare the warning. Needs a debunk narrative for the rival story (world.narratives).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import NONNEG, PROB, check, rng
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta
from sim.strategies.toolkit import (OFFICIAL, account_posts, debunks_of, live_accounts, per_tick,
                                    rival_fakes, side_actors, tick_of_day)


@dataclass
class Config(StrategyConfig):
    budget: float = 200.0
    start_day: float = 0.0
    overlap_days: float = 0.5  # keep warning this long after the story appears
    posts_per_day: float = 4.0  # per official account
    quality: float = 0.7
    staff_hours_per_post: float = 0.5
    preparation_hours: float = 16.0  # one-off: researching the rival's likely stories

    def check(self, key: str) -> None:
        super().check(key)
        check(f"{key}.start_day", self.start_day, NONNEG)
        check(f"{key}.overlap_days", self.overlap_days, NONNEG)
        check(f"{key}.posts_per_day", self.posts_per_day, rng(0, 1000))
        check(f"{key}.quality", self.quality, PROB)
        check(f"{key}.staff_hours_per_post", self.staff_hours_per_post, NONNEG)
        check(f"{key}.preparation_hours", self.preparation_hours, NONNEG)


class Prebunking(Strategy):
    name = "prebunking"
    Config = Config
    meta = StrategyMeta(
        summary="post warnings (debunks) before the rival's false stories appear, inoculating "
                "readers",
        sides=("home", "rival"),
        changes="extra debunk posts by official accounts before their targets start; "
                "inoculated users",
        cost_model="preparation_hours once, plus staff_hours_per_post per warning",
    )

    def setup(self) -> None:
        if not self.enabled:
            return
        m = self.model
        self.start = tick_of_day(m, self.cfg.start_day)
        overlap = tick_of_day(m, self.cfg.overlap_days)
        self.until = {int(k): int(m.world.narr_start_tick[k]) + overlap for k in rival_fakes(m, self.side)}
        self.actors = side_actors(m, self.side, OFFICIAL)
        self.prepared = self.charge(self.cfg.preparation_hours) >= 1.0
        self.posted = 0

    def act(self) -> None:
        m = self.model
        if not self.enabled or not self.prepared or m.tick < self.start:
            return
        targets = [k for k, t in self.until.items() if m.tick < t]
        if not targets:
            return
        debunks = np.concatenate([debunks_of(m, self.side, k) for k in targets])
        accs, hosts_of = [], []
        for a in self.actors:
            la = live_accounts(m, a)
            accs.append(la)
            hosts_of += [a] * len(la)
        if not accs:
            return
        accs_a = np.concatenate(accs)
        n = self.rng.poisson(per_tick(m, self.cfg.posts_per_day), len(accs_a))
        total = self.afford(int(n.sum()), self.cfg.staff_hours_per_post)
        if total == 0:
            return
        idx = np.repeat(np.arange(len(accs_a)), n)[:total]
        lang = np.empty(total, dtype=np.uint8)
        for j in np.unique(idx):  # per account: its actor picks the language for a random host
            actor, sel = hosts_of[j], idx == j
            host = actor.hosts[self.rng.integers(len(actor.hosts), size=int(sel.sum()))]
            lang[sel] = actor.language_for(host)
        k = debunks[self.rng.integers(len(debunks), size=total)]
        m.outbox.append(account_posts(m, accs_a[idx], k, lang, self.cfg.quality))
        self.posted += total

    def report(self) -> dict[str, Any]:
        if not self.enabled:
            return {}
        return {"warnings_posted": self.posted,
                "targets": [self.model.world.narratives[k] for k in sorted(self.until)]}
