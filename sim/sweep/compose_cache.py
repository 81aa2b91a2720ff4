"""Compose each sweep job's config once per *shape*, then apply its plain values to a copy.

Hydra composes every job of a multirun from scratch where it runs (0.3-0.4 CPU s for
karabakh2020: YAML files, the defaults list, the structured schemas), although the jobs of a
sweep mostly differ in a few plain values (``seed=3``, ``spread.beta=0.2``). A job's
overrides split into the plain values (a scalar set on a key that is no config group, no
``+``/``++``/``~``, no other override on the same subtree) and the rest. Jobs whose rest is
the same and whose plain values set the same keys have one shape: the first is composed by
Hydra, the others start from a deep copy of it and get their values by the very call
Hydra makes (``OmegaConf.update(cfg, key, value, merge=True)``), then the job's own
``hydra.overrides.task`` and ``hydra.job.override_dirname``. The result equals Hydra's
composition (``tests/test_sweep_batch.py`` compares them). Anything unusual (an error, a
unparsable override) takes Hydra's own path. ``CheckedSweeper`` installs the loader; the
cache lives in each worker process (loky and Ray workers keep it between jobs).
"""

from __future__ import annotations

import copy
import os
from collections import OrderedDict
from typing import Any

from hydra.core.config_loader import ConfigLoader
from hydra.core.override_parser.types import Override, OverrideType, ValueType
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf, open_dict

MAX_SHAPES = 16  # composed bases kept per process (one per distinct shape; ~1 MB each)
_bases: OrderedDict[tuple[Any, ...], DictConfig] = OrderedDict()
stats = {"composed": 0, "reused": 0}  # this process's counts (tests, the benchmark)


def _is_plain(o: Override, group_exists: Any) -> bool:
    """A scalar set on an existing non-group key: Hydra applies it after composition."""
    if o.type != OverrideType.CHANGE or o.package is not None or o.is_hydra_override():
        return False
    if o.value_type != ValueType.ELEMENT or o.is_sweep_override():
        return False
    v = o.value()
    if not isinstance(v, (str, int, float, bool)) or (isinstance(v, str) and "${" in v):
        return False
    return not group_exists(o.key_or_group)


def _overlaps(key: str, others: list[str]) -> bool:
    return any(k == key or k.startswith(key + ".") or key.startswith(k + ".") for k in others)


def split(parsed: list[Override], group_exists: Any) -> tuple[list[Override], list[Override]]:
    """(plain values, the rest) of a job's overrides; a value whose subtree another override
    also touches stays with the rest (their order would matter)."""
    keys = [o.key_or_group for o in parsed]
    plain = []
    for i, o in enumerate(parsed):
        if _is_plain(o, group_exists) and not _overlaps(o.key_or_group, keys[:i] + keys[i + 1 :]):
            plain.append(o)
    return plain, [o for o in parsed if o not in plain]


class CachingConfigLoader(ConfigLoader):
    """Hydra's config loader with ``load_sweep_config`` composed once per shape."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def load_sweep_config(self, master_config: DictConfig, sweep_overrides: list[str]) -> Any:
        try:
            name = master_config.hydra.job.config_name
            hydra_ov = OmegaConf.to_container(master_config.hydra.overrides.hydra)
            assert isinstance(hydra_ov, list)
            # Hydra's own parse and repository (search path included), as its composition uses
            parsed, repo = self.inner._parse_overrides_and_create_caching_repo(
                name, [str(o) for o in hydra_ov] + list(sweep_overrides)
            )
            plain, rest = split(parsed, repo.group_exists)
        except Exception:  # let Hydra report whatever it is
            return self.inner.load_sweep_config(master_config, sweep_overrides)
        shape = (name, tuple(o.input_line for o in rest), tuple(o.key_or_group for o in plain))
        base = _bases.get(shape)
        if base is None:
            cfg = self.inner.load_sweep_config(master_config, sweep_overrides)
            _remember(shape, copy.deepcopy(cfg))
            stats["composed"] += 1
            return cfg
        _bases.move_to_end(shape)
        try:
            cfg = _apply(copy.deepcopy(base), parsed, plain)
        except Exception:  # a bad value: Hydra's own error, as without the cache
            return self.inner.load_sweep_config(master_config, sweep_overrides)
        OmegaConf.copy_cache(from_config=master_config, to_config=cfg)
        stats["reused"] += 1
        return cfg

    def group_exists(self, master_config: DictConfig) -> Any:
        """Hydra's test of whether a key names a config group, on the multirun's search path."""
        hydra_ov = OmegaConf.to_container(master_config.hydra.overrides.hydra)
        assert isinstance(hydra_ov, list)
        _, repo = self.inner._parse_overrides_and_create_caching_repo(
            master_config.hydra.job.config_name, [str(o) for o in hydra_ov]
        )
        return repo.group_exists

    # The rest is Hydra's loader unchanged.
    def load_configuration(
        self,
        config_name: str | None,
        overrides: list[str],
        run_mode: RunMode,
        from_shell: bool = True,
        validate_sweep_overrides: bool = True,
    ) -> DictConfig:
        return self.inner.load_configuration(
            config_name, overrides, run_mode, from_shell, validate_sweep_overrides
        )

    def get_search_path(self) -> Any:
        return self.inner.get_search_path()

    def get_sources(self) -> Any:
        return self.inner.get_sources()

    def list_groups(self, parent_name: str) -> Any:
        return self.inner.list_groups(parent_name)

    def get_group_options(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.get_group_options(*args, **kwargs)

    def compute_defaults_list(self, *args: Any, **kwargs: Any) -> Any:
        return self.inner.compute_defaults_list(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # anything else Hydra may reach for
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


def _remember(shape: tuple[Any, ...], cfg: DictConfig) -> None:
    # a copy, never pickled: a plugin's config class imported by Hydra's plugin scan is
    # not the one in sys.modules, so pickle refuses it (deepcopy keeps class references)
    _bases[shape] = cfg
    while len(_bases) > MAX_SHAPES:
        _bases.popitem(last=False)


def _apply(cfg: DictConfig, parsed: list[Override], plain: list[Override]) -> DictConfig:
    """Set the job's plain values and the per-job fields Hydra derives from its overrides
    (``ConfigLoaderImpl._load_configuration_impl``)."""
    from hydra._internal.config_loader_impl import get_overrides_dirname

    for o in plain:
        OmegaConf.update(cfg, o.key_or_group, o.value(), merge=True)
    app = [o for o in parsed if not o.is_hydra_override()]
    h = cfg.hydra
    h.overrides.task = [o.input_line for o in app]
    with open_dict(h):
        for key in h.job.env_copy:
            h.job.env_set[key] = os.environ[key]
    h.runtime.cwd = os.getcwd()
    od = h.job.config.override_dirname
    h.job.override_dirname = get_overrides_dirname(
        overrides=app, kv_sep=od.kv_sep, item_sep=od.item_sep, exclude_keys=od.exclude_keys
    )
    return cfg
