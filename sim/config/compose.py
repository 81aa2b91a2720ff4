"""Compose the config the way ``python -m sim`` will, for the checks before Hydra runs.

The precheck must see exactly what Hydra's own main will compose: the same command-line
parser (``--config-dir X`` and ``--config-dir=X``, ``--config-name``, ``--config-path``),
the same search path (an extra config directory prepended where Hydra puts it), the
``hydra.*`` overrides (``hydra.searchpath`` included), and in a multirun the sweep that an
experiment YAML declares under ``hydra.sweeper.params``. Otherwise a valid command is refused
or a bad swept value slips through to fail its jobs.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig, OmegaConf

from sim.errors import ConfigError

MAIN_FILE = str(Path(__file__).resolve().parents[1] / "__main__.py")


@dataclass
class Source:
    """Where the configs come from and what the command line asks for."""

    search_path: Any  # hydra's ConfigSearchPath
    config_name: str
    multirun: bool
    overrides: list[str]


def source_from_argv(argv: list[str]) -> Source:
    """Parse ``argv`` with Hydra's own parser and build Hydra's search path from it."""
    from hydra._internal.utils import create_automatic_config_search_path, get_args_parser
    from hydra.core.config_search_path import SearchPathQuery

    from sim.config.paths import CONF_DIR

    args = parse_args(get_args_parser(), argv)
    search_path = create_automatic_config_search_path(
        MAIN_FILE, None, args.config_path or str(CONF_DIR)
    )
    if args.config_dir is not None:
        extra = os.path.abspath(args.config_dir)
        if not os.path.isdir(extra):
            raise ConfigError("--config-dir", f"'{extra}' is not a directory")
        search_path.prepend(
            provider="command-line",
            path=f"file://{extra}",
            anchor=SearchPathQuery(provider="schema"),
        )
    return Source(search_path, args.config_name or "config", bool(args.multirun), args.overrides)


def parse_args(parser: Any, argv: list[str]) -> Any:
    """Hydra's parse, with argparse's usage block turned into one line."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            return parser.parse_args(argv)
    except SystemExit:
        why = err.getvalue().strip().splitlines()[-1].split("error: ", 1)[-1]
        raise ConfigError(
            "command line", f"{why} (flags such as --config-dir go before the overrides)"
        ) from None


@contextlib.contextmanager
def session(source: Source) -> Iterator[Any]:
    """Hydra initialised on ``source``'s search path (as its main does) for the block."""
    from hydra._internal.hydra import Hydra
    from hydra.core.global_hydra import GlobalHydra

    GlobalHydra.instance().clear()
    try:
        yield Hydra.create_main_hydra2(task_name="sim", config_search_path=source.search_path)
    finally:
        GlobalHydra.instance().clear()


def compose(hydra: Any, source: Source, overrides: list[str]) -> DictConfig:
    """The job config Hydra would compose for ``overrides`` (hydra's own node included)."""
    from hydra.errors import MissingConfigException
    from hydra.types import RunMode

    try:
        return hydra.compose_config(
            config_name=source.config_name,
            overrides=overrides,
            run_mode=RunMode.RUN,
            with_log_configuration=False,
        )
    except MissingConfigException as e:
        if "primary config" in str(e):
            raise ConfigError(
                "--config-name",
                f"no config named '{source.config_name}' in the config search path; "
                "allowed: config (or a file in --config-dir)",
            ) from None
        raise


def hydra_overrides(overrides: list[str]) -> list[str]:
    """The command line's ``hydra.*``/``hydra/...`` overrides that are not sweeps."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    out = []
    for raw, ov in zip(overrides, OverridesParser.create().parse_overrides(overrides)):
        key = ov.get_key_element().lstrip("+~")
        if (key == "hydra" or key.startswith(("hydra.", "hydra/"))) and not ov.is_sweep_override():
            out.append(raw)
    return out


def config_sweep(cfg: DictConfig, overrides: list[str]) -> list[str]:
    """``hydra.sweeper.params`` of the composed config as overrides, except keys the command
    line sets itself (Hydra's basic sweeper lets the command line win)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = OmegaConf.select(cfg, "hydra.sweeper.params") or {}
    given = {ov.get_key_element() for ov in OverridesParser.create().parse_overrides(overrides)}
    return [f"{k}={v}" for k, v in params.items() if k not in given]


def load_from(hydra: Any, source: Source, overrides: list[str]) -> tuple[Any, DictConfig]:
    """Compose as Hydra will and validate; raises ConfigError (like ``sim.cli.load``)."""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from sim.cli import translate
    from sim.config.hints import check_scaled_size
    from sim.config.overrides import check_empty_mappings
    from sim.config.paths import CONF_DIR
    from sim.config.store import register
    from sim.config.validate import check_bool_overrides, to_sim_config

    register(CONF_DIR)
    try:
        check_bool_overrides(overrides)
        check_empty_mappings(overrides)
        cfg = compose(hydra, source, overrides)
        sc = to_sim_config(cfg)
        total = sum(cm.real_size for cm in sc.population.communities.values())
        check_scaled_size(overrides, sc.world.scale, total)
        return sc, cfg
    except yaml.YAMLError as e:
        raise yaml_error(e) from None
    except (HydraException, OmegaConfBaseException, ValueError, KeyError, ConfigError) as e:
        raise translate(e, overrides) from None


def yaml_error(e: yaml.YAMLError) -> ConfigError:
    """A YAML file that does not parse (a duplicated key, a bad indent): file, line, problem."""
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    problem = getattr(e, "problem", None) or str(e).strip().splitlines()[0]
    if mark is None:
        return ConfigError("config file", problem)
    return ConfigError(mark.name, f"line {mark.line + 1}: {problem}")
