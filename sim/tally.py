"""Running counts per community, kept up to date on every state or opinion change.

Counting incrementally makes metrics O(changes) per tick instead of O(users), which is
what keeps a tick at 10^6 users cheap.
"""

from __future__ import annotations

import numpy as np

from sim.crowd import N_STATES, Crowd


class Tally:
    def __init__(self, crowd: Crowd, n_comm: int, threshold: float) -> None:
        self.n_comm, self.thr = n_comm, threshold
        k = crowd.state.shape[0]
        c = crowd.community
        self.users = np.bincount(c, minlength=n_comm).astype(np.int64)
        self.states = np.zeros((k, N_STATES, n_comm), dtype=np.int64)
        for i in range(k):
            self.states[i] = self._bin2(crowd.state[i], c)
        self.exposed = np.zeros((k, n_comm), dtype=np.int64)
        for i in range(k):
            self.exposed[i] = np.bincount(c[crowd.exposed[i]], minlength=n_comm)
        x = crowd.opinion.astype(np.float64)
        self.op_sum = np.bincount(c, weights=x, minlength=n_comm)
        self.op_sq = np.bincount(c, weights=x * x, minlength=n_comm)
        self.support = np.stack(
            [
                np.bincount(c[x > threshold], minlength=n_comm),
                np.bincount(c[x < -threshold], minlength=n_comm),
            ]
        ).astype(np.int64)

    def _bin2(self, state_row: np.ndarray, comm: np.ndarray) -> np.ndarray:
        idx = state_row.astype(np.int64) * self.n_comm + comm
        return np.bincount(idx, minlength=N_STATES * self.n_comm).reshape(N_STATES, self.n_comm)

    def move(self, k: np.ndarray, old: np.ndarray, new: np.ndarray, comm: np.ndarray) -> None:
        """Users (k, comm) moved from state ``old`` to ``new``."""
        if len(k) == 0:
            return
        flat = self.states.reshape(-1)  # a view (``.flat[:] -=`` is several times slower)
        base = k.astype(np.int64) * N_STATES
        flat -= np.bincount((base + old) * self.n_comm + comm, minlength=flat.size)
        flat += np.bincount((base + new) * self.n_comm + comm, minlength=flat.size)

    def expose(self, k: np.ndarray, comm: np.ndarray) -> None:
        if len(k) == 0:
            return
        idx = k.astype(np.int64) * self.n_comm + comm
        flat = self.exposed.reshape(-1)
        flat += np.bincount(idx, minlength=flat.size)

    def opinions(self, comm: np.ndarray, old: np.ndarray, new: np.ndarray) -> None:
        """Opinions of users in ``comm`` changed from ``old`` to ``new`` (unique users)."""
        c, m = comm, self.n_comm
        o, w = old.astype(np.float64), new.astype(np.float64)
        self.op_sum += np.bincount(c, weights=w - o, minlength=m)
        self.op_sq += np.bincount(c, weights=w * w - o * o, minlength=m)
        for side, sgn in ((0, 1.0), (1, -1.0)):
            was, now = sgn * o > self.thr, sgn * w > self.thr
            self.support[side] += np.bincount(
                c, weights=now.astype(np.int64) - was, minlength=m
            ).astype(np.int64)

    def opinion_mean_sd(self) -> tuple[np.ndarray, np.ndarray]:
        n = np.maximum(self.users, 1)
        mean = self.op_sum / n
        var = np.maximum(self.op_sq / n - mean * mean, 0.0)
        return mean, np.sqrt(var)
