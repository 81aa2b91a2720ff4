"""Many runs per process: a job's config composed from a cached base equals Hydra's
composition, and runs that share a built world give the bits of separately built runs."""

from __future__ import annotations

import json
from pathlib import Path

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
        if job is JOBS[1]:  # a job of two points: the second one's values set on the first's
            from sim.sweep.batch import Grouper, set_values

            ((_, plain),) = Grouper(cached.group_exists(master)).chunks([JOBS[0], job], 2)
            task = inner.load_sweep_config(master, JOBS[0])
            set_values(task, job, plain)
            a, b = OmegaConf.to_container(task), OmegaConf.to_container(want)
            assert isinstance(a, dict) and isinstance(b, dict) and a.pop("hydra") and b.pop("hydra")
            assert a == b and a["seed"] == 1
    reused = compose_cache.stats["reused"] - before["reused"]
    assert reused == 3, reused  # jobs 1, 3 and 5 differ from an earlier one only in values


def test_bad_value_fails_as_in_hydra(loader) -> None:
    inner, master = loader
    cached = CachingConfigLoader(inner)
    cached.load_sweep_config(master, ["spread.beta=0.2"])
    with pytest.raises(Exception) as want:
        inner.load_sweep_config(master, ["spread.beta=abc"])
    with pytest.raises(Exception) as got:
        cached.load_sweep_config(master, ["spread.beta=abc"])
    assert type(got.value) is type(want.value) and str(got.value) == str(want.value)


TINY = ["graph.n=400", "world.horizon_days=6", "world.tick_hours=6", "output.figures=false"]
ARMS = [  # one seed and world, three runs; then another seed
    ["seed=3"],
    ["seed=3", "strategy@home=[rapid_response]", "spread.beta=0.3"],
    ["seed=3"],
    ["seed=4"],
]


def _outputs(out: Path) -> dict[str, bytes]:
    summary = json.loads((out / "summary.json").read_text())
    summary.pop("timing", None)
    files = {p.name: p.read_bytes() for p in sorted(out.glob("*.parquet"))}
    return {"summary.json": json.dumps(summary, sort_keys=True).encode(), **files}


def test_runs_sharing_a_world_are_bit_identical_to_separate_runs(tmp_path: Path) -> None:
    from sim.api import run
    from sim.cli import load
    from sim.population import forget_worlds, reusing_worlds

    alone, shared = [], []
    for i, ov in enumerate(ARMS):
        run(load([*TINY, *ov]), out=tmp_path / f"alone{i}")
        alone.append(_outputs(tmp_path / f"alone{i}"))
    forget_worlds()
    with reusing_worlds():
        for i, ov in enumerate(ARMS):
            res = run(load([*TINY, *ov]), out=tmp_path / f"shared{i}")
            shared.append(_outputs(tmp_path / f"shared{i}"))
            if i == 1:  # the graph is the first run's: built once, not copied
                assert not res.model.followers.indices.flags.writeable
    forget_worlds()
    assert len(alone[0]) >= 3  # summary, timeseries, actors
    for i in range(len(ARMS)):
        assert shared[i] == alone[i], ARMS[i]
    assert alone[0] == alone[2] and alone[0] != alone[3]


def test_jobs_of_several_points_share_configs_and_worlds(tmp_path: Path) -> None:
    """8 points on 2 joblib workers: 4 jobs of 2 points (one seed, two spread values), the
    second reusing the first one's config and world (the bits: the tests above; the table
    against a serial sweep: tests/test_sweep.py, both batched differently)."""
    from test_sweep import events, sweep

    from hydra_plugins.infowar_sweeper.checked_sweeper import points_per_job

    assert points_per_job(8, 2, 4) == 2 and points_per_job(1000, 2, 4) == 4
    assert points_per_job(3, 2, 4) == 1
    grid = ["seed=0,1,2,3", "spread.beta=0.2,0.3", "graph.n=300", "world.tick_hours=6"]
    r = sweep(tmp_path, *grid, "hydra.launcher.n_jobs=2", launcher="joblib")
    assert r.returncode == 0, r.stderr[-2000:]
    worlds = sorted(str(e.get("world")) for e in events(tmp_path))
    assert worlds == ["built"] * 4 + ["reused"] * 4, worlds
    assert len([d for d in tmp_path.iterdir() if d.name.isdigit()]) == 4  # Hydra jobs
    assert not (tmp_path / "batches").exists()
