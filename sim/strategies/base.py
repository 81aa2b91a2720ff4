"""Strategy base class and the registry strategies add themselves to.

A strategy is one module in ``sim/strategies/`` holding a config dataclass and a
``Strategy`` subclass with a ``name`` and ``meta``; defining the class registers it
(``__init_subclass__``), so adding a strategy edits no list elsewhere: its Hydra config
(``sim.config.store``), demo switch, contract tests and docs row all come from the
registry. Each strategy draws only from its own named stream ``strategy/<side>/<name>``
(common random numbers), sees the model through ``ModelView`` only, and reports what it
spent in staff-hours (the one cost unit of the project).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from sim.config.params import NONNEG, check_fields, check_window, param
from sim.strategies.effects import Effect
from sim.strategies.view import ModelView

__all__ = ["COST_UNIT", "REGISTRY", "Strategy", "StrategyConfig", "StrategyMeta", "param"]
REGISTRY: dict[str, type[Strategy]] = {}
COST_UNIT = "staff-hours"


ROLES = ("home", "rival")  # the first side of a world plays home, the second rival


@dataclass(frozen=True)
class StrategyMeta:
    summary: str  # one line: what it does
    sides: tuple[str, ...] = ROLES  # side roles that may use it ("any" = all)
    changes: str = ""  # which model quantities it acts on
    hostile: bool = False  # a hostile tactic (inauthentic behaviour)
    cost_model: str = ""  # how it spends staff-hours, in words (docs/strategies.md)
    effect: Effect | None = None  # what it should move; checked by the contract test

    def allows(self, role: str) -> bool:
        """May a side playing ``role`` ("home" or "rival") use it? The one side rule."""
        return "any" in self.sides or role in self.sides


@dataclass
class StrategyConfig:
    """Base of every strategy's config. ``budget`` caps what it may spend, in staff-hours;
    0 turns the strategy into a no-op, bit-identical to not enabling it.

    Every number is checked: >= 0 unless its field is declared with ``param(default, rule)``
    (``sim.config.params``, the one declaration of core and strategy parameters alike);
    strings with ``param(..., choices=...)`` must be among the choices; ``start_day`` and
    ``end_day``, where both exist, must form a window. A subclass overrides ``check`` only
    for a rule across fields that this does not cover."""

    budget: float = 100.0  # staff-hours it may spend; 0: off, bit-identical to not choosing it

    def check(self, key: str) -> None:
        """Raises ConfigError naming ``key.<field>`` and what it allows."""
        check_fields(key, self, NONNEG)
        if hasattr(self, "start_day") and hasattr(self, "end_day"):
            check_window(key, self.start_day, self.end_day)

    def check_world(self, key: str, world: Any) -> None:
        """Checks of names against the world (languages, platforms, sides); optional."""


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

    def __init__(self, model: ModelView, side: int, cfg: Any, rng: np.random.Generator) -> None:
        self.model, self.side, self.cfg, self.rng = model, side, cfg, rng
        self.cost = 0.0  # staff-hours spent so far
        self.short = 0.0  # staff-hours of work wanted but not done (budget or daily staff)

    @property
    def enabled(self) -> bool:
        """False with a zero budget: the model then calls none of its hooks, so the run is
        bit-identical to not choosing it."""
        return self.cfg.budget > 0

    @property
    def left(self) -> float:
        """Staff-hours it may still spend now: its own budget, capped by what is left of
        its side's staff-hours today (``sim.staff``)."""
        own = max(self.cfg.budget - self.cost, 0.0)
        return min(own, self.model.staff.left(self.side))

    def spend(self, hours: float, wanted: float | None = None) -> None:
        """Book ``hours`` spent (out of ``wanted``: the rest is work not done)."""
        self.cost += hours
        self.short += max((hours if wanted is None else wanted) - hours, 0.0)
        self.model.staff.spend(self.side, hours)

    def afford(self, count: int, unit_cost: float) -> int:
        """How many of ``count`` units at ``unit_cost`` staff-hours each the budget still
        covers; records their cost (and the cost of the rest as not done)."""
        if unit_cost <= 0:
            return int(count)
        got = min(int(count), math.floor(self.left / unit_cost + 1e-9))
        self.spend(got * unit_cost, int(count) * unit_cost)
        return got

    def charge(self, hours: float) -> float:
        """Spend up to ``hours``; returns the fraction paid (1.0 when the budget covered it)."""
        if hours <= 0:
            return 1.0
        paid = min(hours, self.left)
        self.spend(paid, hours)
        return paid / hours

    def setup(self) -> None:
        """Called once after the world is built, before the first tick (if enabled)."""

    def act(self) -> None:
        """Called every tick in the strategies phase (after actors post, before feeds)."""

    def revise(self) -> None:
        """Called every tick after every strategy's ``act``: revise this tick's posts
        (``model.outbox``, ``model.user_outbox``) whatever the order strategies were listed in."""

    def report(self) -> dict[str, Any]:
        """Extra numbers for the run summary (asked of enabled strategies only)."""
        return {}


def role_of(side_index: int) -> str:
    """The role a side plays: the first side is home, the second rival."""
    return ROLES[0] if side_index == 0 else ROLES[1]


def load_all() -> dict[str, type[Strategy]]:
    """Import every module of the package (helpers too: harmless) so each strategy class
    registers itself. The package's path also holds the folders of
    ``INFOWAR_STRATEGY_PATH`` (see ``sim/strategies/__init__``)."""
    import importlib
    import pkgutil

    import sim.strategies as pkg

    for mod in sorted(m.name for m in pkgutil.iter_modules(pkg.__path__)):
        importlib.import_module(f"sim.strategies.{mod}")
    return REGISTRY
