"""Volunteer campaign: young domestic users recruited to amplify the side's stories.

Volunteers are drawn from the side's domestic communities, the most active users first
(a proxy for young, always-online students). They add volume, but their posts are of lower
quality than the officials', and a share ``gaffe_prob`` are gaffes that push their readers
away from the side: the quantity/quality trade-off the 2020 volunteer campaign met.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.rules import PROB, rng
from sim.strategies.amplify import Amplifiers
from sim.strategies.base import StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import PEER, communities, members, random_spoken


@dataclass
class Config(StrategyConfig):
    budget: float = 600.0
    volunteers: int = param(
        100,
        rng(0, 10**8),
        plausible=(20, 2000),
        source="docs/sources.md: volunteers of varying skill (quantity vs quality), no figure",
        doc="users recruited (at most the domestic users)",
    )
    quality: float = param(
        0.35,
        PROB,
        plausible=(0.2, 0.6),
        source="docs/sources.md: volunteers of varying skill (quantity vs quality), no figure",
        doc="persuasiveness of a volunteer's post",
    )
    gaffe_prob: float = param(
        0.05,
        PROB,
        plausible=(0.01, 0.1),
        source="no source (docs/sources.md: volunteers of varying skill)",
        doc="share of posts that are gaffes (backfire)",
    )
    posts_per_day: float = param(
        6.0,
        rng(0, 1000),
        plausible=(1, 20),
        source="no source: engaged students during a crisis",
        doc="per volunteer",
    )
    start_day: float = 0.0
    recruit_hours: float = param(
        1.0,
        plausible=(0.25, 4),
        source="no source: a short briefing per volunteer",
        doc="one-off briefing per volunteer",
    )
    upkeep_hours_per_day: float = param(
        0.1,
        plausible=(0.02, 0.5),
        source="no source: minutes a day per volunteer",
        doc="coordinating one volunteer for a day",
    )


class VolunteerCampaign(Amplifiers):
    name = "volunteer_campaign"
    Config = Config
    kind = PEER
    meta = StrategyMeta(
        summary="recruit young domestic users who amplify the side's stories: more volume, "
        "lower quality, gaffes that backfire",
        sides=("home", "rival"),
        changes="extra user posts (user_outbox) with lower quality; gaffes flagged backfire",
        cost_model="recruit_hours per volunteer once, plus upkeep_hours_per_day per volunteer",
        effect=Effect("own_reach", +1),
    )

    @property
    def wanted(self) -> int:
        return self.cfg.volunteers

    @property
    def gaffe_prob(self) -> float:
        return self.cfg.gaffe_prob

    def pool(self) -> np.ndarray:
        return members(self.model, communities(self.model, self.side, "domestic"))

    def weights(self, pool: np.ndarray) -> np.ndarray:
        return self.model.crowd.activity[pool]

    def languages(self, users: np.ndarray) -> np.ndarray:
        return random_spoken(self.model, users, self.rng)
