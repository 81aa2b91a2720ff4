"""Candidate pools of the social graph's targets, and the fitness-weighted draw from them.

A follow's target is drawn from a pool: the users of one community speaking one language
(or any, as a fallback) on one platform, each with probability proportional to its
popularity fitness (``sim.graph.social`` says why). The pools are laid out by a counting sort
of the users' memberships, chunk by chunk of users, so that only the pools themselves are
the size of all memberships (int32 members, float64 running fitness and an int32 guide
table: about 16 bytes per membership).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GUIDE_BUCKETS = 2  # guide-table buckets per pool slot
CHUNK_USERS = 1 << 20  # users (or slots) per chunk of the pool layout


@dataclass(frozen=True)
class Pools:
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
class Users:
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


def build_pools(users: Users, langs, plats, fitness, n_lang: int, n_plat: int) -> Pools:
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
    return Pools(members, cum, start + size, lo, span, resolved, guide, width)


def _specific_counts(users: Users, n_specific: int, n_pools: int) -> np.ndarray:
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


def _specific(users: Users, n_specific: int, u0: int, u1: int) -> tuple[np.ndarray, np.ndarray]:
    """Users u0..u1's memberships of the pools of a language they speak: (user, pool key),
    user-major (users who speak no listed language join "any" pools in _chunk_memberships)."""
    user, lp = _memberships(users, u0, min(u1, users.community.size))
    specific = lp < n_specific  # l * P + p with l < L
    user = user[specific]
    return user, lp[specific] * users.n_comm + users.community[user]


def _chunk_memberships(users: Users, plats, need, u0: int, u1: int):
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


def _memberships(users: Users, u0: int, u1: int) -> tuple[np.ndarray, np.ndarray]:
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


def sample(pools: Pools, g: np.ndarray, rng) -> np.ndarray:
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
