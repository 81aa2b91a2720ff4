"""Read and check a robust-decision study (``conf/robust/<name>.yaml`` plus ``key=value``s).

The same discipline as a run's config: the YAML and the overrides are merged into the
``RobustConfig`` dataclasses (types, unknown keys with a "did you mean"), every declared
field is range-checked, and the names are checked against the strategy registry and the
parameter declarations. Each failure is a ``ConfigError``: one line, exit 2.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim.config.keys import check_keys, schema_at
from sim.config.params import check, check_fields, is_number, member, rng
from sim.config.paths import CONF_DIR
from sim.config.schema import GROUPS
from sim.errors import ConfigError, unknown
from sim.robust.schema import RobustConfig

STUDY_DIR = CONF_DIR / "robust"
BUDGET_MAX = 1e6


def study_names(conf_dir: Path = STUDY_DIR) -> list[str]:
    return sorted(p.stem for p in conf_dir.glob("*.yaml"))


def load(name: str, overrides: list[str], conf_dir: Path = STUDY_DIR) -> RobustConfig:
    """The checked study ``name`` with ``overrides`` (``key=value``, YAML values) applied."""
    path = conf_dir / f"{name}.yaml"
    if not path.is_file():
        raise unknown("--study", name, study_names(conf_dir), "study")
    try:
        node = OmegaConf.load(path)
        apply(node, overrides)
        check_keys("robust", RobustConfig, node)
        merged = OmegaConf.merge(OmegaConf.structured(RobustConfig), node)
        cfg = OmegaConf.to_object(merged)
    except OmegaConfBaseException as e:
        from sim.config.validate import from_omegaconf_error

        err = from_omegaconf_error(e)
        raise ConfigError(f"robust.{err.key}", err.message) from None
    assert isinstance(cfg, RobustConfig)
    check_study(cfg)
    return cfg


def apply(node: Any, overrides: list[str]) -> None:
    """Set each ``key=value`` (a YAML value); a mapping or list replaces the study's own
    rather than merging into it, so ``levers.sets={a: {}}`` means exactly that set."""
    for ov in overrides:
        if "=" not in ov:
            raise ConfigError(ov, "a study override needs key=value, e.g. scenarios=20")
        k = ov.split("=", 1)[0]
        value = OmegaConf.select(OmegaConf.from_dotlist([ov]), k)
        OmegaConf.update(node, k, value, merge=False)


def check_study(cfg: RobustConfig) -> None:
    """The ranges of every field, then the rules that tie names to the registries."""
    check_fields("robust", cfg)
    u, lv = cfg.uncertainties, cfg.levers
    for key in u.params:
        uncertainty_range(key, u.ranges.get(key))
    for key in u.ranges:
        member("robust.uncertainties.ranges", key, u.params, "listed uncertainty")
    registry = _registry()
    if not u.rival.tactics:
        raise ConfigError("robust.uncertainties.rival.tactics", "needs at least one named set")
    for set_name, tactics in u.rival.tactics.items():
        for t in tactics:
            _strategy(f"robust.uncertainties.rival.tactics.{set_name}", t, "rival", registry)
    for t in u.rival.always:
        _strategy("robust.uncertainties.rival.always", t, "rival", registry)
    for s in lv.always:
        _strategy("robust.levers.always", s, "home", registry)
        if s in lv.budgets:
            raise ConfigError("robust.levers.always", f"'{s}' is a lever (levers.budgets) too")
    _pair("robust.uncertainties.rival.intensity", u.rival.intensity, 0.0, 100.0)
    for s, budget in lv.budgets.items():
        _strategy("robust.levers.budgets", s, "home", registry)
        check(f"robust.levers.budgets.{s}", budget, rng(0, BUDGET_MAX))
    for key in lv.settings:
        setting_range(key, lv.budgets)
    if not lv.sets:
        raise ConfigError("robust.levers.sets", "needs at least one named lever set")
    for set_name, values in lv.sets.items():
        for key, value in values.items():
            check_set_value(f"robust.levers.sets.{set_name}.{key}", key, value, lv)
    member(
        "robust.search.reference_tactics",
        cfg.search.reference_tactics,
        list(u.rival.tactics),
        "rival tactic set",
    )
    member("robust.outcomes.defence", cfg.outcomes.defence, list(lv.sets), "lever set")
    for ov in cfg.launcher_overrides:
        if not ov.startswith(("hydra.launcher.", "hydra.sweeper.")) or "=" not in ov:
            raise ConfigError(
                "robust.launcher_overrides",
                f"'{ov}' is not allowed; allowed: hydra.launcher.<key>=<value> or "
                "hydra.sweeper.<key>=<value>",
            )
    eps = cfg.search.epsilons
    if len(eps) != 3 or any(e <= 0 for e in eps):
        raise ConfigError("robust.search.epsilons", f"{eps} is not allowed; allowed: 3 numbers > 0")


def _registry() -> dict[str, Any]:
    from sim.strategies import load_all

    return load_all()


def _strategy(key: str, name: str, role: str, registry: dict[str, Any]) -> Any:
    if name not in registry:
        raise unknown(key, name, sorted(registry), "strategy")
    cls = registry[name]
    if not cls.meta.allows(role):
        raise ConfigError(key, f"'{name}' is not for the {role} side")
    return cls


def _pair(key: str, pair: list[float], lo: float, hi: float) -> tuple[float, float]:
    if len(pair) != 2 or not lo <= pair[0] <= pair[1] <= hi:
        raise ConfigError(key, f"{list(pair)} is not allowed; allowed: [low, high] in [{lo}, {hi}]")
    return float(pair[0]), float(pair[1])


def declared_field(key: str) -> dataclasses.Field:
    """The declaration of a run parameter key: ``spread.beta``,
    ``world.narratives.<name>.appeal`` or ``home.<strategy>.<field>``."""
    parts = key.split(".")
    if parts[0] in ("home", "rival") and len(parts) == 3:
        cls = _registry().get(parts[1])
        schema: Any = cls.Config if cls is not None else None
    else:
        group = GROUPS.get(parts[0])
        schema = schema_at(group, parts[1:-1]) if group is not None and len(parts) > 1 else None
    fields = {f.name: f for f in dataclasses.fields(schema)} if schema is not None else {}
    if parts[-1] not in fields:
        raise ConfigError(
            key, "not a declared parameter; allowed: keys listed in docs/parameters.md"
        )
    return fields[parts[-1]]


def plausible(key: str, what: str) -> tuple[float, float]:
    lo_hi = declared_field(key).metadata.get("plausible")
    if lo_hi is None:
        raise ConfigError(
            what,
            f"'{key}' has no plausible range; allowed: parameters with one (docs/parameters.md)",
        )
    return float(lo_hi[0]), float(lo_hi[1])


def uncertainty_range(key: str, narrower: list[float] | None = None) -> tuple[float, float]:
    """The range an uncertainty is sampled over: its plausible range, or a narrower one given
    in the study (which must still be a value the parameter allows)."""
    if key.split(".")[0] not in GROUPS:
        raise ConfigError(
            "robust.uncertainties.params",
            f"'{key}' is not a world parameter; allowed: keys under {', '.join(GROUPS)}",
        )
    lo, hi = plausible(key, "robust.uncertainties.params")
    if narrower is None:
        return lo, hi
    lo, hi = _pair(f"robust.uncertainties.ranges.{key}", narrower, -1e12, 1e12)
    rule = declared_field(key).metadata.get("rule")
    if rule is not None:
        for v in (lo, hi):
            check(f"robust.uncertainties.ranges.{key}", v, rule)
    return lo, hi


def setting_range(key: str, budgets: dict[str, float]) -> tuple[float, float]:
    """A strategy setting the search may choose (``<strategy>.<field>``): its plausible range."""
    strategy, _, name = key.partition(".")
    member("robust.levers.settings", strategy, list(budgets), "strategy of levers.budgets")
    if name == "budget" or not name:
        raise ConfigError("robust.levers.settings", f"'{key}' is not a setting; budgets are levers")
    return plausible(f"home.{key}", "robust.levers.settings")


def check_set_value(key: str, lever: str, value: float, lv: Any) -> None:
    if not is_number(value):
        raise ConfigError(key, f"{value!r} is not a number; allowed: a number")
    strategy, _, name = lever.partition(".")
    member(key, strategy, list(lv.budgets), "strategy of levers.budgets")
    if name == "budget":
        check(key, value, rng(0, BUDGET_MAX))
        return
    member(key, lever, list(lv.settings), "lever (<strategy>.budget or a levers.settings entry)")
    rule = declared_field(f"home.{lever}").metadata.get("rule")
    if rule is not None:
        check(key, value, rule)
