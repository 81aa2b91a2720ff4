"""Register the dataclass schemas, and every strategy's config, in Hydra's ConfigStore.

Each group's YAML files start with ``defaults: [schema, _self_]`` so Hydra type-checks
them (and command-line overrides) against these dataclasses while composing. A strategy
needs no YAML: its ``Config`` dataclass is stored as the option ``strategy/<name>`` (packaged
under its name, like ``home.<name>``), so its defaults live in one place. A YAML file of
the same name under ``conf/strategy/`` still wins, for a contributor who wants one.
"""

from __future__ import annotations

import os
from pathlib import Path

from hydra.core.config_store import ConfigStore
from omegaconf import OmegaConf

from sim.config.schema import GROUPS

# The run directory's name carries the process id (conf/config.yaml), so two runs started in
# the same microsecond still get their own directories. Registered on import: every process
# that resolves Hydra's config (workers too) imports this module through sim.__main__.
if not OmegaConf.has_resolver("sim_pid"):
    OmegaConf.register_new_resolver("sim_pid", os.getpid)


def register(conf_dir: Path | None = None) -> None:
    """Store the group schemas and the registry's strategy configs (idempotent)."""
    from sim.strategies import load_all

    cs = ConfigStore.instance()
    for group, node in GROUPS.items():
        cs.store(group=group, name="schema", node=node)
    own = conf_dir / "strategy" if conf_dir is not None else None
    for name, cls in load_all().items():
        if own is None or not (own / f"{name}.yaml").is_file():
            cs.store(group="strategy", name=name, node={name: cls.Config})
