"""Helpers shared by strategies: time conversion, whose accounts and audiences, building posts.

Nothing here draws random numbers of its own: a helper that needs randomness takes the
calling strategy's Generator, so every draw stays on that strategy's stream. Everything is
vectorized over posts or users; loops run over accounts, actors or languages only.
"""

from __future__ import annotations

import math

import numpy as np

from sim.actors import Actor
from sim.config.schema import SOURCE_KINDS
from sim.posts import Posts
from sim.strategies.view import ModelView

OFFICIAL = ("head_of_state", "ministry", "embassy")  # actor kinds that speak for a state
PEER = SOURCE_KINDS.index("peer")


# -- time ------------------------------------------------------------------------------
def per_tick(model: ModelView, per_day: float) -> float:
    """A daily rate as a rate per tick."""
    return per_day * model.world.tick_hours / 24.0


def tick_of_day(model: ModelView, day: float) -> int:
    """The first tick at or after ``day``."""
    return int(math.ceil(day * 24.0 / model.world.tick_hours - 1e-9))


def hours_since(model: ModelView, tick: int) -> float:
    return (model.tick - tick) * model.world.tick_hours


# -- who -------------------------------------------------------------------------------
def side_actors(model: ModelView, side: int, kinds: tuple[str, ...] | None = None) -> list[Actor]:
    return [a for a in model.actors if a.side == side and (kinds is None or a.kind in kinds)]


def live_accounts(model: ModelView, actor: Actor) -> np.ndarray:
    acc = np.array(actor.accounts, dtype=np.int64)
    return acc[model.accounts.active[acc]] if len(acc) else acc


def other_side(model: ModelView, side: int) -> int:
    return next(i for i in range(len(model.world.sides)) if i != side)


def communities(model: ModelView, side: int | None, kind: str) -> np.ndarray:
    """Community indices of ``kind`` belonging to ``side`` (None: any side)."""
    w = model.world
    return np.array(
        [
            c
            for c, k in enumerate(w.comm_kind)
            if k == kind and (side is None or w.comm_side[c] == side)
        ],
        dtype=np.int64,
    )


def members(model: ModelView, comms: np.ndarray) -> np.ndarray:
    """Users of the given communities, in id order."""
    parts = [model.members[int(c)] for c in comms]
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int32)


def claims(model: ModelView, side: int) -> np.ndarray:
    """The side's own stories (not debunks) that are live this tick."""
    w = model.world
    return np.flatnonzero(
        (w.narr_side == side) & (w.narr_target < 0) & (w.narr_start_tick <= model.tick)
    )


def debunks_of(model: ModelView, side: int, target: int) -> np.ndarray:
    """The side's debunks of narrative ``target``."""
    w = model.world
    return np.flatnonzero((w.narr_side == side) & (w.narr_target == target))


def rival_fakes(model: ModelView, side: int) -> np.ndarray:
    """False narratives of the other sides that ``side`` has a debunk for."""
    w = model.world
    fakes = np.flatnonzero(~w.narr_true & (w.narr_side != side))
    return np.array([k for k in fakes if len(debunks_of(model, side, int(k)))], dtype=np.int64)


def reshared_side(model: ModelView, users: np.ndarray, side: int) -> np.ndarray:
    """Whether each user has ever publicly reshared a story of ``side``: the resharing
    history a campaign can see (never opinions or beliefs)."""
    rows = np.flatnonzero(model.world.narr_side == side)
    if not len(rows) or not len(users):
        return np.zeros(len(users), dtype=bool)
    return model.crowd.reshared[np.ix_(rows, users)].any(axis=0)


# -- languages -------------------------------------------------------------------------
def best_language(model: ModelView, comm: np.ndarray, langs: list[int]) -> np.ndarray:
    """For each community, the language of ``langs`` most widely read there."""
    prob = model.world.lang_prob[np.ix_(np.asarray(comm, dtype=np.int64), langs)]
    return np.array(langs, dtype=np.uint8)[np.argmax(prob, axis=1)]


def random_spoken(
    model: ModelView, users: np.ndarray, rng: np.random.Generator, avoid: int | None = None
) -> np.ndarray:
    """A random language each user reads (avoiding ``avoid`` where they read another)."""
    n_lang = len(model.world.languages)
    bits = ((model.crowd.langs[users][:, None] >> np.arange(n_lang, dtype=np.uint16)) & 1).astype(
        bool
    )
    if avoid is not None:
        other = bits.copy()
        other[:, avoid] = False
        bits = np.where(other.any(axis=1)[:, None], other, bits)
    cum = np.cumsum(bits, axis=1)
    pick = rng.random(len(users)) * cum[:, -1]
    return np.argmax(cum > pick[:, None], axis=1).astype(np.uint8)


def home_language(model: ModelView, side: int) -> int:
    """The language most spoken in the side's domestic communities."""
    comms = communities(model, side, "domestic")
    if not len(comms):
        return 0
    weights = model.world.comm_share[comms][:, None] * model.world.lang_prob[comms]
    return int(np.argmax(weights.sum(axis=0)))


# -- posts -----------------------------------------------------------------------------
def account_posts(
    model: ModelView,
    acct: np.ndarray,
    narr: np.ndarray,
    lang: np.ndarray,
    quality: float | np.ndarray,
    backfire: np.ndarray | None = None,
) -> Posts:
    """Single posts by actors' accounts, aggregated per (account, narrative, language,
    gaffe); readers see each account's current source kind."""
    if len(acct) == 0:
        return Posts.empty()
    bf = np.zeros(len(acct), dtype=np.int64) if backfire is None else backfire.astype(np.int64)
    key = ((acct.astype(np.int64) * 65536 + narr) * 256 + lang) * 2 + bf
    q = np.broadcast_to(np.asarray(quality, dtype=np.float64), key.shape)
    uniq, first, count = np.unique(key, return_index=True, return_counts=True)
    a = uniq // (65536 * 256 * 2)
    acc = model.accounts
    return Posts.make(
        src=a,
        narr=(uniq // 512) % 65536,
        lang=(uniq // 2) % 256,
        count=count,
        quality=q[first],
        kind=acc.kind[a],
        origin=model.crowd.n + a,
        plats=acc.plats[a],
        backfire=(uniq % 2).astype(bool),
    )


def user_posts(
    model: ModelView,
    users: np.ndarray,
    narr: np.ndarray,
    lang: np.ndarray,
    quality: float,
    kind: int = PEER,
    backfire: np.ndarray | None = None,
) -> Posts:
    """Single posts by ordinary users (volunteers, mobilised diaspora), one entry each;
    they reach the users' followers on the platforms the users can reach now."""
    if len(users) == 0:
        return Posts.empty()
    return Posts.make(
        src=users,
        narr=narr,
        lang=lang,
        count=1,
        quality=quality,
        kind=kind,
        origin=users,
        plats=model.crowd.eff_plats[users],
        backfire=False if backfire is None else backfire,
    )


def send_direct(model: ModelView, posts: Posts, readers: list[np.ndarray] | np.ndarray) -> None:
    """Deliver entry i of ``posts`` to ``readers[i]`` only (ads, mentions) via ``model.direct``;
    ``readers`` is a list of arrays, or one array with one reader per entry."""
    if len(posts) == 0:
        return
    if isinstance(readers, np.ndarray):
        indptr, indices = np.arange(len(readers) + 1, dtype=np.int64), readers.astype(np.int32)
    else:
        lens = np.array([len(r) for r in readers], dtype=np.int64)
        indptr = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(lens, out=indptr[1:])
        indices = np.concatenate(readers).astype(np.int32)
    posts.src = np.arange(len(posts), dtype=np.int32)
    model.direct.append((posts, indptr, indices))


def sample_readers(
    model: ModelView, pool: np.ndarray, lang: int, plats: int, k: int, rng: np.random.Generator
) -> np.ndarray:
    """Up to ``k`` users of ``pool`` who read ``lang`` and can reach one of ``plats``, sorted.
    Candidates are drawn at random and filtered, so the cost is O(k) rather than O(pool);
    only when too few candidates qualify is the whole pool scanned."""
    if k <= 0 or not len(pool):
        return pool[:0]
    crowd = model.crowd

    def ok(u: np.ndarray) -> np.ndarray:
        return (((crowd.langs[u] >> np.uint16(lang)) & 1) == 1) & (
            (crowd.eff_plats[u] & np.uint8(plats)) != 0
        )

    cand = rng.choice(pool, min(len(pool), 4 * k + 32), replace=False)
    got = cand[ok(cand)][:k]
    if len(got) < k and len(cand) < len(pool):
        full = pool[ok(pool)]
        got = rng.choice(full, min(k, len(full)), replace=False)
    return np.sort(got)


def thin(
    posts: Posts, keep_prob: float | np.ndarray, rng: np.random.Generator
) -> tuple[Posts, int]:
    """Keep each single post with ``keep_prob``; returns the thinned batch and how many went."""
    if len(posts) == 0:
        return posts, 0
    kept = rng.binomial(posts.count, keep_prob).astype(np.int32)
    dropped = int(posts.count.sum() - kept.sum())
    posts.count = kept
    return posts.select(kept > 0), dropped


def owner_side_kind(model: ModelView, posts: Posts) -> tuple[np.ndarray, np.ndarray]:
    """Side and actor kind behind each entry of an account batch (from ``origin``)."""
    a = posts.origin.astype(np.int64) - model.crowd.n
    owner = np.array(model.accounts.owner, dtype=np.int64)[a]
    side = np.array([x.side for x in model.actors], dtype=np.int64)[owner]
    kinds = np.array([x.kind for x in model.actors], dtype=object)[owner]
    return side, kinds
