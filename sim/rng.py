"""Named, independent random streams derived from one root seed.

Each component asks for a stream by a stable name ("graph", "spread", "actor/embassy/intl_us",
"strategy/home/rapid_response"). The name is turned into a spawn key with SHA-256 (never
Python's ``hash``, which changes with PYTHONHASHSEED), so a stream depends only on the root
seed and its own name: adding or enabling a component never shifts another's draws
(common random numbers), and results do not depend on worker count or job order.
"""

from __future__ import annotations

import hashlib

import numpy as np


def name_key(name: str) -> tuple[int, ...]:
    """A stable tuple of 32-bit words identifying ``name``."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


def stream(seed: int, name: str) -> np.random.Generator:
    """The Generator for component ``name`` under root ``seed``."""
    ss = np.random.SeedSequence(entropy=int(seed), spawn_key=name_key(name))
    return np.random.Generator(np.random.PCG64(ss))


class Streams:
    """Hands out one Generator per name and remembers it, so repeated asks share a stream."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._cache: dict[str, np.random.Generator] = {}

    def get(self, name: str) -> np.random.Generator:
        if name not in self._cache:
            self._cache[name] = stream(self.seed, name)
        return self._cache[name]

    def put(self, name: str, rng: np.random.Generator) -> None:
        """Hand out ``rng`` for ``name`` from now on (a reused build's streams in the state
        that build left them: sim.population.reusing_worlds)."""
        self._cache[name] = rng

    def names(self) -> list[str]:
        return sorted(self._cache)
