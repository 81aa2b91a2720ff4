"""All actors' routine posts of a tick in a few array calls.

The Mesa agents still decide: each ``Actor.plan()`` states this tick's accounts, posting
rate, narratives, target communities, languages, quality and moderation. ``Poster`` turns
those plans into flat per-account and per-actor tables (rebuilt only when some plan or the
set of live narratives changes) and draws every actor's posts at once: Poisson posts per
live account, a live narrative and a host community per post, uniformly, written in the
actor's best language for that host. Posting one actor at a time cost ~30 numpy calls per
actor and tick, about half of a 10^4-user tick.

Draws come from two named streams (``actors/post``, ``actors/moderation``), not from the
actors' own streams: the posts have the same distribution as one-by-one posting, not the
same values.
"""
from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.posts import Posts

if TYPE_CHECKING:
    from sim.model import InfoWarModel


class _Tables(NamedTuple):
    acct: np.ndarray  # int64 (A,) accounts of all actors, actor after actor
    owner: np.ndarray  # int64 (A,) position of the posting actor in model.actors
    rate: np.ndarray  # float64 (A,) posts per tick of each account (0: actor cannot post)
    mod: np.ndarray  # float64 (A,) moderation probability per tick
    narr: np.ndarray  # int64 flat live narratives; actor i's at narr_at[i] + (0..narr_len[i])
    narr_at: np.ndarray
    narr_len: np.ndarray
    host: np.ndarray  # int64 flat hosts, and the language each actor writes in for each
    lang: np.ndarray
    host_at: np.ndarray
    host_len: np.ndarray
    quality: np.ndarray  # float32 per actor


def _flat(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lens = np.array([len(p) for p in parts], dtype=np.int64)
    at = np.concatenate(([0], np.cumsum(lens)[:-1])).astype(np.int64)
    flat = np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
    return flat, at, lens


_COLUMNS = tuple(f.name for f in fields(Posts))


def _slice(p: Posts, lo: int, hi: int) -> Posts:
    """Entries lo..hi-1 of a batch (views: each actor's batch is its own disjoint part)."""
    return Posts(*[getattr(p, c)[lo:hi] for c in _COLUMNS])


class Poster:
    """Draws the routine posts of all actors of ``model`` and applies their moderation."""

    def __init__(self, model: "InfoWarModel") -> None:
        self.model = model
        self.post_rng = model.streams.get("actors/post")
        self.mod_rng = model.streams.get("actors/moderation")
        self._key: tuple | None = None  # (plans, number of narratives started)
        self._tables: _Tables | None = None

    def tables(self) -> _Tables:
        """The flat tables of the actors' current plans (cached while they hold).
        Narratives only ever go live, so their count tells whether the live sets moved."""
        m = self.model
        plans = tuple(a.plan() for a in m.actors)
        key = (plans, int(np.count_nonzero(m.world.narr_start_tick <= m.tick)))
        if key != self._key:
            live = [tuple(a.live_narratives(m.tick).tolist()) for a in m.actors]
            self._key, self._tables = key, self._build(list(plans), live)
        return self._tables

    def _build(self, plans: list, live: list[tuple[int, ...]]) -> _Tables:
        m = self.model
        acct, owner, rate, mod, hosts, langs = [], [], [], [], [], []
        for i, (a, p) in enumerate(zip(m.actors, plans)):
            accounts = np.array(p.accounts, dtype=np.int64)
            can = len(live[i]) > 0 and len(p.hosts) > 0
            acct.append(accounts)
            owner.append(np.full(len(accounts), i, dtype=np.int64))
            rate.append(np.full(len(accounts), p.rate if can else 0.0))
            mod.append(np.full(len(accounts), p.moderation))
            h = np.array(p.hosts, dtype=np.int64)
            hosts.append(h)
            langs.append(a.language_for(h) if len(h) else np.zeros(0, np.uint8))
        narr, narr_at, narr_len = _flat([np.array(x, dtype=np.int64) for x in live])
        host, host_at, host_len = _flat(hosts)
        return _Tables(
            np.concatenate(acct), np.concatenate(owner), np.concatenate(rate),
            np.concatenate(mod), narr, narr_at, narr_len, host,
            np.concatenate(langs).astype(np.int64), host_at, host_len,
            np.array([p.quality for p in plans], dtype=np.float32))

    def post(self) -> list[Posts]:
        """This tick's routine posts, one batch per actor (in ``model.actors`` order)."""
        m, t = self.model, self.tables()
        n_act = len(m.actors)
        active = m.accounts.active[t.acct]
        counts = self.post_rng.poisson(np.where(active, t.rate, 0.0))
        total = int(counts.sum())
        if total == 0:
            return [Posts.empty() for _ in range(n_act)]
        acct, who = np.repeat(t.acct, counts), np.repeat(t.owner, counts)
        u = self.post_rng.random((2, total))
        k = t.narr[t.narr_at[who] + (u[0] * t.narr_len[who]).astype(np.int64)]
        j = t.host_at[who] + (u[1] * t.host_len[who]).astype(np.int64)
        key = ((who * len(m.accounts) + acct) * 65536 + k) * 256 + t.lang[j]
        uniq, count = np.unique(key, return_counts=True)
        who_u = uniq // (len(m.accounts) * 65536 * 256)
        acct_u = (uniq // (65536 * 256)) % len(m.accounts)
        made = np.bincount(who, minlength=n_act)
        posting = np.flatnonzero(made).tolist()  # usually a few of the actors in a tick
        for i, c in zip(posting, made[posting].tolist()):
            m.actors[i].record_posts(c)
        batch = Posts.make(
            src=acct_u, narr=(uniq // 256) % 65536, lang=uniq % 256, count=count,
            quality=t.quality[who_u], kind=m.accounts.kind[acct_u],
            origin=m.crowd.n + acct_u, plats=m.accounts.plats[acct_u])
        cut = np.searchsorted(who_u, np.arange(n_act + 1)).tolist()
        out = [Posts.empty() for _ in range(n_act)]  # own objects: strategies edit batches
        for i in posting:
            out[i] = _slice(batch, cut[i], cut[i + 1])
        return out

    def moderate(self) -> None:
        """Platform moderation removes some live accounts (each actor's own rate), right
        after ``post`` (same plans)."""
        t = self._tables if self._tables is not None else self.tables()
        if not t.mod.any():
            return
        acc = self.model.accounts
        hit = acc.active[t.acct] & (self.mod_rng.random(len(t.acct)) < t.mod)
        acc.active[t.acct[hit]] = False
