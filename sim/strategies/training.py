"""Training: courses for the side's communicators raise post quality and cut gaffes.

``trainees`` people take a course of ``course_hours`` each at the start; a budget short
of the full course trains fewer, and the effect scales with the share trained. After
``ramp_days`` the side's own posts this tick (its actors', and those of its volunteers
and mobilised diaspora) gain ``quality_gain`` in quality (capped at 1), and a share
``gaffe_reduction`` of its gaffes are never posted. Applied in the revise pass, so it
works on every strategy's posts whatever the order strategies were listed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import PROB, rng
from sim.posts import Posts
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import owner_side_kind, thin, tick_of_day


@dataclass
class Config(StrategyConfig):
    budget: float = 200.0
    trainees: int = param(
        20,
        rng(0, 10**6),
        plausible=(5, 100),
        source="docs/sources.md: staff shortage, no figure; a ministry's communicators",
        doc="communicators to train",
    )
    course_hours: float = param(
        8.0,
        plausible=(4, 40),
        source="no source: a day to a week of course",
        doc="staff-hours per trainee",
    )
    quality_gain: float = param(
        0.15,
        PROB,
        plausible=(0.0, 0.3),
        source="no source: upskilling named, no effect size (docs/sources.md)",
        doc="added to post quality (capped at 1)",
    )
    gaffe_reduction: float = param(
        0.5, PROB, plausible=(0.2, 0.8), source="no source", doc="share of gaffes avoided"
    )
    ramp_days: float = param(
        1.0,
        plausible=(0.5, 14),
        source="no source: courses take days to show",
        doc="courses take this long before they show",
    )


class Training(Strategy):
    name = "training"
    Config = Config
    meta = StrategyMeta(
        summary="train the side's communicators: higher post quality, fewer gaffes",
        sides=("home", "rival"),
        changes="quality of the side's own posts; share of its gaffes (backfire posts) dropped",
        cost_model="course_hours per trainee, once at the start",
        effect=Effect(  # works on the side's volunteers' gaffes: sloppy volunteers in both arms
            "own_believer_days",
            +1,
            params=dict(ramp_days=0, gaffe_reduction=0.9),
            alongside={"volunteer_campaign": dict(volunteers=300, quality=0.2, gaffe_prob=0.3)},
        ),
    )

    def setup(self) -> None:
        want = self.cfg.trainees
        trained = self.afford(want, self.cfg.course_hours)
        self.coverage = trained / want if want else 0.0
        self.start = tick_of_day(self.model, self.cfg.ramp_days)
        self.gaffes_avoided = 0

    def revise(self) -> None:
        m = self.model
        if self.coverage <= 0 or m.tick < self.start:
            return
        gain = self.cfg.quality_gain * self.coverage
        keep = 1.0 - self.cfg.gaffe_reduction * self.coverage
        m.outbox = [self._revise(p, gain, keep, accounts=True) for p in m.outbox]
        m.user_outbox = [self._revise(p, gain, keep, accounts=False) for p in m.user_outbox]

    def _revise(self, p: Posts, gain: float, keep: float, accounts: bool) -> Posts:
        if not len(p):
            return p
        own = self.model.world.narr_side[p.narr] == self.side
        if accounts:  # the side's own authentic accounts, not hijacked or bot ones
            side, kind = owner_side_kind(self.model, p)
            own &= (side == self.side) & (kind != "bots")
        if not own.any():
            return p
        p.quality = np.where(
            own & ~p.backfire, np.minimum(p.quality + gain, 1.0), p.quality
        ).astype(p.quality.dtype)
        gaffe = own & p.backfire
        if not gaffe.any():
            return p
        probs = np.where(gaffe, keep, 1.0)
        p, dropped = thin(p, probs, self.rng)
        self.gaffes_avoided += dropped
        return p

    def report(self) -> dict[str, Any]:
        return {"coverage": round(self.coverage, 4), "gaffes_avoided": self.gaffes_avoided}
