"""Batches of posts: parallel arrays, one entry per (source, narrative, language).

Actors, strategies and resharing users all produce ``Posts``; the kernel expands each
batch to the followers of its sources. ``src`` indexes rows of the audience CSR the batch
is delivered through (user ids for reshares, account ids for actors); ``origin`` is the
global id credited with the reshares a post triggers (user id, or n + account id).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

_DTYPES = {
    "src": np.int32,
    "narr": np.int16,
    "lang": np.uint8,
    "count": np.int32,
    "quality": np.float32,
    "kind": np.int8,
    "origin": np.int32,
    "plats": np.uint8,
    "backfire": np.bool_,
}

# no elements: shareable
_EMPTY: dict[str, np.ndarray] = {name: np.zeros(0, dtype=dt) for name, dt in _DTYPES.items()}


@dataclass
class Posts:
    src: np.ndarray
    narr: np.ndarray
    lang: np.ndarray
    count: np.ndarray
    quality: np.ndarray
    kind: np.ndarray  # index into SOURCE_KINDS: whom readers think the post is from
    origin: np.ndarray
    plats: np.ndarray  # platforms the post appears on (bitmask)
    backfire: np.ndarray  # gaffes: readers move away from the post's side

    def __len__(self) -> int:
        return len(self.src)

    @classmethod
    def empty(cls) -> Posts:
        return cls(**_EMPTY)

    @classmethod
    def make(cls, **columns) -> Posts:
        """Build a batch; scalars broadcast to the length of ``src``. Every column is a
        fresh array (never a view of the caller's)."""
        n = len(np.atleast_1d(columns["src"]))
        out: dict[str, np.ndarray] = {}
        for name, dt in _DTYPES.items():
            value = columns.get(name, False if name == "backfire" else 0)
            if np.ndim(value) == 0:  # the common case, ~10x cheaper than broadcast + copy
                out[name] = np.full(n, value, dtype=dt)
            elif np.shape(value) == (n,):
                out[name] = np.array(value, dtype=dt)
            else:
                out[name] = np.broadcast_to(np.asarray(value, dtype=dt), (n,)).copy()
        return cls(**out)

    def select(self, mask: np.ndarray) -> Posts:
        return Posts(**{f.name: getattr(self, f.name)[mask] for f in fields(self)})

    @staticmethod
    def concat(batches: list[Posts]) -> Posts:
        batches = [b for b in batches if len(b)]
        if not batches:
            return Posts.empty()
        return Posts(
            **{f.name: np.concatenate([getattr(b, f.name) for b in batches]) for f in fields(Posts)}
        )
