"""The benchmark's reference rules (issue 6), vectorized: a two-narrative contagion.

Rules (the per-agent twin in ``mesa_rules`` follows them line by line):
- Barabasi-Albert graph, m = 4, every follow both ways (a symmetric CSR);
- narratives A and B are each seeded at ``seed_fraction`` of the users (disjoint sets);
- each tick every sharer of k exposes all its followers to k;
- an unaware user exposed to k by s sharers believes k with probability 1 - (1 - beta_k)^s;
  exposed to both in one tick, only the narrative with more exposures is considered (ties
  go to A): that one is adopted with its own probability, the other is ignored this tick;
- a sharer stops sharing with probability ``stop`` per tick (it still exposes its
  followers in the tick it stops: the update is synchronous, two-phase);
- a user who has believed one narrative never takes up the other.

Cost per tick is proportional to min(follows of current sharers, follows of unaware users),
not to all follows: see ``SimpleRules``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse import _sparsetools  # the compiled CSR kernels behind scipy.sparse

UNAWARE, SHARE_A, SHARE_B, STOP_A, STOP_B = 0, 1, 2, 3, 4
PUSH_COST = 4  # a pushed follow costs about 4 pulled ones (scattered writes, a distinct pass)


@dataclass(frozen=True)
class RefParams:
    n: int
    m: int = 4
    beta_a: float = 0.05
    beta_b: float = 0.08
    stop: float = 0.1
    seed_fraction: float = 0.001


def ba_graph(n: int, m: int, rng: np.random.Generator) -> sp.csr_array:
    """Symmetric Barabasi-Albert follower CSR (int32 indices), from ``sim.graph.simple``."""
    from sim.graph.simple import barabasi_albert

    return barabasi_albert(n, m, rng)


def seed_users(n: int, fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint initial sharers of A and of B, ``max(1, round(fraction * n))`` each."""
    k = max(1, int(round(fraction * n)))
    pick = rng.choice(n, size=min(2 * k, n), replace=False).astype(np.int32)
    return np.sort(pick[:k]), np.sort(pick[k:])


def adopt_prob(beta: float, max_count: int) -> np.ndarray:
    """Table of 1 - (1 - beta)^s for s = 0..max_count (float32)."""
    return (1.0 - (1.0 - beta) ** np.arange(max_count + 1)).astype(np.float32)


def adopt_table(params: RefParams, max_deg: int) -> np.ndarray:
    """Adoption tables of A then B in one array: index a for A, b + max_deg + 1 for B."""
    return np.concatenate([adopt_prob(params.beta_a, max_deg), adopt_prob(params.beta_b, max_deg)])


def count_packing(max_deg: int) -> tuple[type, int, np.ndarray]:
    """(dtype, shift, unit codes of a sharer of A and of B) of the packed exposure counts:
    A in the low bits, B from bit ``shift`` up; int32 while no user has 2^15 follows."""
    dt = np.int32 if max_deg < 2**15 else np.int64
    shift = 16 if dt == np.int32 else 32
    return dt, shift, np.array([1, 1 << shift], dtype=dt)


class SimpleRules:
    """State: one uint8 per user, the current sharers (with each one's narrative), counts.

    Exposure counts of both narratives travel packed in one integer per user (``code``:
    1 for a sharer of A, ``2**shift`` for a sharer of B), so one sparse product counts both.
    Each tick takes the cheaper direction: *push* (scatter the sharers' rows) when the
    sharers have fewer follows than the unaware users, else *pull* (sum the codes over
    the unaware users' rows, kept as a sub-CSR compacted now and then). Both give the same
    counts for the same users in the same (ascending) order, hence the same draws."""

    def __init__(
        self,
        followers: sp.csr_array,
        params: RefParams,
        seeds: tuple[np.ndarray, np.ndarray],
        rng: np.random.Generator,
    ) -> None:
        n = followers.shape[0]
        self.p, self.rng, self.n = params, rng, n
        self.deg = np.diff(followers.indptr).astype(np.int64)
        max_deg = int(self.deg.max()) if n else 0
        dt, self.shift, self.unit = count_packing(max_deg)  # unit: code of a sharer of A, of B
        self.g = sp.csr_array(
            (np.ones(followers.nnz, dtype=dt), followers.indices, followers.indptr),
            shape=followers.shape,
        )
        self.indptr, self.indices, self.ones = self.g.indptr, self.g.indices, self.g.data
        self.code = np.zeros(n, dtype=dt)
        self.buf = np.zeros(n, dtype=dt)  # push target, all zero between ticks
        self.state = np.zeros(n, dtype=np.uint8)
        self.believers = np.zeros(2, dtype=np.int64)
        self.lut = adopt_table(params, max_deg)  # one gather: index a, or b + off for B
        self.off = dt(max_deg + 1)
        self.mask = dt((1 << self.shift) - 1)
        self.e_unaware = int(self.deg.sum())
        self.pull_rows: np.ndarray | None = None  # unaware users at the last compaction
        self.pull_g: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # their sub-CSR
        self.stale = 0  # follows in pull_g of users converted since the compaction
        self.sharers = np.zeros(0, dtype=np.int32)  # current sharers (state tells which)
        self.e_share = 0  # follows of the current sharers
        seed = np.concatenate([seeds[0], seeds[1]]).astype(np.int32)
        self._convert(seed, np.repeat(np.array([0, 1], np.uint8), [len(seeds[0]), len(seeds[1])]))
        self.ticks = 0

    def _convert(self, users: np.ndarray, k: np.ndarray) -> None:
        """Unaware ``users`` start sharing narrative ``k`` (0 = A, 1 = B)."""
        if not len(users):
            return
        self.state[users] = SHARE_A + k
        self.code[users] = self.unit[k]
        b = int(np.count_nonzero(k))
        self.believers += (len(k) - b, b)
        d = int(self.deg[users].sum())
        self.e_unaware -= d
        self.e_share += d
        self.stale += d
        self.sharers = np.concatenate([self.sharers, users])

    def _push(self) -> tuple[np.ndarray, np.ndarray]:
        """Scatter the sharers' codes onto their followers; unaware ones with a count.

        Calls scipy's compiled CSR kernels directly (row gather, then a transposed
        product into a persistent zeroed buffer, cleared again where touched): building
        scipy objects and clearing an n-vector each tick costs more than the work at
        10^5 users."""
        src = self.sharers
        ptr, tgt, ones = self._rows(src)
        y = self.buf
        _sparsetools.csc_matvec(self.n, len(src), ptr, tgt, ones, self.code[src], y)
        if len(tgt) * 8 < self.n:  # few targets: their distinct values beat a scan of y
            u = np.sort(tgt)  # (np.unique's hash path is ~30x slower here)
            u = u[np.concatenate(([True], u[1:] != u[:-1]))] if len(u) else u
        else:
            u = np.flatnonzero(y).astype(np.int32)
        val = y[u]
        y[u] = 0  # u is exactly the set of targets (every code is positive)
        ok = self.state[u] == UNAWARE
        return u[ok], val[ok]

    def _rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(indptr, indices, ones) of the sub-CSR of ``rows``, by scipy's compiled row
        gather (no scipy object: building and checking one costs more at 10^5 users)."""
        ptr = np.zeros(len(rows) + 1, dtype=self.indptr.dtype)
        np.cumsum(self.deg[rows], out=ptr[1:])
        idx = np.empty(int(ptr[-1]), dtype=self.indices.dtype)
        ones = np.empty(len(idx), dtype=self.code.dtype)
        _sparsetools.csr_row_index(len(rows), rows, self.indptr, self.indices, self.ones, idx, ones)
        return ptr, idx, ones

    def _pull(self) -> tuple[np.ndarray, np.ndarray]:
        """Sum the codes over the unaware users' follows (stale rows filtered after)."""
        if self.pull_g is None or self.stale > self.e_unaware // 2:
            rows = np.flatnonzero(self.state == UNAWARE).astype(np.int32)
            self.pull_rows, self.pull_g, self.stale = rows, self._rows(rows), 0
        ptr, idx, ones = self.pull_g
        assert self.pull_rows is not None  # set together with pull_g
        y = np.zeros(len(self.pull_rows), dtype=self.code.dtype)
        _sparsetools.csr_matvec(len(y), self.n, ptr, idx, ones, self.code, y)
        hit = np.flatnonzero(y)
        u = self.pull_rows[hit]
        ok = self.state[u] == UNAWARE
        return u[ok], y[hit[ok]]

    def step(self) -> None:
        """One synchronous tick: expose (from sharers at the start), adopt, stop.

        Few numpy calls per tick (one draw for adoption and stopping, one table gather):
        at 10^5 users most ticks are small and the fixed cost of a call dominates."""
        u, y = self._push() if PUSH_COST * self.e_share <= self.e_unaware else self._pull()
        a, b = y & self.mask, y >> self.shift
        pick_b = b > a  # ties go to A; a user with no A exposure has b > 0 here
        r = self.rng.random(len(u) + len(self.sharers), dtype=np.float32)
        hit = r[: len(u)] < self.lut[np.where(pick_b, b + self.off, a)]
        stop = np.flatnonzero(r[len(u) :] < self.p.stop)
        if len(stop):
            gone = self.sharers[stop]
            self.state[gone] += STOP_A - SHARE_A  # SHARE_A/B -> STOP_A/B
            self.code[gone] = 0
            self.e_share -= int(self.deg[gone].sum())
            self.sharers = np.delete(self.sharers, stop)
        self._convert(u[hit], pick_b[hit].view(np.uint8))
        self.ticks += 1

    def active(self) -> bool:
        return len(self.sharers) > 0

    def final_sizes(self) -> tuple[float, float]:
        """Fractions of users who ever believed A and B."""
        return float(self.believers[0] / self.n), float(self.believers[1] / self.n)


def run_simple(
    followers: sp.csr_array,
    params: RefParams,
    seeds,
    rng: np.random.Generator,
    max_ticks: int = 10_000,
    kernel: type | None = None,
) -> SimpleRules:
    """Run to extinction (no sharers left) or ``max_ticks``; ``kernel``: another class with
    the same interface (``simple_jit.CompiledRules``)."""
    model = (kernel or SimpleRules)(followers, params, seeds, rng)
    while model.active() and model.ticks < max_ticks:
        model.step()
    return model
