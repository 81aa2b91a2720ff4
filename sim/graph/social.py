"""The generated follower graph: hubs, community and language homophily, platform layers.

User ``u`` makes ``k_u`` follows, ``k_u`` from a shifted geometric law with mean
``cfg.mean_degree`` (at least one follow each, sd close to the mean, no parameter to tune).
One follow:

1. target community: ``u``'s own with probability ``cfg.homophily``, else another one ``c'``
   with weight ``share_c' * (1 + cfg.language_bias * [c' speaks a language u speaks])``;
   community ``c'`` speaks language ``l`` when ``world.lang_prob[c', l] > 0.2`` (its most
   spoken one if none is);
2. language and platform: one (language, platform) pair of ``u``'s, uniformly. The follow
   lives on that platform, so every edge joins users who share a platform by construction
   (rejecting edges afterwards would bias both the mean degree and the homophily);
3. target: a member of ``c'`` speaking that language and on that platform, with probability
   proportional to its popularity fitness. If that pool is empty the language is dropped
   (members of ``c'`` on the platform); if that is empty too the follow is drawn again.

Fitness is classical Pareto (scale 1, shape ``a = cfg.hub_exponent - 1``): its density falls
as ``f**-hub_exponent``. In-degrees are Poisson with mean proportional to fitness, so they
share that tail, ``P(k_in > k) ~ k**-(hub_exponent - 1)``: ``hub_exponent`` is the exponent
of the degree density, as usual for scale-free graphs (2.2 -> Hill estimate about 1.2).
Uncapped, the largest fitness grows as ``n ** (1 / (hub_exponent - 1))``, so a bigger crowd
has relatively bigger hubs and spreads differently; ``cfg.fitness_cap`` truncates the law
at a value that does not depend on ``n`` (a scenario scaled by ``world.scale`` sets it, so
its statistics do not move with the scale).

Self-loops, duplicates (a follower drawing a hub twice) and follows with no pool are drawn
again, ``REDRAWS`` rounds; what is left is dropped (a few per mille of the follows at 10^6
users and hub_exponent 2.2; big hubs make duplicates common). Everything is vectorized over
edges; Python loops run only over (language, platform) pools and redraw rounds.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sim.config.schema import GraphConfig
from sim.errors import ConfigError
from sim.graph.csr import keep, rows
from sim.graph.follows import FollowList, accepted, followers_of, rebuild, tidy_block, transpose
from sim.world import World

SPEAKS_THRESHOLD = 0.2  # a community speaks a language when P(speaks) is above this
REDRAWS = 3  # rounds that draw again self-loops, duplicates and follows with no pool
GUIDE_BUCKETS = 2  # guide-table buckets per pool slot
CHUNK_USERS = 1 << 20  # users (or slots) per chunk of the pool layout
BLOCKS = 4  # at least this many follower blocks, drawn in parallel (never depends on cores)
BLOCK_FOLLOWS = 1 << 18  # about this many follows per block: temporaries stay cache-sized
# and reused by malloc (big fresh arrays cost page faults that showed as ~25% of the draw)


@dataclass(frozen=True)
class _Pools:
    """Candidate targets per pool g = (c * (L + 1) + l) * P + p; language L means "any".

    ``members`` lists user ids pool after pool and ``cum`` the running sum of their fitness
    (+inf appended): a fitness-weighted draw in pool g is the first slot whose cum exceeds a
    uniform point of ``(lo[g], lo[g] + span[g]]``. ``guide[b]`` is the first slot past
    ``b * width`` (Chen's guide table), so the search is a short forward scan: a binary
    search of 10^7 random queries takes seconds, the scan a few gathers."""

    members: np.ndarray  # int32 (S,)
    cum: np.ndarray  # float64 (S + 1,)
    end: np.ndarray  # int64 (G,) one past each pool's last slot
    lo: np.ndarray  # float64 (G,)
    span: np.ndarray  # float64 (G,) total fitness of the pool
    resolved: np.ndarray  # int32 (G,) pool that serves draws for g (fallback); -1: none
    guide: np.ndarray  # int32 (B + 2,)
    width: float


@dataclass(frozen=True)
class _Users:
    """Per-user lookups shared by all draws."""

    community: np.ndarray  # int32 (n,)
    lang_row: np.ndarray  # int32 (n,) index of the user's language mask among those present
    combo_row: np.ndarray  # int32 (n,) index of its (language mask, platform mask) pair
    combo_count: np.ndarray  # int32 (D,) number of (language, platform) pairs of a combo
    combo_lp: np.ndarray  # int32 (D * W,) row d, column r -> r-th pair as l * P + p
    cross: np.ndarray  # float64 (C * M * C,) see _cross_table
    n_comm: int
    n_mask: int
    n_lp: int  # (L + 1) * P
    width: int  # W, columns of combo_lp


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
    len(community)
    community = np.asarray(community).astype(np.int32)
    langs, plats = np.asarray(langs, dtype=np.uint16), np.asarray(plats, dtype=np.uint8)
    _check_users(community, langs, plats, world)
    fl, new = _follows(community, langs, plats, world, cfg, rng)  # its pools are freed now
    return transpose(rebuild(fl, new))


def _follows(community, langs, plats, world: World, cfg: GraphConfig, rng) -> tuple:
    """Every user's follows (follower-major, with the follows to drop) and the keys of the
    redrawn follows that replace them (``sim.graph.follows.accepted``)."""
    n = len(community)
    fitness = rng.pareto(cfg.hub_exponent - 1.0, n) + 1.0
    if cfg.fitness_cap > 0:  # the same law at every n: the largest hub no longer grows with n
        np.minimum(fitness, cfg.fitness_cap, out=fitness)
    users = _users(community, langs, plats, world, cfg.language_bias)
    pools = _build_pools(users, langs, plats, fitness, len(world.languages), len(world.platforms))
    del fitness
    want = _out_degrees(n, cfg.mean_degree, rng)
    want[plats == 0] = 0
    fl, dropped = _draw_blocks(want, users, pools, cfg.homophily, rng)
    redraw = (dropped % n).astype(np.int32)  # in the followers CSR's order (target, follower)
    del dropped, want
    return fl, accepted(fl, redraw, REDRAWS, lambda s: _draw(s, users, pools, cfg.homophily, rng))


def platform_layer(followers: sp.csr_array, plats: np.ndarray, p: int) -> sp.csr_array:
    """The edges whose two ends both use platform ``p`` (an index into world.platforms)."""
    on = ((np.asarray(plats).astype(np.int64) >> int(p)) & 1).astype(bool)
    return keep(followers, on[rows(followers)] & on[followers.indices])


def to_networkx(followers: sp.csr_array, community: np.ndarray, world: World):
    """A ``networkx.DiGraph`` with edge u -> s when u follows s, for GraphML export and plots
    (``load_graph`` reads it back). Nodes are 0..n-1 with a ``community`` name ("" for -1).
    It loops in Python over nodes and edges: meant for graphs up to ~10^5 edges."""
    import networkx as nx

    names = [world.communities[c] if c >= 0 else "" for c in np.asarray(community).tolist()]
    graph = nx.DiGraph()
    graph.add_nodes_from((i, {"community": name}) for i, name in enumerate(names))
    graph.add_edges_from(zip(followers.indices.tolist(), rows(followers).tolist()))
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


def _check_users(community, langs, plats, world: World) -> None:
    """Programming errors in the caller's arrays (not user input): ValueError."""
    if not len(langs) == len(plats) == len(community):
        raise ValueError("community, langs and plats must have the same length")
    if len(community) and not 0 <= community.min() <= community.max() < len(world.communities):
        raise ValueError("community index out of range")
    if len(community) and (
        langs.max() >> len(world.languages) or plats.max() >> len(world.platforms)
    ):
        raise ValueError("langs/plats have bits beyond world.languages/world.platforms")


def _out_degrees(n: int, mean: float, rng: np.random.Generator) -> np.ndarray:
    """Shifted geometric follows per user: 1 + Geom0 when mean >= 1, else Geom0 (lurkers)."""
    if mean <= 0.0 or n < 2:
        return np.zeros(n, dtype=np.int64)
    if mean >= 1.0:
        k = rng.geometric(1.0 / mean, n)
    else:
        k = rng.geometric(1.0 / (1.0 + mean), n) - 1
    return np.minimum(k, n - 1)


def _bits(masks: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Per mask: number of set bits, and column r -> its r-th set bit (``width`` if none)."""
    bits = ((masks.astype(np.int64)[:, None] >> np.arange(width)) & 1).astype(bool)
    nth = np.full((len(masks), max(width, 1)), width, dtype=np.int64)
    row, col = np.nonzero(bits)
    nth[row, (np.cumsum(bits, axis=1) - 1)[row, col]] = col
    return bits.sum(1), nth


def _users(community, langs, plats, world: World, bias: float) -> _Users:
    """Group users by (language mask, platform mask) and tabulate their pairs."""
    n_lang, n_plat = len(world.languages), len(world.platforms)
    lang_masks, lang_row = _small_unique(langs)
    combos, combo_row = _small_unique(lang_row * 256 + plats)
    nl, lnth = _bits(lang_masks[combos // 256], n_lang)
    n_p, pnth = _bits(combos % 256, n_plat)
    nl1, np1 = np.maximum(nl, 1), np.maximum(n_p, 1)
    width = max(n_lang, 1) * max(n_plat, 1)
    r = np.arange(width)[None, :]
    li = np.minimum(r // np1[:, None], lnth.shape[1] - 1)
    pi = np.minimum(r % np1[:, None], pnth.shape[1] - 1)
    d = np.arange(len(combos))[:, None]
    lp = lnth[d, li] * n_plat + np.minimum(pnth[d, pi], max(n_plat - 1, 0))
    sizes = np.bincount(community, minlength=len(world.communities))
    return _Users(
        community,
        lang_row.astype(np.int32),
        combo_row.astype(np.int32),
        (nl1 * n_p).astype(np.int32),
        lp.astype(np.int32).ravel(),
        _cross_table(lang_masks, world, sizes, bias),
        len(world.communities),
        len(lang_masks),
        (n_lang + 1) * n_plat,
        width,
    )


def _small_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True) for small non-negative integers, by counting
    instead of sorting all users (int64 values and inverse)."""
    seen = np.bincount(values) > 0 if values.size else np.zeros(0, dtype=bool)
    row = np.cumsum(seen) - 1
    return np.flatnonzero(seen), row[values]


def _cross_table(masks: np.ndarray, world: World, sizes: np.ndarray, bias: float) -> np.ndarray:
    """Cumulative weights of the other communities per (community c, language mask row m).

    Row key = c * M + m spans ``[key * C, (key + 1) * C)`` and holds ``key + cumulative
    probability``, so one searchsorted of ``key + U`` draws all cross-community follows.
    Communities without members get no weight; a row with no eligible community keeps the
    follow at home."""
    n_comm, prob = len(world.communities), world.lang_prob
    spoken = prob > SPEAKS_THRESHOLD
    if prob.size:
        mute = ~spoken.any(1) & (prob.max(1) > 0)
        spoken[np.flatnonzero(mute), prob.argmax(1)[mute]] = True
    comm_bits = (spoken.astype(np.int64) << np.arange(prob.shape[1])).sum(1)
    common = (masks.astype(np.int64)[:, None] & comm_bits[None, :]) != 0  # (M, C)
    share = np.where(sizes > 0, world.comm_share, 0.0)
    w = np.broadcast_to(share * (1.0 + bias * common), (n_comm, *common.shape)).copy()
    diag = np.arange(n_comm)
    w[diag, :, diag] = 0.0
    w[diag, :, diag] = w.sum(2)[diag] <= 0.0
    cum = np.cumsum(w, axis=2)
    cum /= cum[:, :, -1:]
    key = np.arange(w.shape[0] * w.shape[1], dtype=np.float64).reshape((*w.shape[:2], 1))
    return (cum + key).ravel()


def _build_pools(users: _Users, langs, plats, fitness, n_lang: int, n_plat: int) -> _Pools:
    """Users grouped into pools laid out (language, platform, community), each pool in
    user order: a counting sort of the (user, pool) memberships by pool, chunk by chunk of
    users, so no array the size of all memberships is made besides the pools' own.

    The "any language" pools are filled only for (community, platform) pairs that need the
    fallback, or for all when some user speaks no listed language."""
    n_comm, comm, n = users.n_comm, users.community, users.community.size
    shape = (n_lang + 1, n_plat, n_comm)
    n_pools = int(np.prod(shape))
    counts = _specific_counts(users, n_lang * n_plat, n_pools)
    need = (counts.reshape(shape)[:n_lang] == 0).any(0) | (langs == 0).any()  # (P, C)
    for p in range(n_plat):
        on = ((plats >> p) & 1).astype(bool) & need[p][comm]
        counts[(n_lang * n_plat + p) * n_comm :][:n_comm] += np.bincount(comm[on], minlength=n_comm)
    start = np.zeros(n_pools + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    members = np.empty(int(start[-1]), dtype=np.int32)
    fill = start[:-1].copy()
    for u0 in range(0, n, CHUNK_USERS):
        _place(members, fill, *_chunk_memberships(users, plats, need, u0, u0 + CHUNK_USERS))
    cum = _cumulative(fitness, members)
    counts = counts.reshape(shape)
    start, size = (
        start[:-1].reshape(shape).transpose(2, 0, 1).ravel(),
        counts.transpose(2, 0, 1).ravel(),
    )
    lo = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
    span = np.where(size > 0, cum[np.maximum(start + size - 1, 0)] - lo, 0.0)
    g = np.arange(size.size, dtype=np.int32).reshape(n_comm, n_lang + 1, n_plat)
    res = np.where(size.reshape(g.shape) > 0, g, g[:, n_lang:, :]).ravel()
    resolved = np.where(size[res] > 0, res, -1).astype(np.int32)
    guide, width = _guide(cum[:-1])
    return _Pools(members, cum, start + size, lo, span, resolved, guide, width)


def _specific_counts(users: _Users, n_specific: int, n_pools: int) -> np.ndarray:
    """Members per pool of the pools of a language spoken, without listing the memberships:
    users per (combo, community), added to each pool key l * P + p of the combo's pairs."""
    n_comm, n_combo = users.n_comm, users.combo_count.size
    by_combo = np.bincount(
        users.combo_row.astype(np.int64) * n_comm + users.community, minlength=n_combo * n_comm
    ).reshape(n_combo, n_comm)
    lp = users.combo_lp.reshape(n_combo, users.width)
    d, r = np.nonzero(np.arange(users.width) < users.combo_count[:, None])
    ok = lp[d, r] < n_specific
    counts = np.zeros((n_pools // n_comm, n_comm), dtype=np.int64)
    np.add.at(counts, lp[d, r][ok], by_combo[d[ok]])
    return counts.ravel()


def _specific(users: _Users, n_specific: int, u0: int, u1: int) -> tuple[np.ndarray, np.ndarray]:
    """Users u0..u1's memberships of the pools of a language they speak: (user, pool key),
    user-major (users who speak no listed language join "any" pools in _chunk_memberships)."""
    user, lp = _memberships(users, u0, min(u1, users.community.size))
    specific = lp < n_specific  # l * P + p with l < L
    user = user[specific]
    return user, lp[specific] * users.n_comm + users.community[user]


def _chunk_memberships(users: _Users, plats, need, u0: int, u1: int):
    """Users u0..u1's memberships, specific pools then the "any language" ones per platform:
    within each pool the users ascend, as the counting sort needs."""
    n_plat = need.shape[0]
    n_any = users.n_lp - n_plat  # L * P: the "any language" pools' first l * P + p
    user, key = _specific(users, n_any, u0, u1)
    comm = users.community[u0:u1]
    users_any, keys_any = [user], [key]
    for p in range(n_plat):
        idx = np.flatnonzero(((plats[u0:u1] >> p) & 1).astype(bool) & need[p][comm])
        users_any.append((idx + u0).astype(np.int32))
        keys_any.append((n_any + p) * users.n_comm + comm[idx])
    return np.concatenate(users_any), np.concatenate(keys_any)


def _place(members: np.ndarray, fill: np.ndarray, user: np.ndarray, key: np.ndarray) -> None:
    """Put a chunk's memberships at their pools' next free slots, in order (stable)."""
    small = np.int16 if fill.size < 2**15 else np.int32  # int16 sorts by radix
    order = np.argsort(key.astype(small), kind="stable")
    k = key[order]
    first = np.searchsorted(k, np.arange(fill.size))  # where each pool's run starts in k
    at = np.arange(k.size, dtype=np.int64)
    at += (fill - first)[k]
    members[at] = user[order]
    fill += np.bincount(key, minlength=fill.size)


def _cumulative(fitness: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Running sum of the members' fitness, +inf appended; summed chunk by chunk, each chunk
    starting from the last sum, so every value is the one a single cumsum gives."""
    cum = np.empty(members.size + 1)
    last = 0.0
    for a in range(0, members.size, CHUNK_USERS):
        part = fitness[members[a : a + CHUNK_USERS]]
        part[0] += last
        np.cumsum(part, out=cum[a : a + part.size])
        last = float(cum[a + part.size - 1])
    cum[-1] = np.inf
    return cum


def _memberships(users: _Users, u0: int, u1: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (user, l * P + p) pair of users u0..u1's (language, platform) pairs, user-major."""
    row = users.combo_row[u0:u1]
    cnt = users.combo_count[row]
    user = np.repeat(np.arange(u0, u0 + row.size, dtype=np.int32), cnt)
    first = np.cumsum(cnt, dtype=np.int64) - cnt
    slot = np.arange(user.size, dtype=np.int64) - np.repeat(first, cnt)
    slot += np.repeat(row.astype(np.int64) * users.width, cnt)
    return user, users.combo_lp[slot]


def _guide(cum: np.ndarray) -> tuple[np.ndarray, float]:
    """Guide table: bucket b (width w) starts its scan at the first slot with cum > b * w.
    GUIDE_BUCKETS buckets per slot keep the scans short; int32 keeps the table small.
    Entry b + 1 counts the slots whose bucket ``int(cum * (1 / w))`` (as in _sample) is at
    most b; cum is sorted, so a chunk of slots covers one run of buckets."""
    n_buckets = max(GUIDE_BUCKETS * cum.size, 1)
    width = (float(cum[-1]) if cum.size else 1.0) / n_buckets
    guide = np.zeros(n_buckets + 2, dtype=np.int32)
    for a in range(0, cum.size, CHUNK_USERS):
        bucket = (cum[a : a + CHUNK_USERS] * (1.0 / width)).astype(np.int64)
        np.minimum(bucket, n_buckets, out=bucket)
        b0 = int(bucket[0])
        count = np.bincount(bucket - b0)
        guide[b0 + 1 : b0 + 1 + count.size] += count.astype(np.int32)
    np.cumsum(guide, out=guide)
    return guide, width


def _draw_blocks(
    want: np.ndarray, users: _Users, pools: _Pools, homophily: float, rng: np.random.Generator
) -> tuple[FollowList, np.ndarray]:
    """Targets of all follows, follower-major and tidied (``tidy_block``), and the sorted
    keys of the follows to drop. Drawn in fixed blocks of followers (their number depends
    only on the follows wanted), each with its own child stream, on up to ``BLOCKS``
    threads (numpy releases the GIL in these array operations), each block written into
    its slice of one array. The blocks and streams do not depend on the number of threads,
    so the graph is the same anywhere."""
    n = want.size
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(want, out=ptr[1:])
    col = np.empty(int(ptr[-1]), dtype=np.int32)
    n_blocks = max(BLOCKS, -(-col.size // BLOCK_FOLLOWS))
    bounds = np.linspace(0, n, n_blocks + 1).astype(np.int64)
    streams = rng.spawn(n_blocks)

    def block(b: int) -> np.ndarray:
        lo, hi = bounds[b], bounds[b + 1]
        src = followers_of(lo, want[lo:hi])
        tgt = _draw(src, users, pools, homophily, streams[b])
        col[ptr[lo] : ptr[hi]] = tgt
        return tidy_block(col[ptr[lo] : ptr[hi]], src, int(lo), n)

    workers = min(BLOCKS, os.cpu_count() or 1)
    if workers == 1:
        dropped = [block(b) for b in range(n_blocks)]
    else:
        with ThreadPoolExecutor(workers) as ex:
            dropped = list(ex.map(block, range(n_blocks)))
    return FollowList(col, ptr), np.sort(np.concatenate(dropped))


def _draw(src: np.ndarray, users: _Users, pools: _Pools, homophily: float, rng) -> np.ndarray:
    """A target per follow of follower ``src`` (-1: no pool). Per-user values are read
    through ``src`` (sorted in the first draw, so the reads are sequential)."""
    comm = users.community[src]
    if homophily < 1.0:
        u = rng.random(src.size, dtype=np.float32)
        out = np.flatnonzero(u >= homophily)
        key = comm[out] * users.n_mask + users.lang_row[src[out]]
        x = key + (u[out] - homophily) / (1.0 - homophily)
        pick = np.searchsorted(users.cross, x, side="right") - key * users.n_comm
        comm[out] = np.clip(pick, 0, users.n_comm - 1)
    row = users.combo_row[src]
    k = users.combo_count[row]
    r = (rng.random(src.size, dtype=np.float32) * k).astype(np.int32)
    np.minimum(r, np.maximum(k - 1, 0), out=r)
    row *= users.width
    r += row
    comm *= users.n_lp
    comm += users.combo_lp[r]
    return _sample(pools, pools.resolved[comm], rng)


def _sample(pools: _Pools, g: np.ndarray, rng) -> np.ndarray:
    """A fitness-weighted member of pool g per entry (-1 where g is -1)."""
    x = rng.random(g.size)
    x *= pools.span[g]
    x += pools.lo[g]
    bucket = (x * (1.0 / pools.width)).astype(np.int64)
    slot = pools.guide[np.minimum(bucket, pools.guide.size - 1, out=bucket)]  # int32
    todo = np.flatnonzero(pools.cum[slot] <= x)
    while todo.size:  # about one slot per bucket on average
        slot[todo] += 1
        todo = todo[pools.cum[slot[todo]] <= x[todo]]
    np.minimum(slot, pools.end[g] - 1, out=slot)
    tgt = pools.members[slot]
    tgt[g < 0] = -1
    return tgt
