"""Batched sweeps: a job's config composed from a cached base equals Hydra's composition."""

from __future__ import annotations

import pytest
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.types import RunMode
from omegaconf import OmegaConf

from sim.config.paths import CONF_DIR
from sim.config.store import register
from sim.sweep import compose_cache
from sim.sweep.compose_cache import CachingConfigLoader

JOBS = [  # in order: later jobs of a shape reuse the first one's base
    ["seed=0", "spread.beta=0.2"],
    ["seed=1", "spread.beta=0.3"],
    ["seed=2", "spread.beta=0.3", "strategy@home=[rapid_response]"],
    ["seed=3", "spread.beta=0.25", "strategy@home=[rapid_response]"],
    ["seed=4", "spread.beta=1e-1", "graph.homophily=0.7"],  # a new key: a new shape
    ["seed=5", "spread.beta=0.35", "graph.homophily=0.6"],
    ["seed=6", "spread={beta: 0.3}", "spread.beta=0.1"],  # a subtree set twice: composed
    ["seed=7", "spread.beta=0.4", "output.quiet=false", "graph=ba"],
    ["seed=8", "spread.beta=0.2", "output.quiet=true", "graph=ba"],
]


def _flags(cfg) -> tuple[bool | None, ...]:
    return (OmegaConf.is_struct(cfg), OmegaConf.is_readonly(cfg), OmegaConf.is_readonly(cfg.hydra))


@pytest.fixture
def loader():
    register(CONF_DIR)
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        inner = GlobalHydra.instance().config_loader()
        master = inner.load_configuration("config", ["graph.n=300"], RunMode.MULTIRUN)
        yield inner, master
    GlobalHydra.instance().clear()


def test_cached_composition_equals_hydras(loader) -> None:
    inner, master = loader
    compose_cache._bases.clear()
    before = dict(compose_cache.stats)
    cached = CachingConfigLoader(inner)
    for job in JOBS:
        want = inner.load_sweep_config(master, job)
        got = cached.load_sweep_config(master, job)
        assert OmegaConf.to_yaml(got) == OmegaConf.to_yaml(want), job
        assert _flags(got) == _flags(want)
    reused = compose_cache.stats["reused"] - before["reused"]
    assert reused == 4, reused  # jobs 1, 3, 5 and 8 differ from an earlier one only in values


def test_bad_value_fails_as_in_hydra(loader) -> None:
    inner, master = loader
    cached = CachingConfigLoader(inner)
    cached.load_sweep_config(master, ["spread.beta=0.2"])
    with pytest.raises(Exception) as want:
        inner.load_sweep_config(master, ["spread.beta=abc"])
    with pytest.raises(Exception) as got:
        cached.load_sweep_config(master, ["spread.beta=abc"])
    assert type(got.value) is type(want.value) and str(got.value) == str(want.value)
