"""Strategy base class and the registry strategies add themselves to.

A strategy is one module in ``sim/strategies/`` holding a config dataclass and a
``Strategy`` subclass with a ``name`` and ``meta``; defining the class registers it
(``__init_subclass__``), so adding a strategy edits no list elsewhere. Each strategy draws
only from its own named stream ``strategy/<side>/<name>`` (common random numbers), and
reports what it spent in staff-hours (the one cost unit of the project).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from sim.model import InfoWarModel

REGISTRY: dict[str, type["Strategy"]] = {}
COST_UNIT = "staff-hours"


@dataclass(frozen=True)
class StrategyMeta:
    summary: str  # one line: what it does
    sides: tuple[str, ...] = ("home", "rival")  # side roles that may use it ("any" = all)
    changes: str = ""  # which model quantities it acts on
    hostile: bool = False  # a hostile tactic (inauthentic behaviour)


class Strategy:
    name: ClassVar[str] = ""
    Config: ClassVar[type] = object
    meta: ClassVar[StrategyMeta]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name:
            if cls.name in REGISTRY and REGISTRY[cls.name] is not cls:
                raise RuntimeError(f"strategy name '{cls.name}' registered twice")
            REGISTRY[cls.name] = cls

    def __init__(self, model: "InfoWarModel", side: int, cfg: Any, rng: np.random.Generator) -> None:
        self.model, self.side, self.cfg, self.rng = model, side, cfg, rng
        self.cost = 0.0  # staff-hours spent so far

    def setup(self) -> None:
        """Called once after the world is built, before the first tick."""

    def act(self) -> None:
        """Called every tick in the strategies phase (after actors post, before feeds)."""

    def report(self) -> dict[str, Any]:
        """Extra numbers for the run summary."""
        return {}


def load_all() -> dict[str, type[Strategy]]:
    """Import every strategy module so each class registers itself."""
    import importlib
    import pkgutil

    import sim.strategies as pkg

    for mod in sorted(m.name for m in pkgutil.iter_modules(pkg.__path__)):
        if mod != "base":
            importlib.import_module(f"sim.strategies.{mod}")
    return REGISTRY
