"""Command-line overrides that Hydra would accept but not apply as written.

An empty mapping (``world.narratives={}``) is merged into the defaults, which leaves them
unchanged: the run would be recorded with the override yet run the full default world. So
such an override is refused with the ways that do work.
"""

from __future__ import annotations

from sim.errors import ConfigError


def check_empty_mappings(overrides: list[str]) -> None:
    """Raise ConfigError for ``key={}``, which merges nothing and so changes nothing."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    for ov in OverridesParser.create().parse_overrides(overrides):
        key = ov.get_key_element().lstrip("+~")
        if key.startswith("hydra") or ov.is_sweep_override() or ov.is_delete():
            continue
        if isinstance(ov.value(), dict) and not ov.value():
            raise ConfigError(
                key,
                "'{}' would be merged into the defaults and change nothing; remove entries "
                f"one by one with ~{key}.<name>, or select a config file that defines them",
            )
