"""Trust of each community in each side's sources, per source kind: state that now moves.

``cur[c, s, kind]`` starts at the configured trust of community c in that source kind
(the same for every side) and is the factor the kernel's belief probability uses for a
post of side s. A reader who accepts a correction of side s's false claim, or reads a gaffe
of side s, loses a fraction of its trust in s; trust is kept per community, as the mean of
its members, so m such readers among N members multiply it by (1 - loss) ** (m / N)
(equal to applying each reader's loss one at a time). Between such events it drifts back
toward its start value with a half-life (reliable reporting slowly rebuilds it).
"""

from __future__ import annotations

import numpy as np

from sim.world import World


class Trust:
    def __init__(self, world: World, users: np.ndarray) -> None:
        n_sides = len(world.sides)
        self.base = np.repeat(world.trust[:, None, :].astype(np.float64), n_sides, axis=1)
        self.cur = self.base.copy()
        self.users = np.maximum(users.astype(np.float64), 1.0)  # members per community

    def lose(self, comm: np.ndarray, side: np.ndarray, loss: float) -> None:
        """Each (community, side) pair given once per affected reader loses ``loss``."""
        if len(comm) == 0 or loss <= 0:
            return
        n_c, n_s = self.cur.shape[:2]
        m = np.bincount(
            comm.astype(np.int64) * n_s + side.astype(np.int64), minlength=n_c * n_s
        ).reshape(n_c, n_s)
        self.lose_counts(m, loss)

    def lose_counts(self, m: np.ndarray, loss: float) -> None:
        """``lose`` given the readers per (community, side), ``m`` (the compiled kernel
        counts them; this power stays numpy's so both kernels round alike)."""
        if loss <= 0 or not m.any():
            return
        factor = (1.0 - loss) ** (m / self.users[:, None])
        self.cur *= factor[:, :, None]

    def recover(self, hazard: float) -> None:
        """One tick of drift back toward the start value."""
        if hazard > 0:
            self.cur += (self.base - self.cur) * hazard

    def mean(self, side: int) -> float:
        """Users' mean trust in a side's sources, averaged over source kinds."""
        w = self.users / self.users.sum()
        return float((self.cur[:, side, :].mean(axis=1) * w).sum())

    def base_mean(self, side: int) -> float:
        w = self.users / self.users.sum()
        return float((self.base[:, side, :].mean(axis=1) * w).sum())
