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

Cost per tick is proportional to the follows of current sharers (push), not to the users:
sharers are kept as index lists, so nothing scans the whole population.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

UNAWARE, SHARE_A, SHARE_B, STOP_A, STOP_B = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class RefParams:
    n: int
    m: int = 4
    beta_a: float = 0.05
    beta_b: float = 0.08
    stop: float = 0.1
    seed_fraction: float = 0.001


def ba_graph(n: int, m: int, rng: np.random.Generator) -> sp.csr_array:
    """Symmetric BA follower CSR (int32 indices): the project's generator when present,
    else networkx's (slow, ~17 s at 10^6) converted to CSR."""
    try:
        from sim.graph.simple import barabasi_albert
    except ImportError:
        import networkx as nx

        g = nx.barabasi_albert_graph(n, m, seed=int(rng.integers(2**31)))
        a = nx.to_scipy_sparse_array(g, nodelist=range(n), dtype=bool, format="csr")
        a.indices = a.indices.astype(np.int32)
        a.indptr = a.indptr.astype(np.int32)
        return a
    return barabasi_albert(n, m, rng)


def seed_users(n: int, fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint initial sharers of A and of B, ``max(1, round(fraction * n))`` each."""
    k = max(1, int(round(fraction * n)))
    pick = rng.choice(n, size=min(2 * k, n), replace=False).astype(np.int32)
    return np.sort(pick[:k]), np.sort(pick[k:])


def adopt_prob(beta: float, max_count: int) -> np.ndarray:
    """Table of 1 - (1 - beta)^s for s = 0..max_count (float32)."""
    return (1.0 - (1.0 - beta) ** np.arange(max_count + 1)).astype(np.float32)


class SimpleRules:
    """State: one uint8 per user; sharer lists per narrative; believer counts."""

    def __init__(self, followers: sp.csr_array, params: RefParams, seeds: tuple[np.ndarray, np.ndarray],
                 rng: np.random.Generator) -> None:
        n = followers.shape[0]
        self.p, self.rng, self.n = params, rng, n
        self.indptr = followers.indptr.astype(np.int64)  # int64: offsets up to 2*m*n
        self.indices = followers.indices.astype(np.int32, copy=False)
        self.state = np.zeros(n, dtype=np.uint8)
        self.sharers = [np.asarray(seeds[0], np.int32), np.asarray(seeds[1], np.int32)]
        self.state[self.sharers[0]] = SHARE_A
        self.state[self.sharers[1]] = SHARE_B
        self.believers = np.array([len(self.sharers[0]), len(self.sharers[1])], dtype=np.int64)
        deg = int(np.diff(self.indptr).max()) if n else 0
        self.lut = np.stack([adopt_prob(params.beta_a, deg), adopt_prob(params.beta_b, deg)])
        self.ticks = 0

    def _targets(self, src: np.ndarray) -> np.ndarray:
        """Followers of every user in ``src`` (with repeats), unaware ones only."""
        if len(src) == 0:
            return np.zeros(0, dtype=np.int32)
        starts = self.indptr[src]
        lens = self.indptr[src + 1] - starts
        ends = np.cumsum(lens)
        offs = np.arange(int(ends[-1]), dtype=np.int64)
        offs += np.repeat(starts - (ends - lens), lens)
        t = self.indices[offs]
        return t[self.state[t] == UNAWARE]

    def step(self) -> None:
        """One synchronous tick: expose (from sharers at the start), adopt, stop."""
        n, rng = self.n, self.rng
        ta, tb = self._targets(self.sharers[0]), self._targets(self.sharers[1])
        ca = np.bincount(ta, minlength=n) if len(ta) else None
        cb = np.bincount(tb, minlength=n) if len(tb) else None
        touched = np.zeros(n, dtype=bool)
        touched[ta] = True
        touched[tb] = True
        u = np.flatnonzero(touched).astype(np.int32)
        a = ca[u] if ca is not None else np.zeros(len(u), np.int64)
        b = cb[u] if cb is not None else np.zeros(len(u), np.int64)
        pick_a = a >= b  # a user with no A exposure has b > 0 here
        p = np.where(pick_a, self.lut[0][a], self.lut[1][b])
        hit = rng.random(len(u), dtype=np.float32) < p
        new = [u[hit & pick_a], u[hit & ~pick_a]]
        for k in (0, 1):
            old = self.sharers[k]
            stop = rng.random(len(old), dtype=np.float32) < self.p.stop
            self.state[old[stop]] = STOP_A + k
            self.state[new[k]] = SHARE_A + k
            self.sharers[k] = np.concatenate([old[~stop], new[k]])
            self.believers[k] += len(new[k])
        self.ticks += 1

    def active(self) -> bool:
        return len(self.sharers[0]) + len(self.sharers[1]) > 0

    def final_sizes(self) -> tuple[float, float]:
        """Fractions of users who ever believed A and B."""
        return float(self.believers[0] / self.n), float(self.believers[1] / self.n)


def run_simple(followers: sp.csr_array, params: RefParams, seeds, rng: np.random.Generator,
               max_ticks: int = 10_000) -> SimpleRules:
    """Run to extinction (no sharers left) or ``max_ticks``."""
    model = SimpleRules(followers, params, seeds, rng)
    while model.active() and model.ticks < max_ticks:
        model.step()
    return model
