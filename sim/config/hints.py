"""Better one-line errors for the overrides a newcomer gets wrong first.

Hydra and OmegaConf report what went wrong in their own terms (a struct key, the defaults
list); these helpers say what the user should type instead: select a strategy before
setting its parameters, choose strategies per side, give a scaled scenario's size with
``world.scale``, run an experiment with ``-m``.
"""

from __future__ import annotations

import re
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser

from sim.config.keys import allowed_fields
from sim.errors import ConfigError, unknown

SIDE_GROUPS = ("home", "rival")  # the packages of conf/config.yaml's strategy@home / @rival


def _registry() -> dict[str, Any]:
    from sim.strategies import load_all

    return load_all()


def strategy_siblings(parts: list[str]) -> list[str] | None:
    """Allowed names beside ``parts[-1]`` under a side's key (home.<strategy>.<field>...),
    or None when ``parts`` does not start with a side."""
    if not parts or parts[0] not in SIDE_GROUPS:
        return None
    reg = _registry()
    if len(parts) <= 2:
        return sorted(reg)
    cls = reg.get(parts[1])
    return allowed_fields(cls.Config, parts[2:-1]) if cls is not None else sorted(reg)


def override_keys(overrides: list[str]) -> list[str]:
    """The keys the user wrote (leading +/~ removed), in order."""
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except Exception:  # the grammar error is reported by the caller
        return []
    return [ov.get_key_element().lstrip("+~") for ov in parsed]


def side_key_error(err: ConfigError, overrides: list[str]) -> ConfigError:
    """An unknown 'home'/'home.<strategy>' key: say the strategy must be selected first."""
    from sim.config.validate import NOT_PARAMETERS

    parts = err.key.split(".")
    if parts[0] not in SIDE_GROUPS or len(parts) > 2 or NOT_PARAMETERS in err.message:
        return err
    side = parts[0]
    for key in override_keys(overrides):
        kp = key.split(".")
        if kp[0] != side or len(kp) < 2 or (len(parts) == 2 and kp[1] != parts[1]):
            continue
        name, reg = kp[1], _registry()
        if name not in reg:
            return unknown(f"{side}.{name}", name, sorted(reg), "strategy")
        return ConfigError(
            key,
            f"strategy '{name}' is not selected for {side}; select it first: "
            f"strategy@{side}=[{name}] {key}=... (keep any strategies the scenario "
            f"already selects in the list)",
        )
    if len(parts) == 1:
        return ConfigError(
            side,
            f"strategies for {side} are selected with strategy@{side}=[name]; then set "
            f"their parameters as {side}.<name>.<parameter>=...",
        )
    return err


def horizon_error(err: ConfigError, overrides: list[str]) -> ConfigError:
    """A narrative's start_day beyond a horizon the user shortened: name the horizon."""
    m = re.fullmatch(r"world\.narratives\.(\w+)\.start_day", err.key)
    keys = override_keys(overrides)
    if not m or "out of range" not in err.message or "world.horizon_days" not in keys:
        return err
    if err.key in keys:
        return err
    start = err.message.split()[0]
    return ConfigError(
        "world.horizon_days",
        f"the horizon now ends before narrative '{m.group(1)}' starts (day {start}); "
        f"allowed: world.horizon_days >= {start}, or also set {err.key} earlier",
    )


def group_override_error(text: str) -> ConfigError | None:
    """Hydra's "Could not override 'strategy'": strategies are chosen per side."""
    if "Could not override 'strategy'" in text:
        return ConfigError(
            "strategy",
            "strategies are chosen per side: strategy@home=[name] or "
            "strategy@rival=[name] (several: strategy@home=[a,b])",
        )
    return None


def check_scaled_size(overrides: list[str], scale: float, total_real: float) -> None:
    """Refuse graph.n when world.scale > 0: the scale sets the number of users."""
    if scale <= 0 or "graph.n" not in override_keys(overrides):
        return
    wanted = next(o.split("=", 1)[1] for o in overrides if o.lstrip("+~").startswith("graph.n="))
    try:
        suggest = f"world.scale={float(wanted) / total_real:.3g}"
    except ValueError:
        suggest = "world.scale=<users per real user>"
    raise ConfigError(
        "graph.n",
        f"ignored while world.scale={scale:g} sets the size from the scenario's real "
        f"audiences ({total_real:,.0f} people); use {suggest} instead, or world.scale=0 "
        "to give graph.n and the shares yourself",
    )


def check_experiment_mode(argv: list[str]) -> None:
    """Refuse +experiment=... without -m: an experiment is a sweep, one run would be silent."""
    if {"-m", "--multirun"}.intersection(argv):
        return
    overrides = [a for a in argv if not a.startswith("-")]
    for key, raw in zip(override_keys(overrides), overrides):
        if key == "experiment":
            raise ConfigError(
                "experiment",
                f"an experiment is a sweep and needs -m; run: ./run.sh -m {raw}",
            )
