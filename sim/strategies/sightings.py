"""What rapid response's monitoring cell sees in public: who reshared a false story, and
where (the ``threshold`` count and the ``seen=public`` signal).

A monitoring cell can watch public posts, not readers. A community counts as affected by
a story once one of its members has publicly reshared it, or once an account whose actor
targets the community (the actor's hosts) has posted it. Both are read from each tick's
posts (users' delivered reshares and the accounts' outbox), so the cost is O(posts), never
a scan of the users; no reader's exposure, belief or opinion enters.
"""

from __future__ import annotations

import numpy as np

from sim.posts import Posts
from sim.strategies.view import ModelView


def story_rows(model: ModelView, stories: np.ndarray) -> np.ndarray:
    """Narrative index -> row of the watched ``stories`` (-1: not watched)."""
    lut = np.full(model.world.n_narratives, -1, dtype=np.int64)
    lut[stories] = np.arange(len(stories))
    return lut


class Resharers:
    """Distinct users who have publicly reshared each watched story (the detection
    threshold): fed from each tick's delivered reshares, O(reshares), no user scan."""

    def __init__(self, model: ModelView, stories: np.ndarray) -> None:
        self.n = model.crowd.n
        self.lut = story_rows(model, stories)
        self.distinct = np.zeros(len(stories), dtype=np.int64)
        self.counted = np.zeros((len(stories), self.n), dtype=bool)

    def count(self, reshares: Posts) -> None:
        """Add the users whose reshares of a watched story are delivered this tick and
        were not counted before."""
        if not len(reshares) or not len(self.distinct):
            return
        row = self.lut[reshares.narr]
        hit = row >= 0
        pair = np.unique(row[hit] * self.n + reshares.src[hit])
        rows, users = np.divmod(pair, self.n)
        new = ~self.counted[rows, users]
        self.counted[rows[new], users[new]] = True
        self.distinct += np.bincount(rows[new], minlength=len(self.distinct))


class Sightings:
    """Running per-(story, community) counts of public carriers of the watched stories."""

    def __init__(self, model: ModelView, stories: np.ndarray) -> None:
        self.model = model
        self.lut = story_rows(model, stories)
        n_comm = len(model.tally.users)
        self.resharers = np.zeros((len(stories), n_comm), dtype=np.int64)  # reshares seen
        self.posters = np.zeros((len(stories), n_comm), dtype=bool)  # targeting accounts

    def watch(self, reshares: Posts, posts: Posts) -> None:
        """Add this tick's users' reshares and accounts' posts of the watched stories."""
        m = self.model
        row = self.lut[reshares.narr]
        hit = row >= 0
        if hit.any():
            comm = m.crowd.community[reshares.src[hit]].astype(np.int64)
            np.add.at(self.resharers, (row[hit], comm), 1)
        row = self.lut[posts.narr]
        hit = row >= 0
        if not hit.any():
            return
        owner = np.full(len(m.accounts), -1, dtype=np.int64)
        hosts = np.zeros((len(m.actors), self.posters.shape[1]), dtype=bool)
        for i, a in enumerate(m.actors):
            owner[np.asarray(a.accounts, dtype=np.int64)] = i
            hosts[i, a.hosts] = True
        actor = owner[posts.src[hit]]
        known = actor >= 0
        for r, i in set(zip(row[hit][known].tolist(), actor[known].tolist())):
            self.posters[r] |= hosts[i]

    def affected(self, story_row: int) -> np.ndarray:
        """Communities where the story has a public carrier so far."""
        return np.flatnonzero((self.resharers[story_row] > 0) | self.posters[story_row])
