"""Counter-strategies and hostile tactics, one module each (see ``base.py``)."""

from sim.strategies.base import COST_UNIT, REGISTRY, Strategy, StrategyMeta, load_all

__all__ = ["COST_UNIT", "REGISTRY", "Strategy", "StrategyMeta", "load_all"]
