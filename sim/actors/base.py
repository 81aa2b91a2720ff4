"""The actor agent: an organisation, person or bot network posting through its accounts.

Each actor owns a named random stream, a posting rate, the languages it can write in,
the communities it targets and the narratives it pushes. Strategies change these
attributes (add languages, raise quality, hijack an account) rather than the code.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.config.schema import SOURCE_KINDS, ActorGroupConfig
from sim.posts import Posts

if TYPE_CHECKING:
    from sim.model import InfoWarModel

SOURCE_OF_KIND = {
    "head_of_state": "state", "ministry": "state", "embassy": "embassy",
    "diaspora": "diaspora", "ngo": "ngo", "bots": "unknown", "media": "media",
    "factchecker": "media",
}


class Actor(mesa.Agent):
    """One actor. ``post`` returns this tick's posts as a batch (account ids as sources)."""

    def __init__(self, model: "InfoWarModel", name: str, group: str, cfg: ActorGroupConfig,
                 hosts: list[int], rng: np.random.Generator) -> None:
        super().__init__(model)
        w = model.world
        self.name, self.group, self.kind = name, group, cfg.kind
        self.side = w.side_index(cfg.side)
        self.source_kind = SOURCE_KINDS.index(SOURCE_OF_KIND[cfg.kind])
        self.hosts = np.array(hosts, dtype=np.int64)
        self.languages = [w.languages.index(l) for l in cfg.languages] or [0]
        own = [k for k in range(w.n_narratives)
               if w.narr_side[k] == self.side and w.narr_target[k] < 0]
        self.narratives = np.array(
            [w.narratives.index(k) for k in cfg.narratives] if cfg.narratives else own,
            dtype=np.int64)
        self.quality = float(cfg.quality)
        self.rate = cfg.posts_per_day * w.tick_hours / 24.0  # posts per account per tick
        self.rate_multiplier = 1.0  # strategies scale volume here
        self.staff_hours_per_post = cfg.staff_hours_per_post
        self.moderation = 1.0 - (1.0 - cfg.moderation_per_day) ** (w.tick_hours / 24.0)
        self.stream = rng
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

    # -- posting ---------------------------------------------------------------------
    def post(self) -> Posts:
        """Poisson posts per live account, each about a live narrative, aimed at a host
        community and written in the actor's best language for it."""
        accounts = np.array(self.accounts, dtype=np.int64)
        accounts = accounts[self.model.accounts.active[accounts]]
        narr = self.live_narratives(self.model.tick)
        if len(accounts) == 0 or len(narr) == 0 or len(self.hosts) == 0:
            return Posts.empty()
        counts = self.stream.poisson(self.rate * self.rate_multiplier, len(accounts))
        total = int(counts.sum())
        if total == 0:
            return Posts.empty()
        acct = np.repeat(accounts, counts)
        k = narr[self.stream.integers(len(narr), size=total)]
        host = self.hosts[self.stream.integers(len(self.hosts), size=total)]
        lang = self.language_for(host)
        return self._batch(acct, k, lang)

    def _batch(self, acct: np.ndarray, narr: np.ndarray, lang: np.ndarray,
               backfire: bool = False, quality: float | None = None) -> Posts:
        """Aggregate single posts into (account, narrative, language) entries."""
        key = (acct * 65536 + narr) * 256 + lang
        uniq, count = np.unique(key, return_counts=True)
        acct_u = uniq // (65536 * 256)
        accounts = self.model.accounts
        self.posts_made += int(count.sum())
        self.staff_hours += float(count.sum()) * self.staff_hours_per_post
        return Posts.make(
            src=acct_u, narr=(uniq // 256) % 65536, lang=uniq % 256, count=count,
            quality=self.quality if quality is None else quality,
            kind=accounts.kind[acct_u], origin=self.model.crowd.n + acct_u,
            plats=accounts.plats[acct_u], backfire=backfire,
        )

    def moderate(self) -> int:
        """Platform moderation removes some of this actor's live accounts."""
        if self.moderation <= 0:
            return 0
        acc = np.array(self.accounts, dtype=np.int64)
        live = acc[self.model.accounts.active[acc]]
        gone = live[self.stream.random(len(live)) < self.moderation]
        self.model.accounts.active[gone] = False
        return len(gone)
