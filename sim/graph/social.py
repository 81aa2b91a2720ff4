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
edges; Python loops run only over (language, platform) pools, redraw rounds and blocks of
about 2^18 follows or 2^20 users. Memory: the follows stay in one int32 array until one
transpose makes the CSR (``sim.graph.follows``), and the pools (``sim.graph.pools``) are
freed before it, so the peak is about 10 bytes per follow or the pools beside 4 bytes per
follow, whichever is larger (karabakh2020 at scale 1.0, 175 M follows: 3.5 GiB in all).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

from sim.config.schema import GraphConfig
from sim.errors import ConfigError
from sim.graph.csr import keep, rows
from sim.graph.follows import FollowList, accepted, followers_of, rebuild, tidy_block, transpose
from sim.graph.pools import Pools, Users, build_pools, sample
from sim.world import World

SPEAKS_THRESHOLD = 0.2  # a community speaks a language when P(speaks) is above this
REDRAWS = 3  # rounds that draw again self-loops, duplicates and follows with no pool
BLOCKS = 4  # at least this many follower blocks, drawn in parallel (never depends on cores)
BLOCK_FOLLOWS = 1 << 18  # about this many follows per block: temporaries stay cache-sized
# and reused by malloc (big fresh arrays cost page faults that showed as ~25% of the draw)


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
    pools = build_pools(users, langs, plats, fitness, len(world.languages), len(world.platforms))
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


def _users(community, langs, plats, world: World, bias: float) -> Users:
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
    return Users(
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


def _draw_blocks(
    want: np.ndarray, users: Users, pools: Pools, homophily: float, rng: np.random.Generator
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


def _draw(src: np.ndarray, users: Users, pools: Pools, homophily: float, rng) -> np.ndarray:
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
    return sample(pools, pools.resolved[comm], rng)
