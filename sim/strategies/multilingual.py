"""Multilingual posting: the side's official actors also write in their audiences' languages.

Translators are hired for up to ``translation_capacity`` languages: the ones named in
``languages`` (in that order), or, when none are named, the languages that reach the most
users of the actors' target communities who read none of the actors' own languages
(computed from the world's language shares, so the choice is deterministic). Each actor
then posts to a community in the best language it now has for it (``Actor.language_for``).
When the budget runs out the translators leave and the actors fall back to their own
languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.config.rules import member, rng
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import OFFICIAL, per_tick, side_actors


@dataclass
class Config(StrategyConfig):
    budget: float = 200.0
    languages: list[str] = field(default_factory=list)  # empty: the best ones for the audiences
    translation_capacity: int = param(
        2,
        rng(0, 16),
        plausible=(1, 6),
        source="docs/sources.md: an embassy posting in 4 languages, the rival leader in 5",
        doc="languages added at most",
    )
    cost_per_language: float = param(
        2.0,
        plausible=(0.5, 8),
        source="no source: a translator's share of a day per language",
        doc="staff-hours per added language per day",
    )

    def check_world(self, key: str, world: Any) -> None:
        for lang in self.languages:
            member(f"{key}.languages", lang, list(world.languages), "language")


class Multilingual(Strategy):
    name = "multilingual"
    Config = Config
    meta = StrategyMeta(
        summary="official actors also post in their host audiences' languages, up to a "
        "translation capacity",
        sides=("home", "rival"),
        changes="languages of the side's official actors (state, ministry, embassies)",
        cost_model="cost_per_language staff-hours per added language per day while it lasts",
        effect=Effect("own_reads_international", +1),
    )

    def setup(self) -> None:
        self.actors = side_actors(self.model, self.side, OFFICIAL)
        self.original = {id(a): list(a.languages) for a in self.actors}
        self.added = self._choose()
        self.active = bool(self.added)
        self.ended_tick: int | None = None
        for a in self.actors:
            a.languages = a.languages + [l for l in self.added if l not in a.languages]

    def _choose(self) -> list[int]:
        """Named languages, or those reaching most host users each actor's own ones miss."""
        w, cap = self.model.world, self.cfg.translation_capacity
        if self.cfg.languages:
            named = [w.languages.index(l) for l in self.cfg.languages]
            return list(dict.fromkeys(named))[:cap]
        score = np.zeros(len(w.languages))
        for a in self.actors:
            p = w.lang_prob[a.hosts]
            missed = w.comm_share[a.hosts] * (1.0 - p[:, a.languages].max(axis=1))
            gain = (missed[:, None] * p).sum(axis=0)
            gain[a.languages] = 0.0
            score += gain
        order = np.argsort(-score, kind="stable")
        return [int(l) for l in order if score[l] > 0][:cap]

    def act(self) -> None:
        if not self.active:
            return
        paid = self.charge(per_tick(self.model, self.cfg.cost_per_language * len(self.added)))
        if paid < 1.0:  # budget spent: the translators leave after this tick
            for a in self.actors:
                a.languages = self.original[id(a)]
            self.active = False
            self.ended_tick = self.model.tick

    def report(self) -> dict[str, Any]:
        w = self.model.world
        return {
            "languages_added": [w.languages[l] for l in self.added],
            "ended_day": None
            if self.ended_tick is None
            else round(self.ended_tick * w.tick_hours / 24, 3),
        }
