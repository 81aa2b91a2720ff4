"""Register the dataclass schemas in Hydra's ConfigStore.

Each group's YAML files start with ``defaults: [schema, _self_]`` so Hydra type-checks
them (and command-line overrides) against these dataclasses while composing.
"""

from __future__ import annotations

from hydra.core.config_store import ConfigStore

from sim.config.schema import (
    ActorsConfig,
    GraphConfig,
    OutputConfig,
    PopulationConfig,
    SpreadConfig,
    WorldConfig,
)

SCHEMAS = {
    "world": WorldConfig,
    "population": PopulationConfig,
    "graph": GraphConfig,
    "actors": ActorsConfig,
    "spread": SpreadConfig,
    "output": OutputConfig,
}


def register() -> None:
    cs = ConfigStore.instance()
    for group, node in SCHEMAS.items():
        cs.store(group=group, name="schema", node=node)
