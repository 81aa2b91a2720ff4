"""``ReferenceModel``: the infowar model with its three spread phases as per-agent loops.

It inherits everything else from ``InfoWarModel`` (world, crowd, graph, actors and their
streams, strategies, seeding, metrics), so both implementations consume the very same
inputs; only the feed, belief-update and reshare phases differ, and they draw from their
own stream ("reference"), never from the kernel's ("spread"). Counts per community are
recomputed from scratch each tick instead of being kept incrementally. Trust is the
model's ``Trust`` table, changed one reader at a time. Small N only: every loop here is
over users or events in Python.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.config.schema import SOURCE_KINDS, SimConfig
from sim.crowd import INOCULATED, SHARING, STOPPED, UNAWARE
from sim.kernel import Reads
from sim.model import InfoWarModel
from sim.posts import Posts
from sim.reference.rules import adopted, after_debunk, any_hit, belief_per_read, pulled
from sim.tally import Tally
from sim.world import per_tick_hazard

PEER = SOURCE_KINDS.index("peer")


def _row(indptr: np.ndarray, indices: np.ndarray, i: int) -> list[int]:
    """The entries of row ``i`` of a CSR matrix given by its index arrays."""
    return indices[indptr[i] : indptr[i + 1]].tolist()


@dataclass
class Event:
    """One post read by one user in a tick."""

    reader: int
    post: int  # index into the tick's posts
    reads: int  # copies of the post actually read
    narr: int
    before: int  # the reader's state for the narrative when the phase began


class ReferenceModel(InfoWarModel):
    """Same model, spread phases written as loops over users and posts."""

    def __init__(self, cfg: SimConfig) -> None:
        super().__init__(cfg)
        self.ref_rng = self.streams.get("reference")
        f = self.followers
        self.user_followers = [
            f.indices[f.indptr[u] : f.indptr[u + 1]].tolist() for u in range(self.crowd.n)
        ]
        self._plats: list[int] = []  # users' reachable platforms, read once per tick
        self._langs: list[int] = []  # users' languages, read once per tick

    # -- phase 3: feeds built and read ------------------------------------------------
    def read_feeds(self) -> Reads:
        crowd, rng, n = self.crowd, self.ref_rng, self.crowd.n
        active = [rng.random() < a for a in crowd.activity.tolist()]
        self._plats, self._langs = crowd.eff_plats.tolist(), crowd.langs.tolist()
        parts: list[Posts] = []
        visible: list[tuple[int, int]] = []  # (reader, index into the tick's posts)
        offset = 0
        for posts, audience in self._channels():
            if not len(posts):
                continue
            src, plats, lang = posts.src.tolist(), posts.plats.tolist(), posts.lang.tolist()
            for i in range(len(posts)):
                for r in audience(src[i]):
                    if active[r] and self._can_read(r, plats[i], lang[i]):
                        visible.append((r, offset + i))
            parts.append(posts)
            offset += len(posts)
        posts = Posts.concat(parts)
        count = posts.count.tolist()
        feed = [0] * n  # posts in each reader's feed this tick
        for r, i in visible:
            feed[r] += count[i]
        attention = self.cfg.spread.attention
        out: list[tuple[int, int, int]] = []
        for r, i in visible:
            p_read = min(1.0, attention / max(feed[r], 1))
            got = sum(rng.random() < p_read for _ in range(count[i]))
            if got:
                out.append((r, got, i))
        cols = np.array(out, dtype=np.int32).reshape(-1, 3)
        return Reads(cols[:, 0].copy(), cols[:, 1].copy(), cols[:, 2].copy(), posts)

    def _channels(self) -> list[tuple[Posts, Callable[[int], list[int]]]]:
        """This tick's posts with who sees each source: actors' posts reach their accounts'
        followers, users' posts (reshares, recruits) their followers in the graph, direct
        posts (ads, mentions placed by strategies) the readers listed with them."""
        out: list[tuple[Posts, Callable[[int], list[int]]]] = [
            (Posts.concat(self.outbox), lambda a: self.accounts.followers(a).tolist()),
            (Posts.concat([self.queued, *self.user_outbox]), lambda u: self.user_followers[u]),
        ]
        for posts, indptr, indices in self.direct:
            out.append((posts, functools.partial(_row, indptr, indices)))
        return out

    def _can_read(self, r: int, plats: int, lang: int) -> bool:
        """The reader can reach one of the post's platforms and understands its language."""
        return self._plats[r] & plats != 0 and (self._langs[r] >> lang) & 1 == 1

    # -- phase 4: beliefs and opinions update ----------------------------------------
    def update_beliefs(self, rd: Reads) -> None:
        crowd, posts = self.crowd, rd.posts
        events = [
            Event(int(r), int(i), int(m), int(posts.narr[i]), 0)
            for r, m, i in zip(rd.reader, rd.reads, rd.post)
        ]
        for e in events:
            e.before = int(crowd.state[e.narr, e.reader])
            crowd.exposed[e.narr, e.reader] = True
        success = [self._convinced(e, posts) for e in events]
        for e in events:  # gaffes first: every read one moves opinion and trust at once
            if posts.backfire[e.post]:
                self._gaffe(e.reader, e.narr)
        self._stifle(events)
        wins: dict[int, list[tuple[int, int]]] = {}
        conv = []
        for e, ok in zip(events, success):
            c = ok and not posts.backfire[e.post] and e.before in (UNAWARE, INOCULATED)
            conv.append(c)
            if c:
                wins.setdefault(e.reader, []).append((e.narr, int(posts.origin[e.post])))
        for u in sorted(wins):
            self._adopt(u, wins[u])
        self.last_success = np.array(conv, dtype=bool)

    def _convinced(self, e: Event, posts: Posts) -> bool:
        sp, c = self.cfg.spread, self.crowd
        q = belief_per_read(
            self.world,
            self.trust.cur,
            sp.beta,
            sp.confidence,
            sp.inoculation,
            int(c.community[e.reader]),
            float(c.opinion[e.reader]),
            e.before,
            e.narr,
            int(posts.kind[e.post]),
            float(posts.quality[e.post]),
        )
        return any_hit(self.ref_rng, q, e.reads)

    def _stifle(self, events: list[Event]) -> None:
        """A sharer who meets its story again stops with ``stifle`` per copy read."""
        stifle = self.cfg.spread.stifle
        for e in events:
            if e.before == SHARING and any_hit(self.ref_rng, stifle, e.reads):
                self.crowd.state[e.narr, e.reader] = STOPPED

    def _gaffe(self, u: int, k: int) -> None:
        """A gaffe read: the reader moves away from the side and trusts it less."""
        sp, w = self.cfg.spread, self.world
        self._pull(u, -float(w.narr_sign[k]), sp.gaffe_attitude)
        self._lose_trust(u, int(w.narr_side[k]), sp.gaffe_trust)

    def _lose_trust(self, u: int, side: int, loss: float) -> None:
        self.trust.lose(self.crowd.community[u : u + 1], np.array([side]), loss)

    def _adopt(self, u: int, wins: list[tuple[int, int]]) -> None:
        crowd, w, sp = self.crowd, self.world, self.cfg.spread
        chosen = adopted(w, wins, float(crowd.opinion[u]))
        for k in sorted(chosen):
            crowd.state[k, u] = SHARING
            crowd.origin[k, u] = chosen[k]
            t = int(w.narr_target[k])
            if t >= 0:  # a correction accepted
                convinced = self.ref_rng.random() < sp.correction
                crowd.state[t, u] = after_debunk(int(crowd.state[t, u]), convinced)
                self._lose_trust(u, int(w.narr_side[t]), sp.trust_loss)
        for k in sorted(chosen):
            self._pull(u, float(w.narr_sign[k]), float(w.narr_persuasion[k]))

    def _pull(self, u: int, sign: float, step: float) -> None:
        if step > 0:
            self.crowd.opinion[u] = pulled(float(self.crowd.opinion[u]), sign, step)

    # -- phase 5: reshares queued ----------------------------------------------------
    def queue_reshares(self) -> None:
        """Each sharer reshares each story it shares with P(activity x share_prob), then
        stops sharing it with P(forget); reshares reach its followers next tick."""
        crowd, sp, rng = self.crowd, self.cfg.spread, self.ref_rng
        rows: list[tuple[int, int, int]] = []
        states, activity = crowd.state.T.tolist(), crowd.activity.tolist()  # read-only copies
        for u in range(crowd.n):
            for k, st in enumerate(states[u]):
                if st != SHARING:
                    continue
                if rng.random() < activity[u] * sp.share_prob:
                    crowd.reshared[k, u] = True
                    o = int(crowd.origin[k, u])
                    rows.append((u, k, o if o >= 0 else u))
                if rng.random() < sp.forget:
                    crowd.state[k, u] = STOPPED
        self.queued = self._reshare_posts(rows)
        self.metrics.count_reshares(self.queued)

    def fade(self) -> None:
        """Ex-sharers forget each claim with its per-tick chance, inoculation wanes with
        its half-life (both back to unaware); trust drifts back toward its start."""
        crowd, sp, w, rng = self.crowd, self.cfg.spread, self.world, self.ref_rng
        self.trust.recover(per_tick_hazard(sp.trust_halflife_days, w.tick_hours))
        wane = per_tick_hazard(sp.inoculation_halflife_days, w.tick_hours)
        forget = w.narr_forget.tolist()
        for u in range(crowd.n):
            for k in range(w.n_narratives):
                st = int(crowd.state[k, u])
                p = forget[k] if st == STOPPED else wane if st == INOCULATED else 0.0
                if p > 0 and rng.random() < p:
                    crowd.state[k, u] = UNAWARE
        self._recount()

    def _reshare_posts(self, rows: list[tuple[int, int, int]]) -> Posts:
        c = self.crowd
        src = np.array([u for u, _, _ in rows], dtype=np.int64)
        return Posts.make(
            src=src,
            narr=[k for _, k, _ in rows],
            lang=c.primary_lang[src],
            count=1,
            quality=1.0,
            kind=PEER,
            origin=[o for _, _, o in rows],
            plats=c.eff_plats[src],
        )

    def _recount(self) -> None:
        """Counts per community, from scratch (the kernel keeps them incrementally)."""
        self.tally = Tally(self.crowd, len(self.world.communities), self.world.support_threshold)
        self.kernel.tally = self.tally
