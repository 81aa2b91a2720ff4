"""Command-line plumbing: check overrides before Hydra runs, print errors as one line.

Hydra reports composition errors with several lines and exit code 1; a researcher
deserves one line naming the key and exit code 2. So ``precheck`` composes the config
with the Compose API first and converts it with ``to_sim_config``; only then does
Hydra's own main take over. For a multirun it checks every value of every swept key (each
with the other keys at their first value; see ``sweep_variants``), so a bad value fails the
command before any job starts.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException, MissingConfigException
from omegaconf.errors import OmegaConfBaseException

from sim.config.hints import (
    check_experiment_mode,
    check_scaled_size,
    group_override_error,
    horizon_error,
    side_key_error,
)
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


def _parsed(overrides: list[str]) -> list[tuple[str, str, list[str] | None]]:
    """(key, raw override, sweep values or None) for each override but hydra's own."""
    out = []
    for raw, ov in zip(overrides, OverridesParser.create().parse_overrides(overrides)):
        key = ov.get_key_element()
        if key.startswith(("hydra.", "hydra/", "+hydra", "~hydra")) or key == "hydra":
            continue
        values = list(ov.sweep_string_iterator()) if ov.is_sweep_override() else None
        out.append((key, raw, values))
    return out


def first_values(overrides: list[str]) -> list[str]:
    """Replace each sweep (a,b / range / choice) by its first value; drop hydra.* keys."""
    return _firsts(_parsed(overrides))


def _firsts(parsed: list[tuple[str, str, list[str] | None]]) -> list[str]:
    return [f"{key}={values[0]}" if values else raw for key, raw, values in parsed]


def _representatives(values: list[str]) -> list[str]:
    """Values that stand for the whole sweep. All numeric: the smallest and largest finite
    ones (every numeric rule is a range, so the ends decide), each nan or inf, and the first
    integer and first non-integer spelling (an integer key refuses 1.5). Otherwise: each
    distinct value."""
    try:
        nums = [float(v) for v in values]
    except ValueError:
        return list(dict.fromkeys(values))
    finite = [(x, v) for x, v in zip(nums, values) if math.isfinite(x)]
    pick = [min(finite)[1], max(finite)[1]] if finite else []
    pick += [v for x, v in zip(nums, values) if not math.isfinite(x)]
    pick += list({_is_int(v): v for v in reversed(values)}.values())
    return list(dict.fromkeys(pick))


def _is_int(v: str) -> bool:
    try:
        int(v)
        return True
    except ValueError:
        return False


def sweep_variants(overrides: list[str]) -> list[list[str]]:
    """Override lists that together check every swept value: the first values, then each
    other representative value of one swept key with the rest at their first value.
    Combinations of two swept keys are not formed (a cross-key rule such as a window's
    start before its end is then checked when that job runs)."""
    parsed = _parsed(overrides)
    base = _firsts(parsed)
    out = [base]
    for i, (key, _, values) in enumerate(parsed):
        if not values:
            continue
        for v in _representatives(values):
            if v != values[0]:
                out.append([*base[:i], f"{key}={v}", *base[i + 1 :]])
    return out


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
    cause = e.__cause__ or e.__context__
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


def load(overrides: list[str]) -> SimConfig:
    """Compose and validate; raises ConfigError."""
    from sim.config.store import register

    register(CONF_DIR)
    GlobalHydra.instance().clear()
    try:
        check_bool_overrides(overrides)
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


def check_hydra_groups(overrides: list[str]) -> None:
    """Hydra's own groups (hydra/launcher=..., hydra/sweeper=...) exist; raises ConfigError."""
    chosen = [o for o in overrides if o.split("=", 1)[0].lstrip("+~").startswith("hydra/")]
    if not chosen:
        return
    GlobalHydra.instance().clear()
    try:
        check_bool_overrides(overrides)
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            compose(config_name="config", overrides=chosen, return_hydra_config=True)
    except (HydraException, OmegaConfBaseException, ValueError, KeyError) as e:
        raise translate(e) from None
    finally:
        GlobalHydra.instance().clear()


def precheck(argv: list[str]) -> None:
    """Exit 2 with one line if any run's config is invalid (see ``sweep_variants``)."""
    overrides = [a for a in argv if not a.startswith("-")]
    try:
        check_experiment_mode(argv)
        for variant in sweep_variants(overrides):
            load(variant)
        check_hydra_groups(overrides)
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
