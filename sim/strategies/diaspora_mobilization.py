"""Diaspora mobilisation: the side's diaspora organisations rally their best-connected members.

Members are drawn from the side's diaspora communities, weighted by how many followers
they have (the hubs of diaspora houses and information centres). They post the side's
stories as diaspora voices, in a host language they read rather than the home language,
which bridges into international audiences. No gaffes: these are seasoned members.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.rules import PROB, rng
from sim.config.schema import SOURCE_KINDS
from sim.strategies.amplify import Amplifiers
from sim.strategies.base import StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import communities, home_language, members, random_spoken


@dataclass
class Config(StrategyConfig):
    budget: float = 700.0
    members: int = param(
        100,
        rng(0, 10**8),
        plausible=(20, 1000),
        source="no source: active members a diaspora body can mobilise",
        doc="diaspora members mobilised",
    )
    quality: float = param(
        0.6, PROB, plausible=(0.3, 0.8), source="no source: private citizens, below officials"
    )
    posts_per_day: float = param(
        4.0,
        rng(0, 1000),
        plausible=(1, 20),
        source="no source: engaged individuals during a crisis",
        doc="per member",
    )
    start_day: float = 0.0
    recruit_hours: float = param(
        2.0,
        plausible=(0.5, 8),
        source="no source: a briefing per member",
        doc="one-off organising per member",
    )
    upkeep_hours_per_day: float = param(
        0.1,
        plausible=(0.02, 0.5),
        source="no source: minutes a day per member",
        doc="keeping one member engaged for a day",
    )


class DiasporaMobilization(Amplifiers):
    name = "diaspora_mobilization"
    Config = Config
    kind = SOURCE_KINDS.index("diaspora")
    meta = StrategyMeta(
        summary="mobilise well-connected diaspora members to post the side's stories in host "
        "languages",
        sides=("home", "rival"),
        changes="extra user posts (user_outbox) from diaspora members, source kind diaspora",
        cost_model="recruit_hours per member once, plus upkeep_hours_per_day per member",
        effect=Effect("own_reads_international", +1),
    )

    @property
    def wanted(self) -> int:
        return self.cfg.members

    def pool(self) -> np.ndarray:
        return members(self.model, communities(self.model, self.side, "diaspora"))

    def weights(self, pool: np.ndarray) -> np.ndarray:
        indptr = self.model.followers.indptr
        return (indptr[pool + 1] - indptr[pool]).astype(np.float64) + 1.0

    def languages(self, users: np.ndarray) -> np.ndarray:
        return random_spoken(
            self.model, users, self.rng, avoid=home_language(self.model, self.side)
        )
