"""Audience targeting: the side's official posts are promoted to the open international public.

Data analytics picks, each tick, a share ``share`` of the side's official actors' routine
posts and re-aims them: instead of reaching the account's followers, each is shown to
``reach_per_post`` users of the international audiences who read its language, use one of
its platforms and have never publicly reshared the other side's stories (promoted posts).
Only what a campaign can observe picks the audience (community, language, platform,
public resharing), never opinions or beliefs; paid reach costs ``hours_per_1000_reach``.
A re-aimed post stays on the account's timeline for the post counts, but its
delivery to followers is switched off. Only actors' routine posts are re-aimed, so the
result does not depend on the order strategies are listed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import PROB, rng
from sim.posts import Posts
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import (
    OFFICIAL,
    communities,
    members,
    other_side,
    reshared_side,
    sample_readers,
    send_direct,
)


@dataclass
class Config(StrategyConfig):
    budget: float = 200.0
    share: float = param(
        0.5,
        PROB,
        plausible=(0.1, 0.9),
        source="no source: any part of routine posts may be re-aimed",
        doc="share of official routine posts re-aimed",
    )
    reach_per_post: int = param(
        40,
        rng(0, 10**7),
        plausible=(10, 500),
        source="no source: users a promoted post is shown to, at model scale",
        doc="international users each re-aimed post reaches",
    )
    hours_per_post: float = param(
        0.25,
        plausible=(0.05, 1),
        source="no source: analytics and promotion per post",
        doc="analytics and promotion per re-aimed post",
    )
    hours_per_1000_reach: float = param(
        0.5,
        plausible=(0.1, 5),
        source="no source: ad spend in staff-hour equivalents",
        doc="paid reach: the ad spend, in staff-hour equivalents",
    )
    setup_hours: float = param(
        10.0,
        plausible=(2, 80),
        source="no source: data analytics for targeting is lacking (docs/sources.md)",
        doc="one-off: building the audience model",
    )


class Targeting(Strategy):
    name = "targeting"
    Config = Config
    meta = StrategyMeta(
        summary="re-aim a share of official posts at international users who have not publicly "
        "reshared the other side",
        sides=("home", "rival"),
        changes="who reads the side's official posts (direct delivery instead of followers)",
        cost_model="setup_hours once, plus hours_per_post and the paid reach "
        "(reach_per_post x hours_per_1000_reach / 1000) per re-aimed post",
        effect=Effect("own_reads_international", +1, params=dict(share=1.0)),
    )

    def setup(self) -> None:
        m = self.model
        self.ready = self.charge(self.cfg.setup_hours) >= 1.0
        self.slots = [
            i for i, a in enumerate(m.actors) if a.side == self.side and a.kind in OFFICIAL
        ]
        self.audience = members(m, communities(m, None, "international"))
        self.reaimed = 0

    def act(self) -> None:
        m = self.model
        if not self.ready or not len(self.audience):
            return
        rival = reshared_side(m, self.audience, other_side(m, self.side))
        undecided = self.audience[~rival]  # not publicly with the other side
        if not len(undecided):
            return
        for i in self.slots:  # the actors' own routine batches (model.outbox[i])
            m.outbox[i] = self._reaim(m.outbox[i], undecided)

    def _reaim(self, p: Posts, undecided: np.ndarray) -> Posts:
        if not len(p) or self.left <= 0:
            return p
        pick = self.rng.binomial(p.count, self.cfg.share).astype(np.int64)
        unit = (
            self.cfg.hours_per_post + self.cfg.reach_per_post * self.cfg.hours_per_1000_reach / 1e3
        )
        got = self.afford(int(pick.sum()), unit)
        before = np.cumsum(pick) - pick
        pick = np.clip(got - before, 0, pick)  # the budget pays for the first ones only
        rows = np.flatnonzero(pick > 0)
        if not len(rows):
            return p
        ads = p.select(rows)
        ads.count = pick[rows].astype(ads.count.dtype)
        readers = [
            sample_readers(
                self.model, undecided, int(lang), int(plats), self.cfg.reach_per_post, self.rng
            )
            for lang, plats in zip(ads.lang, ads.plats)
        ]
        ghost = ads.select(np.ones(len(ads), dtype=bool))  # on the timeline, shown to no one
        ghost.plats = np.zeros(len(ghost), dtype=ghost.plats.dtype)
        send_direct(self.model, ads, readers)
        p.count = (p.count - pick).astype(p.count.dtype)
        self.reaimed += int(pick.sum())
        return Posts.concat([p.select(p.count > 0), ghost])

    def report(self) -> dict[str, Any]:
        return {"posts_reaimed": self.reaimed}
