"""A sweep killed with SIGKILL halfway, then started again, completes: no run lost, none run twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sim.sweep.store import RESULT, RUNS, finished_hashes, load_study

ROOT = Path(__file__).resolve().parent.parent
N = 8
ARGS = [
    "-m",
    "hydra/launcher=joblib",
    "hydra.launcher.n_jobs=2",
    f"seed=range(0,{N})",
    "graph.n=4000",
    "world.horizon_days=6",
    "output.figures=false",
]


def start(sweep_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *ARGS, f"hydra.sweep.dir={sweep_dir}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # its own process group: kill workers too


def stamps(sweep_dir: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for h in finished_hashes(sweep_dir):
        st = (sweep_dir / RUNS / h / RESULT).stat()
        out[h] = (st.st_ino, st.st_mtime_ns)
    return out


def test_sigkill_halfway_then_resume(tmp_path: Path) -> None:
    sweep_dir = tmp_path / "sweep"
    proc = start(sweep_dir)
    deadline = time.monotonic() + 240
    while len(finished_hashes(sweep_dir)) < 2 and proc.poll() is None:
        assert time.monotonic() < deadline, "sweep made no progress"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    before = stamps(sweep_dir)
    assert 0 < len(before) < N, "the kill did not land halfway; make the runs longer"

    proc = start(sweep_dir)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()[-2000:]
    after = stamps(sweep_dir)
    assert len(after) == N
    assert {h: after[h] for h in before} == before  # finished runs untouched
    assert not list((sweep_dir / RUNS).glob(".*"))  # no staging leftovers
    events = [json.loads(ln) for ln in (sweep_dir / "events.jsonl").read_text().splitlines()]
    ran = [e["hash"] for e in events if e["status"] == "ran"]
    assert len(ran) == len(set(ran))  # no run completed twice over both attempts
    # Every run the second attempt finished says so; a run the kill caught after its result was
    # committed but before its progress line was appended finished once, without that line.
    assert set(after) - set(before) <= set(ran) <= set(after)
    skipped = {e["hash"] for e in events if e["status"] == "skipped"}
    assert skipped == set(before)
    df = load_study(sweep_dir)
    assert sorted(df["seed"]) == list(range(N)) and df["prov.config_hash"].is_unique


def test_joblib_workers_exit_when_the_sweep_is_killed(tmp_path: Path) -> None:
    """SIGKILL of a joblib sweep's main process: its loky workers exit too (they watch their
    parent) instead of holding their memory for ever."""
    import psutil

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "sim", "-m", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2"]
    cmd += [f"hydra.sweep.dir={tmp_path}", "graph.n=3000", "world.horizon_days=60"]
    cmd += ["output.figures=false", "seed=range(8)"]
    main = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    proc = psutil.Process(main.pid)
    deadline = time.monotonic() + 120
    workers: list[psutil.Process] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
        workers = [c for c in proc.children() if "loky" in " ".join(c.cmdline())]
    assert len(workers) >= 2, "no loky workers started"
    while not all((tmp_path / d).is_dir() for d in "01") and time.monotonic() < deadline:
        time.sleep(0.2)  # each worker has received its first job (and started watching)
    time.sleep(1)
    main.send_signal(signal.SIGKILL)
    main.wait()
    _, alive = psutil.wait_procs(workers, timeout=15)
    assert not alive, [p.pid for p in alive]
