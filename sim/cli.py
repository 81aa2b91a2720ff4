"""Command-line plumbing: check overrides before Hydra runs, print errors as one line.

Hydra reports composition errors with several lines and exit code 1; a researcher
deserves one line naming the key and exit code 2. So ``precheck`` composes the config
with the Compose API first and converts it with ``to_sim_config``; only then does
Hydra's own main take over. For a multirun it checks every value of every swept key (each
with the other keys at their first value; see ``sim.config.sweepcheck``), so a bad value fails the
command before any job starts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import HydraException, MissingConfigException
from omegaconf.errors import InterpolationResolutionError, OmegaConfBaseException

from sim.config.hints import (
    check_experiment_mode,
    check_scaled_size,
    group_override_error,
    horizon_error,
    side_key_error,
)
from sim.config.overrides import check_empty_mappings
from sim.config.paths import CONF_DIR
from sim.config.schema import SimConfig
from sim.config.validate import check_bool_overrides, from_omegaconf_error, to_sim_config
from sim.errors import ConfigError, unknown

T = TypeVar("T")


def group_options(group: str) -> list[str]:
    """The options of a config group: its YAML files and its ConfigStore entries
    (strategies have no YAML), without the schemas."""
    from hydra.core.config_store import ConfigStore

    from sim.config.store import register

    register(CONF_DIR)
    d = CONF_DIR / group
    files = {p.stem for p in d.glob("*.yaml")} if d.is_dir() else set()
    try:
        stored = {n.removesuffix(".yaml") for n in ConfigStore.instance().list(group)}
    except OSError:  # no such group in the store
        stored = set()
    return sorted((files | stored) - {"schema"})


def config_groups() -> list[str]:
    """Every config group: those with a schema, the folders of conf/, then the groups only
    the ConfigStore holds (strategies)."""
    from hydra.core.config_store import ConfigStore

    from sim.config.schema import GROUPS

    folders = sorted(p.name for p in CONF_DIR.iterdir() if p.is_dir())
    stored = sorted(n for n in ConfigStore.instance().list("") if not n.endswith(".yaml"))
    return [g for g in dict.fromkeys([*GROUPS, *folders, *stored]) if g != "hydra"]


def _loader() -> Any:
    """Hydra's config loader inside a session (sim.config.compose.session), where glob()
    sweeps resolve against its search path; None outside one."""
    gh = GlobalHydra.instance()
    return gh.config_loader() if gh.is_initialized() else None


def first_values(overrides: list[str]) -> list[str]:
    """Replace each sweep (a,b / range / choice) by its first value; drop hydra.* keys."""
    from sim.config.sweepcheck import firsts, parse

    return firsts(parse(overrides, _loader()))


def translate(e: Exception, overrides: list[str] | None = None) -> ConfigError:
    """Any composition error -> one ConfigError line (``overrides`` sharpen the hints)."""
    err = _translate(e)
    return horizon_error(side_key_error(err, overrides), overrides) if overrides else err


def _translate(e: Exception) -> ConfigError:
    if isinstance(e, ConfigError):
        return e
    if isinstance(e, MissingConfigException):
        text = str(e)
        missing, options = getattr(e, "missing_cfg_file", None), getattr(e, "options", None)
        if missing and options is not None and "/" in missing:
            group, name = missing.rsplit("/", 1)
            return unknown(group, name, [o for o in options if o != "schema"], "option")
        for group in config_groups():
            marker = f"'{group}/"
            if marker in text:
                name = text.split(marker, 1)[1].split("'", 1)[0]
                return unknown(group, name, group_options(group), "option")
        return ConfigError("config", text.strip().splitlines()[0])
    if isinstance(e, InterpolationResolutionError):  # its __context__ is an internal detail
        return interpolation_error(e)
    cause = e.__cause__ or e.__context__
    if isinstance(cause, InterpolationResolutionError):
        return interpolation_error(cause)
    if "is not a subclass of" in str(cause) and str(e).startswith("Error merging override "):
        key = str(e).split()[-1].split("=", 1)[0].lstrip("+~")
        return ConfigError(
            key,
            "a new named entry cannot be built from the command line; "
            "define it in a YAML file under conf/ and select that file",
        )
    if isinstance(cause, OmegaConfBaseException):
        return from_omegaconf_error(cause)
    if isinstance(e, OmegaConfBaseException):
        return from_omegaconf_error(e)
    hint = group_override_error(str(e))
    if hint is not None:
        return hint
    lines = [ln for ln in str(e).strip().splitlines() if ln.strip()]
    return ConfigError("override", lines[0] if lines else type(e).__name__)


def interpolation_error(e: InterpolationResolutionError) -> ConfigError:
    """``seed=${seed}``, ``x=${oc.env:NOPE}``: the key and why the ``${...}`` fails."""
    key = getattr(e, "full_key", "") or "config"
    why = str(getattr(e, "msg", "") or e).strip().splitlines()[0]
    return ConfigError(
        key, f"its ${{...}} interpolation cannot be resolved ({why}); give a plain value"
    )


def load(overrides: list[str]) -> SimConfig:
    """Compose and validate; raises ConfigError."""
    from sim.config.store import register

    register(CONF_DIR)
    GlobalHydra.instance().clear()
    try:
        check_bool_overrides(overrides)
        check_empty_mappings(overrides)
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            cfg = compose(config_name="config", overrides=overrides)
        sc = to_sim_config(cfg)
        total = sum(cm.real_size for cm in sc.population.communities.values())
        check_scaled_size(overrides, sc.world.scale, total)
        return sc
    except (HydraException, OmegaConfBaseException, ValueError, KeyError, ConfigError) as e:
        raise translate(e, overrides) from None
    finally:
        GlobalHydra.instance().clear()


def precheck(argv: list[str]) -> None:
    """Exit 2 with one line if any run's config is invalid (sim.config.sweepcheck), composing
    as Hydra will (sim.config.compose): its search path, its hydra.* overrides and, in a
    multirun, the sweep an experiment declares in hydra.sweeper.params."""
    from sim.config.compose import (
        config_sweep,
        hydra_overrides,
        load_from,
        session,
        source_from_argv,
    )
    from sim.config.sweepcheck import check_every_value, firsts, parse

    try:
        check_experiment_mode(argv)
        source = source_from_argv(argv)
        overrides, extra = source.overrides, hydra_overrides(source.overrides)
        with session(source) as hydra:
            sc, cfg = load_from(hydra, source, first_values(overrides) + extra)
            swept = config_sweep(cfg, overrides) if source.multirun else []
            parsed = parse(swept + overrides, _loader())
            if swept:  # the experiment's own sweep: its first values make the base config
                sc, cfg = load_from(hydra, source, firsts(parsed) + extra)
            check_every_value(
                parsed, sc, cfg, _loader(), lambda ov: load_from(hydra, source, ov + extra)
            )
    except ConfigError as e:
        print(e.line(), file=sys.stderr)
        sys.exit(2)
    except Exception as e:  # the override grammar itself
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"error: override: {first}", file=sys.stderr)
        sys.exit(2)


def guarded[T](fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``fn``; a ConfigError found while running (e.g. in a graph file) exits 2 with
    its one line, like a bad override, and nothing that looks finished is written."""
    try:
        return fn(*args, **kwargs)
    except ConfigError as e:
        print(e.line(), file=sys.stderr)
        sys.exit(2)
