"""Sweeps: results store, skip-on-rerun, failure report, determinism across launchers and order."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import load
from sim.sweep import store
from sim.sweep.store import deterministic_columns, load_study, param_columns

ROOT = Path(__file__).resolve().parent.parent
TINY = ["graph.n=1000", "world.horizon_days=6", "output.figures=false"]


def sweep(
    sweep_dir: Path,
    *args: str,
    launcher: str = "basic",
    timeout: float = 300,
) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        f"hydra/launcher={launcher}",
        f"hydra.sweep.dir={sweep_dir}",
        *TINY,
        *args,
    ]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def events(sweep_dir: Path) -> list[dict]:
    return [json.loads(ln) for ln in (sweep_dir / "events.jsonl").read_text().splitlines()]


def table(sweep_dir: Path) -> pd.DataFrame:
    df = load_study(sweep_dir)
    return (
        df[sorted(deterministic_columns(df))].sort_values("prov.config_hash").reset_index(drop=True)
    )


def test_config_hash_ignores_output_and_tracks_seed() -> None:
    a = load(TINY)
    assert store.config_hash(a) == store.config_hash(load([*TINY, "output.figures=true"]))
    assert store.config_hash(a) != store.config_hash(load([*TINY, "seed=1"]))
    assert len(store.config_hash(a)) == 16


def test_result_row_columns() -> None:
    params = store.params_from_overrides(
        ["seed=3", "+spread.beta=0.3", "strategy@home=[a,b]", "hydra.launcher.n_jobs=2"]
    )
    assert params == {"seed": 3, "spread.beta": 0.3, "strategy@home": '["a","b"]'}
    summary = {
        "seed": 3,
        "support": {"intl": {"home": 0.4}},
        "top": [{"a": 1}],
        "timing": {"run_s": 1},
    }
    row = store.result_row(params, summary, {"config_hash": "abc", "seed": 3}).iloc[0]
    assert row["support.intl.home"] == 0.4 and row["top"] == '[{"a":1}]'
    assert row["prov.timing.run_s"] == 1 and "timing.run_s" not in row
    assert json.loads(row["prov.params"]) == ["seed", "spread.beta", "strategy@home"]


# Each value is valid with the others at their first value (so the sweep passes its check
# before launching), but start_day 5 with end_day 3 is not: those jobs fail while running.
WINDOW = [
    "strategy@home=[platform_shutdown]",
    "home.platform_shutdown.start_day=1,5",
    "home.platform_shutdown.end_day=6,3",
]


def test_sweep_same_table_serial_joblib_any_order_skips_and_reports(tmp_path: Path) -> None:
    """One failing combination per seed: the sweep goes on, reports both, exits 3; reruns skip."""
    serial, par = tmp_path / "serial", tmp_path / "joblib"
    r = sweep(serial, "seed=0,1", *WINDOW)
    assert r.returncode == 3, r.stderr[-2000:]
    report = (serial / "report.md").read_text()
    assert report.count("home.platform_shutdown.end_day=3") == 2 and "is before start_day" in report
    assert sorted(e["status"] for e in events(serial)) == ["failed"] * 2 + ["ran"] * 6
    r2 = sweep(par, "seed=1,0", *WINDOW, "hydra.launcher.n_jobs=2", launcher="joblib")
    assert r2.returncode == 3, r2.stderr[-2000:]
    a, b = table(serial), table(par)
    assert len(a) == 6 and set(param_columns(load_study(par))) >= {
        "seed",
        "home.platform_shutdown.end_day",
    }
    pd.testing.assert_frame_equal(a, b)
    assert a["support.international.support_home"].nunique() > 1
    rerun = sweep(serial, "seed=0,1", *WINDOW)
    assert rerun.returncode == 3
    new = events(serial)[8:]
    assert sorted(e["status"] for e in new) == ["failed"] * 2 + ["skipped"] * 6
    pd.testing.assert_frame_equal(load_study(serial), load_study(serial / "study.parquet"))


def test_bad_swept_value_stops_the_sweep_before_any_job(tmp_path: Path) -> None:
    r = sweep(tmp_path / "s", "seed=0,1", "spread.beta=0.25,9.0,0.3")
    assert r.returncode == 2 and "spread.beta" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "s" / "events.jsonl").exists()


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["ray", "submitit_local"])
def test_sweep_same_table_ray_submitit(tmp_path: Path, launcher: str) -> None:
    ref, other = tmp_path / "serial", tmp_path / launcher
    assert sweep(ref, "seed=0,1", "spread.beta=0.25,0.3").returncode == 0
    r = sweep(other, "seed=1,0", "spread.beta=0.3,0.25", launcher=launcher, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    pd.testing.assert_frame_equal(table(ref), table(other))
    assert set(load_study(other)["prov.launcher"]) == {launcher}


def test_two_sweeps_sharing_a_store_count_only_their_own_jobs(tmp_path: Path) -> None:
    """Run together into one store (each with its own subdir, as the docs say): the sweep
    whose jobs all succeed reports no failure and exits 0, whatever the other one does."""
    from sim.sweep.callback import read_events

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = [sys.executable, "-m", "sim", "-m", f"hydra.sweep.dir={tmp_path}", *TINY]
    bad = [*base, "seed=0", *WINDOW, "hydra.sweep.subdir=a_${hydra.job.num}"]
    good = [*base, "seed=5,6,7,8", "hydra.sweep.subdir=b_${hydra.job.num}"]
    procs = [
        subprocess.Popen(c, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        for c in (bad, good)
    ]
    errs = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [3, 0], errs
    assert "failed 0." in errs[1] and "failed 1." in errs[0]
    ids = {e["sweep"] for e in events(tmp_path)}
    assert len(ids) == 2 and None not in ids
    one = next(iter(ids))
    assert all(e["sweep"] == one for e in read_events(tmp_path / "events.jsonl", 0, one))
