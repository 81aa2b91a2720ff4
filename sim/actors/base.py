"""The actor agent: an organisation, person or bot network posting through its accounts.

Each actor owns a named random stream, a posting rate, the languages it can write in,
the communities it targets and the narratives it pushes. Strategies change these
attributes (add languages, raise quality, hijack an account) rather than the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import mesa
import numpy as np

from sim.config.schema import GAFFE_PROB, SOURCE_KINDS, ActorGroupConfig

if TYPE_CHECKING:
    from sim.model import InfoWarModel

SOURCE_OF_KIND = {
    "head_of_state": "state",
    "ministry": "state",
    "embassy": "embassy",
    "diaspora": "diaspora",
    "ngo": "ngo",
    "bots": "unknown",
    "media": "media",
    "factchecker": "media",
}


class Plan(NamedTuple):
    """An actor's posting decision for a tick: accounts, posts per account and tick,
    narratives, target communities, languages, quality, moderation per tick."""

    accounts: tuple[int, ...]
    rate: float
    narratives: tuple[int, ...]
    hosts: tuple[int, ...]
    languages: tuple[int, ...]
    quality: float
    moderation: float


class Actor(mesa.Agent):
    """One actor: it decides (``plan``); the model's ``Poster`` draws all actors' posts."""

    def __init__(
        self,
        model: InfoWarModel,
        name: str,
        group: str,
        cfg: ActorGroupConfig,
        hosts: list[int],
    ) -> None:
        super().__init__(model)
        w = model.world
        self.name, self.group, self.kind = name, group, cfg.kind
        self.side = w.side_index(cfg.side)
        self.source_kind = SOURCE_KINDS.index(SOURCE_OF_KIND[cfg.kind])
        self.hosts = np.array(hosts, dtype=np.int64)
        self.languages = [w.languages.index(l) for l in cfg.languages] or [0]
        own = [
            k for k in range(w.n_narratives) if w.narr_side[k] == self.side and w.narr_target[k] < 0
        ]
        self.narratives = np.array(
            [w.narratives.index(k) for k in cfg.narratives] if cfg.narratives else own,
            dtype=np.int64,
        )
        self.quality = float(cfg.quality)
        self.rate = cfg.posts_per_day * w.tick_hours / 24.0  # posts per account per tick
        self.rate_multiplier = 1.0  # strategies scale volume here
        self.event_rate = 1.0  # scheduled activity events scale it here (sim.timeline)
        self.staff_hours_per_post = cfg.staff_hours_per_post
        self.moderation = 1.0 - (1.0 - cfg.moderation_per_day) ** (w.tick_hours / 24.0)
        # P(one post is a gaffe): read as the side's official position (kernel: gaffes)
        self.gaffe_prob = float(GAFFE_PROB[cfg.kind] if cfg.gaffe_prob is None else cfg.gaffe_prob)
        self.accounts: list[int] = []
        self.posts_made = 0
        self.staff_hours = 0.0

    # -- language choice -------------------------------------------------------------
    def language_for(self, hosts: np.ndarray) -> np.ndarray:
        """For each target community, the actor's language most widely read there."""
        prob = self.model.world.lang_prob[np.ix_(hosts, self.languages)]
        best = np.array(self.languages)[np.argmax(prob, axis=1)]
        return np.where(prob.max(axis=1) > 0, best, self.languages[0]).astype(np.uint8)

    def live_narratives(self, tick: int) -> np.ndarray:
        start = self.model.world.narr_start_tick[self.narratives]
        return self.narratives[start <= tick]

    # -- posting: the agent decides, ``sim.actors.posting.Poster`` draws for all -------
    def plan(self) -> Plan:
        """This tick's posting decision (what strategies changed shows up here)."""
        return Plan(
            tuple(self.accounts),
            self.rate * self.rate_multiplier * self.event_rate,
            tuple(self.narratives.tolist()),
            tuple(self.hosts.tolist()),
            tuple(self.languages),
            self.quality,
            self.moderation,
        )

    def record_posts(self, count: int) -> None:
        """Book ``count`` routine posts made this tick (and the staff time they took)."""
        self.posts_made += count
        self.staff_hours += count * self.staff_hours_per_post
