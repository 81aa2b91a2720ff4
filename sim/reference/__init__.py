"""Per-agent reference implementations, written as plain loops for small populations.

- ``full_rules.ReferenceModel``: the infowar model with its feed, belief-update and
  reshare phases as loops over users and posts; tests compare it in distribution with
  the vectorized kernel (tests/test_reference_full.py).
- ``simple_rules`` (numpy) / ``simple_jit`` (numba, the same runs draw for draw) /
  ``mesa_rules`` (per-agent Mesa): the benchmark's two-narrative contagion (issue 6).

``ReferenceModel`` is imported lazily so that the light benchmark modules do not pull in
the whole model.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ReferenceModel"]


def __getattr__(name: str) -> Any:
    if name == "ReferenceModel":
        from sim.reference.full_rules import ReferenceModel

        return ReferenceModel
    raise AttributeError(f"module 'sim.reference' has no attribute {name!r}")
