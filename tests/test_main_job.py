"""The main job end to end, as a user runs it: `./run.sh [overrides]` or `python -m sim`.

Small overrides (graph.n, world.horizon_days) keep each run to a few seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["graph.n=1500", "world.horizon_days=6"]
TABLES = ("timeseries.parquet", "actors.parquet")


def sim(args: list[str], cwd: Path, via_run_sh: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [str(ROOT / "run.sh"), *args] if via_run_sh else [sys.executable, "-m", "sim", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """Two runs with seed=7 (one through `python -m sim` from a foreign working directory,
    one through ./run.sh) and one with seed=8."""
    base = tmp_path_factory.mktemp("main_job")
    cwd = base / "cwd"
    cwd.mkdir()
    out = {"a": base / "a", "b": base / "b", "other": base / "other", "cwd": cwd}
    for name, seed, run_sh in (("a", 7, False), ("b", 7, True), ("other", 8, True)):
        p = sim([*SMALL, f"seed={seed}", f"hydra.run.dir={out[name]}"], cwd, via_run_sh=run_sh)
        assert p.returncode == 0, p.stderr[-2000:]
        (out[name] / "stdout.txt").write_text(p.stdout)
    return out


def test_outputs_exist_and_are_tidy(runs):
    d = runs["a"]
    ts = pd.read_parquet(d / "timeseries.parquet")
    summary = json.loads((d / "summary.json").read_text())
    communities = ts["community"].unique()
    assert len(communities) >= 5
    assert len(ts) == summary["ticks"] * len(communities)  # one row per tick x community
    assert not ts.duplicated(["tick", "community"]).any()
    assert ts["tick"].min() == 0 and ts["tick"].max() == summary["ticks"] - 1
    assert any(c.startswith("believers_") for c in ts.columns)
    actors = pd.read_parquet(d / "actors.parquet")
    assert len(actors) == summary["accounts"] and {"posts", "reach", "reshares_received"} <= set(
        actors.columns
    )
    assert summary["users"] == 1500 and summary["seed"] == 7 and "timing" not in summary
    figures = sorted((d / "figures").glob("*.png"))
    assert len(figures) >= 3 and all(f.stat().st_size > 1000 for f in figures)
    timing = json.loads((d / "timing.json").read_text())
    assert timing["run_s"] >= 0 and "phases_s" in timing
    stdout = (d / "stdout.txt").read_text()
    assert "Wall time" in stdout and str(d) in stdout


def test_run_dir_override_puts_everything_there(runs):
    assert list(runs["cwd"].iterdir()) == []  # nothing written where the command ran
    names = {p.name for p in runs["a"].iterdir()}
    assert {"summary.json", "timing.json", "figures", *TABLES} <= names
    assert not [p for p in runs["a"].rglob("*") if ".tmp" in p.name]  # atomic writes finished


def test_same_seed_gives_identical_outputs(runs):
    a, b = runs["a"], runs["b"]
    assert (a / "summary.json").read_bytes() == (b / "summary.json").read_bytes()
    for name in TABLES:
        assert pq.read_table(a / name).equals(pq.read_table(b / name)), name


def test_another_seed_gives_another_run(runs):
    a, other = runs["a"], runs["other"]
    assert (a / "summary.json").read_bytes() != (other / "summary.json").read_bytes()
    assert not pq.read_table(a / TABLES[0]).equals(pq.read_table(other / TABLES[0]))


@pytest.mark.parametrize(
    "override, key",
    [
        ("spread.attention=-1", "spread.attention"),
        ("+nosuchkey=1", "nosuchkey"),
        ("graph.n=abc", "graph.n"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, override, key):
    out = tmp_path / "run"
    p = sim([override, f"hydra.run.dir={out}"], ROOT, via_run_sh=True)
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert p.returncode == 2, p.stderr
    assert len(lines) == 1, p.stderr
    assert key in lines[0] and "Traceback" not in p.stderr
    assert not out.exists()  # rejected before anything was written


def test_single_run_summary_carries_provenance(runs):
    """As sweep results do: commit, dirty flag, package versions and the command line; the
    start time and host (which differ between identical runs) go to timing.json."""
    prov = json.loads((runs["a"] / "summary.json").read_text())["provenance"]
    assert len(prov["git_commit"]) == 40 and isinstance(prov["git_dirty"], bool)
    assert prov["versions"]["numpy"] and prov["versions"]["python"]
    assert prov["command"].startswith("python -m sim ") and "seed=7" in prov["command"]
    assert "hydra.run.dir" not in prov["command"]
    timing = json.loads((runs["a"] / "timing.json").read_text())
    assert timing["started_utc"] and "started_utc" not in prov


def test_single_run_provenance_carries_the_input_files_digest(tmp_path):
    """A sweep row records the graph file's sha256 (prov.inputs); so does a single run, so
    that a replaced file under the same name is told apart."""
    graph = tmp_path / "g.csv"
    graph.write_text("source,target\n" + "".join(f"{i},{(i + 1) % 50}\n" for i in range(50)))
    out = tmp_path / "run"
    args = ["graph=file", "graph.n=0", f"graph.path={graph}", "mode=sir", "world.horizon_days=6"]
    p = sim([*args, "output.figures=false", f"hydra.run.dir={out}"], ROOT)
    assert p.returncode == 0, p.stderr[-2000:]
    prov = json.loads((out / "summary.json").read_text())["provenance"]
    assert prov["inputs"] == {"graph.path": hashlib.sha256(graph.read_bytes()).hexdigest()}
