"""Counter-strategies and hostile tactics, one module each (see ``base.py``).

Folders named in the environment variable ``INFOWAR_STRATEGY_PATH`` (separated like
``PATH``) join this package, so a strategy module kept outside the repository is found
like the built-in ones (``sim.strategies.<module>``).
"""

import os

from sim.strategies.base import COST_UNIT, REGISTRY, Strategy, StrategyMeta, load_all

__path__ += [p for p in os.environ.get("INFOWAR_STRATEGY_PATH", "").split(os.pathsep) if p]

__all__ = ["COST_UNIT", "REGISTRY", "Strategy", "StrategyMeta", "load_all"]
