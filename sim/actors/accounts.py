"""Actors' accounts and their follower lists.

Accounts are kept apart from the user graph because their audiences change during a run
(bots infiltrate follower networks, moderation removes bots). Their follower lists are
packed into one CSR (rows = accounts) that is rebuilt only after a change.
"""

from __future__ import annotations

import numpy as np


class Accounts:
    def __init__(self) -> None:
        self.owner: list[int] = []  # actor index per account
        self.names: list[str] = []
        self._followers: list[np.ndarray] = []
        self._plats: list[int] = []
        self._kind: list[int] = []
        self._csr: tuple[np.ndarray, np.ndarray] | None = None
        self.active = np.zeros(0, dtype=bool)
        self.kind = np.zeros(0, dtype=np.int8)  # source kind readers see (deception edits it)
        self.plats = np.zeros(0, dtype=np.uint8)

    def __len__(self) -> int:
        return len(self.owner)

    def add(self, owner: int, name: str, followers: np.ndarray, plats: int, kind: int) -> int:
        self.owner.append(owner)
        self.names.append(name)
        self._followers.append(np.unique(followers.astype(np.int32)))
        self._plats.append(plats)
        self._kind.append(kind)
        self._csr = None
        return len(self.owner) - 1

    def freeze(self) -> None:
        """Materialise per-account arrays once all accounts exist."""
        self.active = np.ones(len(self), dtype=bool)
        self.kind = np.array(self._kind, dtype=np.int8)
        self.plats = np.array(self._plats, dtype=np.uint8)

    def followers(self, a: int) -> np.ndarray:
        return self._followers[a]

    def add_followers(self, a: int, users: np.ndarray) -> int:
        """Give account ``a`` new followers; returns how many were new."""
        old = self._followers[a]
        merged = np.union1d(old, users.astype(np.int32))
        self._followers[a] = merged
        self._csr = None
        return len(merged) - len(old)

    def csr(self) -> tuple[np.ndarray, np.ndarray]:
        """(indptr, indices) of the account -> followers lists."""
        if self._csr is None:
            lens = np.array([len(f) for f in self._followers], dtype=np.int64)
            indptr = np.zeros(len(lens) + 1, dtype=np.int64)
            np.cumsum(lens, out=indptr[1:])
            indices = (
                np.concatenate(self._followers) if self._followers else np.zeros(0, dtype=np.int32)
            ).astype(np.int32)
            self._csr = (indptr, indices)
        return self._csr

    def n_followers(self) -> np.ndarray:
        return np.array([len(f) for f in self._followers], dtype=np.int64)
