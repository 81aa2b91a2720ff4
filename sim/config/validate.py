"""Turn a composed Hydra config into checked plain dataclasses.

``to_sim_config`` is the only door from Hydra into the model: it rejects unknown
top-level keys, converts each group through its dataclass schema (types, unknown keys),
builds every selected strategy's config from its own dataclass, then runs the range and
consistency rules and the memory estimate. Every failure is a ``ConfigError``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config import rules
from sim.config.keys import allowed_fields, check_keys, field_type, friendly_type_message
from sim.config.schema import GROUPS, SimConfig, WorldConfig
from sim.errors import ConfigError, did_you_mean, unknown

SCALARS = {"seed": int, "mode": str, "scenario": str}
NOT_PARAMETERS = "is not a set of parameters"  # a scalar where a strategy's mapping belongs


def from_omegaconf_error(e: OmegaConfBaseException, prefix: str = "") -> ConfigError:
    """One line from an OmegaConf error: the full key and what went wrong."""
    key = getattr(e, "full_key", "") or ""
    key = f"{prefix}.{key}" if prefix and key else (key or prefix)
    msg = str(getattr(e, "msg", e)).strip().splitlines()[0]
    if "not in struct" in msg or ("Key '" in msg and "not" in msg):
        leaf = key.rsplit(".", 1)[-1]
        siblings = _siblings(key)
        if not siblings and key.count(".") >= 2:  # a name-keyed mapping such as languages
            return ConfigError(
                key, f"unknown key '{leaf}'; a new entry needs a leading '+': +{key}=..."
            )
        allowed = f"; allowed: {', '.join(siblings)}" if siblings else ""
        return ConfigError(key, f"unknown key '{leaf}'{did_you_mean(leaf, siblings)}{allowed}")
    return ConfigError(key or "config", friendly_type_message(msg))


def _siblings(key: str) -> list[str]:
    from sim.config.hints import strategy_siblings

    parts = key.split(".")
    in_strategy = strategy_siblings(parts)
    if in_strategy is not None:
        return in_strategy
    schema = GROUPS.get(parts[0])
    if schema is None:
        return [*GROUPS, *SCALARS]
    return allowed_fields(schema, parts[1:-1])


def _convert(key: str, schema: type, node: Any) -> Any:
    if node is not None and not isinstance(node, (DictConfig, dict)):  # home.rapid_response=5
        raise ConfigError(
            key,
            f"{node!r} {NOT_PARAMETERS}; set them one by one: {key}.<parameter>=..."
            f" (allowed: {', '.join(allowed_fields(schema, []))})",
        )
    check_keys(key, schema, node)  # OmegaConf drops keys added with '+' silently
    try:
        if isinstance(node, DictConfig) and OmegaConf.get_type(node) is schema:
            return OmegaConf.to_object(node)  # already typed by the group's schema: no merge needed
        merged = OmegaConf.merge(OmegaConf.structured(schema), node if node is not None else {})
        return OmegaConf.to_object(merged)
    except OmegaConfBaseException as e:
        raise from_omegaconf_error(e, key) from None


def _strategies(
    cfg: DictConfig, sides: list[str], world: WorldConfig | None = None
) -> dict[str, dict[str, Any]]:
    from sim.strategies.base import load_all, role_of

    registry = load_all()
    out: dict[str, dict[str, Any]] = {}
    for side in sides:
        chosen = cfg.get(side) or {}
        if not isinstance(chosen, (DictConfig, dict)):
            raise ConfigError(side, f"must be a strategy selection like strategy@{side}=[name,...]")
        out[side] = {}
        for name in chosen:
            if name not in registry:
                raise unknown(f"strategy@{side}", str(name), sorted(registry), "strategy")
            cls = registry[name]
            role = role_of(sides.index(side))
            if not cls.meta.allows(role):
                raise ConfigError(
                    f"strategy@{side}",
                    f"'{name}' is for the {'/'.join(cls.meta.sides)} "
                    f"side only; {side} plays the {role} role",
                )
            obj = _convert(f"{side}.{name}", cls.Config, chosen[name])
            obj.check(f"{side}.{name}")  # the strategy's own ranges (ConfigError)
            if world is not None:
                obj.check_world(f"{side}.{name}", world)  # its names of languages, platforms...
            out[side][str(name)] = obj
    return out


def check_bool_overrides(overrides: list[str]) -> None:
    """Refuse ``key=3`` or ``key=yes`` for a true/false field: OmegaConf would turn them into
    True while composing, so a typo would silently flip a switch."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    for ov in OverridesParser.create().parse_overrides(overrides):
        parts = ov.get_key_element().lstrip("+~").split(".")
        if ov.is_sweep_override() or parts[0] not in GROUPS or len(parts) < 2:
            continue
        if field_type(GROUPS[parts[0]], parts[1:]) is bool and not isinstance(ov.value(), bool):
            raise ConfigError(
                ".".join(parts), f"{ov.value()!r} is not true or false; allowed: true or false"
            )


def original_path(path: str) -> str:
    """An input path as the user meant it: relative to the directory the command was started
    in, even when Hydra has changed into the run directory (hydra.job.chdir=true)."""
    if not path:
        return path
    from hydra.utils import to_absolute_path

    return to_absolute_path(str(Path(path).expanduser()))


def to_sim_config(cfg: DictConfig) -> SimConfig:
    """Validate and convert; raises ConfigError with one line on any problem."""
    world = _convert("world", WorldConfig, cfg.get("world"))
    sides = list(world.sides)
    rules.check_side_names(sides)  # before a side's name is read as its strategy selection
    allowed = [*SCALARS, *GROUPS, *sides]
    for key in cfg:
        if key not in allowed and key != "hydra":
            raise ConfigError(
                str(key),
                f"unknown key{did_you_mean(str(key), allowed)}; "
                f"allowed top-level keys: {', '.join(allowed)}",
            )
    values: dict[str, Any] = {"world": world}
    for key, schema in GROUPS.items():
        if key != "world":
            values[key] = _convert(key, schema, cfg.get(key))
    for key, typ in SCALARS.items():
        if key in cfg:
            v = cfg[key]
            if typ is int and (isinstance(v, bool) or not isinstance(v, int)):
                raise ConfigError(key, f"{v!r} is not an integer; allowed: an integer")
            if typ is str and not isinstance(v, str):
                raise ConfigError(key, f"{v!r} is not a string")
            values[key] = v
    values["strategies"] = _strategies(cfg, sides, world)
    values["graph"].path = original_path(values["graph"].path)
    sc = SimConfig(**values)
    from sim.config.scale import apply_scale

    apply_scale(sc)  # scenarios given in real users (world.scale > 0)
    rules.check_all(sc)
    from sim.memory import check_memory

    check_memory(sc)
    return sc
