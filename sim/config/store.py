"""Register the dataclass schemas in Hydra's ConfigStore.

Each group's YAML files start with ``defaults: [schema, _self_]`` so Hydra type-checks
them (and command-line overrides) against these dataclasses while composing.
"""

from __future__ import annotations

import os

from hydra.core.config_store import ConfigStore
from omegaconf import OmegaConf

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


# The run directory's name carries the process id (conf/config.yaml), so two runs started in
# the same microsecond still get their own directories. Registered on import: every process
# that resolves Hydra's config (workers too) imports this module through sim.__main__.
if not OmegaConf.has_resolver("sim_pid"):
    OmegaConf.register_new_resolver("sim_pid", os.getpid)


def register() -> None:
    cs = ConfigStore.instance()
    for group, node in SCHEMAS.items():
        cs.store(group=group, name="schema", node=node)
