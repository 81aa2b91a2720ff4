"""All actors' routine posts of a tick in a few array calls.

The Mesa agents still decide: each ``Actor.plan()`` states this tick's accounts, posting
rate, narratives, target communities, languages, quality and moderation. ``Poster`` turns
those plans into cells, one per (actor, account, live narrative, language), each with its
expected posts per tick (rebuilt only when some plan or the set of live narratives
changes), and draws every cell's Poisson count in one call. That is the same law as
"Poisson(rate) posts per live account, each about a uniform live narrative, aimed at a
uniform host community and written in the actor's best language for it" (Poisson
splitting). Posting one actor at a time cost ~30 numpy calls per actor and tick, about
half of a 10^4-user tick; this is ~15 calls per tick for all of them.

Draws come from three named streams (``actors/post``, ``actors/gaffe``,
``actors/moderation``), not from the actors' own streams: the posts have the same
distribution as one-by-one posting, not the same values. Each post is a gaffe with its
actor's ``gaffe_prob`` (a binomial split of each cell's count into a gaffe entry).
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.posts import Posts

if TYPE_CHECKING:
    from sim.model import InfoWarModel


class _Tables(NamedTuple):
    """One cell per (actor, account, live narrative, language): its expected posts a tick.

    Posts of an account about narrative k to host h are Poisson(rate / (K * H)) for each
    of the actor's K live narratives and H hosts, independently (Poisson splitting of
    "Poisson(rate) posts, each with a uniform narrative and host"); hosts the actor writes
    to in the same language are merged into one cell (the sum of Poissons is Poisson).
    Cells are ordered by actor, then account, narrative, language."""

    acct: np.ndarray  # int64 (C,)
    owner: np.ndarray  # int64 (C,) position of the actor in model.actors, ascending
    rate: np.ndarray  # float64 (C,)
    narr: np.ndarray  # int16 (C,)
    lang: np.ndarray  # uint8 (C,)
    quality: np.ndarray  # float32 (C,)
    mod_acct: np.ndarray  # int64 accounts of all actors, and each one's moderation per tick
    mod: np.ndarray


def _cells(
    i: int,
    accounts: np.ndarray,
    narr: np.ndarray,
    langs: np.ndarray,
    rate: float,
    weight: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """Cells of actor ``i`` (see ``_Tables``): rate split over narratives and hosts; a
    narrative's cells are multiplied by ``weight[narrative]`` (None: all 1)."""
    lang, hosts = np.unique(langs, return_counts=True)
    n_a, n_k, n_l = len(accounts), len(narr), len(lang)
    share = rate * hosts / (len(langs) * n_k)
    per_narr = np.tile(share, n_k) if weight is None else np.outer(weight[narr], share).ravel()
    return (
        np.repeat(np.sort(accounts), n_k * n_l),
        np.full(n_a * n_k * n_l, i, np.int64),
        np.tile(per_narr, n_a),
        np.tile(np.repeat(narr, n_l), n_a),
        np.tile(lang, n_a * n_k),
    )


_COLUMNS = tuple(f.name for f in fields(Posts))


def _slice(p: Posts, lo: int, hi: int) -> Posts:
    """Entries lo..hi-1 of a batch (views: each actor's batch is its own disjoint part)."""
    return Posts(*[getattr(p, c)[lo:hi] for c in _COLUMNS])


class Poster:
    """Draws the routine posts of all actors of ``model`` and applies their moderation."""

    def __init__(self, model: InfoWarModel) -> None:
        self.model = model
        self.post_rng = model.streams.get("actors/post")
        self.mod_rng = model.streams.get("actors/moderation")
        self.gaffe_rng = model.streams.get("actors/gaffe")
        self._key: tuple | None = None  # (plans, number of narratives started, weights)
        # posts about each narrative x this while a scheduled event pushes it (sim.timeline)
        self.narr_weight: np.ndarray | None = None
        self._tables: _Tables | None = None

    def tables(self) -> _Tables:
        """The flat tables of the actors' current plans (cached while they hold).
        Narratives only ever go live, so their count tells whether the live sets moved."""
        m = self.model
        plans = tuple(a.plan() for a in m.actors)
        weight = None if self.narr_weight is None else tuple(self.narr_weight.tolist())
        key = (plans, int(np.count_nonzero(m.world.narr_start_tick <= m.tick)), weight)
        if key != self._key:
            live = [tuple(a.live_narratives(m.tick).tolist()) for a in m.actors]
            self._key, self._tables = key, self._build(list(plans), live)
        assert self._tables is not None  # built on the first call: no key equals None
        return self._tables

    def _build(self, plans: list, live: list[tuple[int, ...]]) -> _Tables:
        m = self.model
        cells, quality, mod = [], [], []
        for i, (a, p) in enumerate(zip(m.actors, plans)):
            accounts = np.array(p.accounts, dtype=np.int64)
            mod.append(np.full(len(accounts), p.moderation))
            if len(live[i]) and len(p.hosts) and len(accounts):
                hosts = np.array(p.hosts, dtype=np.int64)
                narr = np.array(live[i], np.int64)
                c = _cells(i, accounts, narr, a.language_for(hosts), p.rate, self.narr_weight)
                cells.append(c)
                quality.append(np.full(len(c[0]), p.quality, dtype=np.float32))
        cols = [np.concatenate(x) for x in zip(*cells)] if cells else [np.zeros(0, np.int64)] * 5
        every = [np.array(p.accounts, np.int64) for p in plans] or [np.zeros(0, np.int64)]
        mod_acct = np.concatenate(every)
        return _Tables(
            cols[0],
            cols[1],
            cols[2].astype(np.float64),
            cols[3].astype(np.int16),
            cols[4].astype(np.uint8),
            np.concatenate(quality) if quality else np.zeros(0, np.float32),
            mod_acct,
            np.concatenate(mod) if mod else np.zeros(0),
        )

    def post(self) -> list[Posts]:
        """This tick's routine posts, one batch per actor (in ``model.actors`` order)."""
        m, t = self.model, self.tables()
        n_act = len(m.actors)
        out = [Posts.empty() for _ in range(n_act)]  # own objects: strategies edit batches
        counts = self.post_rng.poisson(t.rate * m.accounts.active[t.acct])
        nz = np.flatnonzero(counts)
        if not len(nz):
            return out
        who, count = t.owner[nz], counts[nz].astype(np.int32)
        made = np.bincount(who, weights=count, minlength=n_act)
        posting = np.flatnonzero(made).tolist()  # usually a few of the actors in a tick
        for i, c in zip(posting, made[posting].tolist()):
            m.actors[i].record_posts(int(c))
        batch, who = self._with_gaffes(nz, who, count)
        cut = np.searchsorted(who, np.arange(n_act + 1)).tolist()
        for i in posting:
            out[i] = _slice(batch, cut[i], cut[i + 1])
        return out

    def _with_gaffes(
        self, nz: np.ndarray, who: np.ndarray, count: np.ndarray
    ) -> tuple[Posts, np.ndarray]:
        """The tick's posts of cells ``nz``, each count split into plain posts and gaffes
        (an extra entry flagged ``backfire``), grouped by actor; and each entry's actor."""
        m, t = self.model, self._tables
        assert t is not None  # tables() built them earlier in the tick
        gp = np.array([a.gaffe_prob for a in m.actors], dtype=np.float64)[who]
        gaffes = self.gaffe_rng.binomial(count, gp).astype(np.int32) if gp.any() else count * 0
        rows = np.concatenate([nz, nz[gaffes > 0]])
        counts = np.concatenate([count - gaffes, gaffes[gaffes > 0]])
        flag = np.concatenate([np.zeros(len(nz), bool), np.ones(int((gaffes > 0).sum()), bool)])
        owner = np.concatenate([who, who[gaffes > 0]])
        order = np.argsort(owner, kind="stable")
        order = order[counts[order] > 0]
        rows, acct = rows[order], t.acct[rows[order]]
        batch = Posts(
            src=acct.astype(np.int32),
            narr=t.narr[rows],
            lang=t.lang[rows],
            count=counts[order].astype(np.int32),
            quality=t.quality[rows],
            kind=m.accounts.kind[acct],
            origin=(acct + m.crowd.n).astype(np.int32),
            plats=m.accounts.plats[acct],
            backfire=flag[order],
        )
        return batch, owner[order]

    def moderate(self) -> None:
        """Platform moderation removes some live accounts (each actor's own rate), right
        after ``post`` (same plans)."""
        t = self._tables if self._tables is not None else self.tables()
        if not t.mod.any():
            return
        acc = self.model.accounts
        hit = acc.active[t.mod_acct] & (self.mod_rng.random(len(t.mod_acct)) < t.mod)
        acc.active[t.mod_acct[hit]] = False
