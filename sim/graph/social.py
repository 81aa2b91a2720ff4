"""The generated follower graph: hubs, community and language homophily, platform layers.

Each user ``u`` makes ``k_u`` follows, ``k_u`` drawn from a shifted geometric law with mean
``cfg.mean_degree`` (memoryless, at least one follow each, sd close to the mean). One follow:

1. target community: ``u``'s own with probability ``cfg.homophily``, otherwise another one
   ``c'`` with weight ``share_c' * (1 + cfg.language_bias * [c' speaks a language of u])``,
   where community ``c'`` "speaks" language ``l`` when ``world.lang_prob[c', l] > 0.2``;
2. language: one of ``u``'s languages, uniformly;
3. platform: one of ``u``'s platforms, uniformly. The follow lives on that platform, so every
   edge joins two users who share a platform by construction (rejecting edges afterwards
   would bias both the mean degree and the homophily);
4. target: among the members of ``c'`` who speak that language and use that platform, with
   probability proportional to their popularity fitness. If that pool is empty the language
   is dropped (members of ``c'`` on the platform); if that is empty too the follow is lost.

Fitness is classical Pareto with scale 1 and shape ``a = cfg.hub_exponent - 1``, so its
density falls as ``f**-hub_exponent``. A user's in-degree is Poisson with mean proportional
to its fitness, so the in-degree law has the same tail: ``P(k_in > k) ~ k**-(hub_exponent-1)``
(``hub_exponent`` is the exponent of the degree density, as usual for scale-free graphs).

Self-loops, duplicates and lost follows are drawn again (``REDRAWS`` rounds, for the users
who lost them), so the mean out-degree stays at ``cfg.mean_degree``; the few left after the
last round are dropped. Everything is vectorized over edges; the only Python loops run over
(language, platform) pools and redraw rounds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sim.config.schema import GraphConfig
from sim.errors import ConfigError
from sim.world import World

SPEAKS_THRESHOLD = 0.2  # a community speaks a language when P(speaks) is above this
REDRAWS = 2  # rounds that re-draw self-loops, duplicates and follows with no pool


@dataclass(frozen=True)
class _Pools:
    """Candidate targets per pool g = (community * (L + 1) + language) * P + platform,
    where language L means "any language".

    ``members`` lists user ids pool after pool; ``cum`` is the running sum of their fitness
    (+inf appended), so a fitness-weighted draw in pool g is the first slot whose cum exceeds
    a uniform point of ``(lo[g], hi[g]]``. ``guide`` jumps to that point's bucket of ``cum``
    (Chen's guide table), turning the search into a short forward scan: a binary search of
    10^7 random queries costs seconds, the scan a few gathers.
    """

    members: np.ndarray  # int32 (S,)
    cum: np.ndarray  # float64 (S + 1,)
    end: np.ndarray  # int64 (G,) one past each pool's last slot
    lo: np.ndarray  # float64 (G,) cum before the pool
    span: np.ndarray  # float64 (G,) total fitness of the pool
    resolved: np.ndarray  # int32 (G,) pool that serves draws for g (fallback); -1: none
    guide: np.ndarray  # int64 (B + 2,) first slot whose cum exceeds b * width
    width: float
    n_lang: int
    n_plat: int


@dataclass(frozen=True)
class _Users:
    """Per-user lookups used by every draw."""

    community: np.ndarray  # int32 (n,)
    lang_count: np.ndarray  # int32 (n,) languages spoken
    lang_row: np.ndarray  # int32 (n,) row of lang_nth for the user's language mask
    lang_nth: np.ndarray  # int32 (M, L): r-th language of a mask (L if none)
    plat_count: np.ndarray  # int32 (n,)
    plats: np.ndarray  # int32 (n,) row of plat_nth
    plat_nth: np.ndarray  # int32 (256, 8)
    cross: np.ndarray  # float64 (C * M * C,) see _cross_table
    n_comm: int
    n_mask: int


def generate_social(
    community: np.ndarray,
    langs: np.ndarray,
    plats: np.ndarray,
    world: World,
    cfg: GraphConfig,
    rng: np.random.Generator,
) -> sp.csr_array:
    """The ``followers`` CSR (row s = users following s) of the users described.

    ``community`` int16 (n,) community index, ``langs`` uint16 language bitmask (bit i =
    world.languages[i]), ``plats`` uint8 platform bitmask (bit j = world.platforms[j])."""
    _check(cfg)
    n = len(community)
    community = np.asarray(community).astype(np.int32)
    langs, plats = np.asarray(langs, dtype=np.uint16), np.asarray(plats, dtype=np.uint8)
    if not len(langs) == len(plats) == n:
        raise ValueError("community, langs and plats must have the same length")
    if n and (community.min() < 0 or community.max() >= len(world.communities)):
        raise ValueError("community index out of range")
    if n == 0:
        return _empty(0)
    fitness = rng.pareto(cfg.hub_exponent - 1.0, n) + 1.0
    pools = _build_pools(community, langs, plats, fitness, world)
    users = _users(community, langs, plats, world, cfg.language_bias)
    want = _out_degrees(n, cfg.mean_degree, rng)
    want[plats == 0] = 0
    followers, lost = _draw_round(want, users, pools, cfg.homophily, rng)
    for _ in range(REDRAWS):
        if lost.size == 0:
            break
        again = np.bincount(lost, minlength=n)
        extra, lost = _draw_round(again, users, pools, cfg.homophily, rng)
        followers, merged = _union(followers, extra)
        lost = np.concatenate((lost, merged))
    return followers


def platform_layer(followers: sp.csr_array, plats: np.ndarray, p: int) -> sp.csr_array:
    """The edges whose two ends both use platform ``p`` (an index into world.platforms)."""
    on = ((np.asarray(plats).astype(np.int64) >> int(p)) & 1).astype(bool)
    rows = np.repeat(np.arange(followers.shape[0], dtype=np.int32), np.diff(followers.indptr))
    return _keep(followers, on[rows] & on[followers.indices])


def to_networkx(followers: sp.csr_array, community: np.ndarray, world: World):
    """A ``networkx.DiGraph`` with edge u -> s when u follows s, for GraphML export and
    plots (``load_graph`` reads it back). Nodes are 0..n-1 with a ``community`` name ("" for
    index -1). It loops in Python over nodes and edges: meant for graphs up to ~10^5 edges."""
    import networkx as nx

    n = followers.shape[0]
    names = [world.communities[c] if c >= 0 else "" for c in np.asarray(community).tolist()]
    graph = nx.DiGraph()
    graph.add_nodes_from((i, {"community": names[i]}) for i in range(n))
    rows = np.repeat(np.arange(n), np.diff(followers.indptr))
    graph.add_edges_from(zip(followers.indices.tolist(), rows.tolist()))
    return graph


def _check(cfg: GraphConfig) -> None:
    """Reject parameters the construction cannot honour (validation may catch them first)."""
    if not cfg.hub_exponent > 1.0:
        raise ConfigError("graph.hub_exponent", f"must be > 1, got {cfg.hub_exponent}")
    if not 0.0 <= cfg.homophily <= 1.0:
        raise ConfigError("graph.homophily", f"must be in [0, 1], got {cfg.homophily}")
    if not cfg.mean_degree >= 0.0:
        raise ConfigError("graph.mean_degree", f"must be >= 0, got {cfg.mean_degree}")
    if not cfg.language_bias >= 0.0:
        raise ConfigError("graph.language_bias", f"must be >= 0, got {cfg.language_bias}")


def _out_degrees(n: int, mean: float, rng: np.random.Generator) -> np.ndarray:
    """Shifted geometric follows per user: 1 + Geom0 when mean >= 1, else Geom0 (lurkers)."""
    if mean <= 0.0:
        return np.zeros(n, dtype=np.int64)
    if mean >= 1.0:
        k = rng.geometric(1.0 / mean, n)
    else:
        k = rng.geometric(1.0 / (1.0 + mean), n) - 1
    return np.minimum(k, n - 1)


def _bit_table(width: int, masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each mask: its number of set bits, and column r -> its r-th set bit (width if none)."""
    bits = ((masks.astype(np.int64)[:, None] >> np.arange(width)) & 1).astype(bool)
    nth = np.full((len(masks), max(width, 1)), width, dtype=np.int32)
    row, col = np.nonzero(bits)
    nth[row, (np.cumsum(bits, axis=1) - 1)[row, col]] = col
    return bits.sum(1).astype(np.int32), nth


def _users(community, langs, plats, world: World, bias: float) -> _Users:
    present = np.flatnonzero(np.bincount(langs))
    row_of = np.zeros(int(present[-1]) + 1, dtype=np.int32)
    row_of[present] = np.arange(present.size, dtype=np.int32)
    lang_count, lang_nth = _bit_table(len(world.languages), present)
    lang_row = row_of[langs]
    plat_count, plat_nth = _bit_table(8, np.arange(256))
    plats = plats.astype(np.int32)
    sizes = np.bincount(community, minlength=len(world.communities))
    return _Users(
        community, lang_count[lang_row], lang_row, lang_nth, plat_count[plats], plats,
        plat_nth, _cross_table(present, world, sizes, bias), len(world.communities),
        present.size,
    )


def _cross_table(masks: np.ndarray, world: World, sizes: np.ndarray, bias: float) -> np.ndarray:
    """Cumulative weights of the other communities for each (community c, mask row m).

    Row key = c * M + m occupies ``[key*C, (key+1)*C)`` and holds ``key + cumulative
    probability``, so one searchsorted of ``key + U`` draws every cross-community follow at
    once. A community speaks the languages with P(speaks) > SPEAKS_THRESHOLD (its most
    spoken one if none is). Communities without members get no weight; a row with no
    eligible community keeps the follow at home."""
    n_comm, prob = len(world.communities), world.lang_prob
    spoken = prob > SPEAKS_THRESHOLD
    if prob.size:
        mute = ~spoken.any(1) & (prob.max(1) > 0)
        spoken[np.flatnonzero(mute), prob.argmax(1)[mute]] = True
    comm_bits = (spoken.astype(np.int64) << np.arange(prob.shape[1])).sum(1)
    common = (masks.astype(np.int64)[:, None] & comm_bits[None, :]) != 0  # (M, C)
    share = np.where(sizes > 0, world.comm_share, 0.0)
    w = np.broadcast_to(share * (1.0 + bias * common), (n_comm,) + common.shape).copy()
    diag = np.arange(n_comm)
    w[diag, :, diag] = 0.0
    w[diag, :, diag] = w.sum(2)[diag] <= 0.0
    cum = np.cumsum(w, axis=2)
    cum /= cum[:, :, -1:]
    key = np.arange(w.shape[0] * w.shape[1], dtype=np.float64).reshape(w.shape[:2] + (1,))
    return (cum + key).ravel()


def _build_pools(community, langs, plats, fitness, world: World) -> _Pools:
    """Group users into pools laid out (language, platform, community): one counting sort."""
    n_comm, n_lang, n_plat = len(world.communities), len(world.languages), len(world.platforms)
    order = np.argsort(community, kind="stable").astype(np.int32)
    comm_s, langs_s, plats_s = community[order], langs[order], plats[order]
    blocks, counts = [], np.zeros((n_lang + 1, n_plat, n_comm), dtype=np.int64)
    for lang in range(n_lang + 1):
        speaks = ((langs_s >> lang) & 1).astype(bool) if lang < n_lang else True
        for p in range(n_plat):
            idx = np.flatnonzero(((plats_s >> p) & 1).astype(bool) & speaks)
            blocks.append(order[idx])
            counts[lang, p] = np.bincount(comm_s[idx], minlength=n_comm)
    members = np.concatenate(blocks) if blocks else np.zeros(0, np.int32)
    start = np.concatenate(([0], np.cumsum(counts.ravel())[:-1])).reshape(counts.shape)
    start, size = start.transpose(2, 0, 1).ravel(), counts.transpose(2, 0, 1).ravel()
    cum = np.empty(members.size + 1)
    np.cumsum(fitness[members], out=cum[:-1])
    cum[-1] = np.inf
    lo = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
    span = np.where(size > 0, cum[np.maximum(start + size - 1, 0)] - lo, 0.0)
    guide, width = _guide(cum[:-1])
    resolved = _fallbacks(size, n_comm, n_lang, n_plat)
    return _Pools(members, cum, start + size, lo, span, resolved, guide, width, n_lang, n_plat)


def _fallbacks(size: np.ndarray, n_comm: int, n_lang: int, n_plat: int) -> np.ndarray:
    """An empty (c, l, p) pool falls back to (c, any language, p); if that is empty: -1."""
    g = np.arange(size.size, dtype=np.int32).reshape(n_comm, n_lang + 1, n_plat)
    res = np.where(size.reshape(g.shape) > 0, g, g[:, n_lang:, :]).ravel()
    return np.where(size[res] > 0, res, -1).astype(np.int32)


def _guide(cum: np.ndarray) -> tuple[np.ndarray, float]:
    """Guide table: bucket b (width w) starts its scan at the first slot with cum > b * w."""
    n_buckets = max(2 * cum.size, 1)
    width = (float(cum[-1]) if cum.size else 1.0) / n_buckets
    bucket = np.minimum((cum / width).astype(np.int64), n_buckets)
    guide = np.zeros(n_buckets + 2, dtype=np.int64)
    np.cumsum(np.bincount(bucket, minlength=n_buckets + 1), out=guide[1:])
    return guide, width


def _draw_round(counts, users: _Users, pools: _Pools, homophily: float, rng):
    """``counts[u]`` new follows per user -> (followers CSR, follower id of each lost one)."""
    n = counts.size
    src = np.repeat(np.arange(n, dtype=np.int32), counts)
    if src.size == 0:
        return _empty(n), src
    comm = _target_communities(counts, users, homophily, rng)
    comm *= pools.n_lang + 1
    comm += _pick(counts, users.lang_count, users.lang_row, users.lang_nth, rng)
    comm *= pools.n_plat
    comm += _pick(counts, users.plat_count, users.plats, users.plat_nth, rng)
    tgt = _sample(pools, pools.resolved[comm], rng)
    del comm
    bad = (tgt < 0) | (tgt == src)
    followers, dups = _transpose_dedupe(tgt, bad, counts, n)
    return followers, np.concatenate((src[bad], dups))


def _target_communities(counts, users: _Users, homophily: float, rng) -> np.ndarray:
    """Own community with probability ``homophily``, else a draw from the cross table."""
    comm = np.repeat(users.community, counts)
    if homophily >= 1.0:
        return comm
    out = np.flatnonzero(rng.random(comm.size) >= homophily)
    key = comm[out] * users.n_mask + np.repeat(users.lang_row, counts)[out]
    x = key + rng.random(out.size)
    pick = np.searchsorted(users.cross, x, side="right") - key * users.n_comm
    comm[out] = np.clip(pick, 0, users.n_comm - 1)
    return comm


def _pick(counts, n_set, row, nth, rng) -> np.ndarray:
    """One set bit per follow, uniformly among the follower's (``nth.shape[1]`` if none)."""
    k = np.repeat(n_set, counts)
    r = (rng.random(k.size, dtype=np.float32) * k).astype(np.int32)
    np.minimum(r, np.maximum(k - 1, 0), out=r)
    r += np.repeat(row, counts) * nth.shape[1]
    return nth.ravel()[r]


def _sample(pools: _Pools, g: np.ndarray, rng) -> np.ndarray:
    """A fitness-weighted member of pool g per entry (-1 where g is -1)."""
    ok = g >= 0
    gg = np.where(ok, g, 0)
    x = pools.lo[gg] + rng.random(g.size) * pools.span[gg]
    slot = pools.guide[np.minimum((x / pools.width).astype(np.int64), pools.guide.size - 1)]
    todo = np.flatnonzero(pools.cum[slot] <= x)
    while todo.size:  # short scan: about 2 slots per bucket on average
        slot[todo] += 1
        todo = todo[pools.cum[slot[todo]] <= x[todo]]
    np.minimum(slot, pools.end[gg] - 1, out=slot)
    return np.where(ok, pools.members[slot], -1).astype(np.int32)


def _transpose_dedupe(tgt, bad, counts, n):
    """Follower-major edges -> canonical followers CSR, and the followers of duplicates.

    The transpose is scipy's O(nnz) counting sort; as followers are visited in order, each
    row comes out sorted, so duplicates sit side by side."""
    good = ~bad
    kept = np.concatenate(([0], np.cumsum(good)))
    indptr = kept[np.concatenate(([0], np.cumsum(counts)))]
    following = sp.csr_array(
        (np.ones(int(kept[-1]), dtype=bool), tgt[good], indptr.astype(np.int32)), shape=(n, n)
    )
    followers = following.T.tocsr()
    ind, ptr = followers.indices, followers.indptr
    keep = np.ones(ind.size, dtype=bool)
    np.not_equal(ind[1:], ind[:-1], out=keep[1:])
    keep[ptr[:-1][ptr[:-1] < ptr[1:]]] = True
    return _keep(followers, keep), ind[~keep]


def _keep(a: sp.csr_array, keep: np.ndarray) -> sp.csr_array:
    """The CSR with only the entries where ``keep`` holds (order kept, so still canonical)."""
    if keep.all():
        return _canonical(a.indices, a.indptr, a.shape[0])
    csum = np.concatenate(([0], np.cumsum(keep)))
    return _canonical(a.indices[keep], csum[a.indptr], a.shape[0])


def _union(a: sp.csr_array, b: sp.csr_array) -> tuple[sp.csr_array, np.ndarray]:
    """Edges of either canonical graph, and the followers of b's edges already in a."""
    rows = np.repeat(np.arange(b.shape[0], dtype=np.int32), np.diff(b.indptr))
    seen = np.asarray(a[rows, b.indices]).astype(bool) if b.nnz else np.zeros(0, bool)
    c = a + _keep(b, ~seen)
    return _canonical(c.indices, c.indptr, c.shape[0]), b.indices[seen]


def _canonical(indices, indptr, n: int) -> sp.csr_array:
    out = sp.csr_array(
        (np.ones(indices.size, dtype=bool), indices.astype(np.int32, copy=False),
         indptr.astype(np.int32, copy=False)),
        shape=(n, n),
    )
    out.has_sorted_indices = True
    out.has_canonical_format = True
    return out


def _empty(n: int) -> sp.csr_array:
    return _canonical(np.zeros(0, np.int32), np.zeros(n + 1, np.int32), n)
