"""scripts/audit_battery.py's cases about runs and the sweep store: stale or wrong tables,
shared directories, full disks, killed sweeps."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import psutil
from audit_helpers import (
    EDGES,
    TINY,
    Result,
    crashed,
    has_tmpfs,
    in_tmpfs,
    popen,
    sim,
    study,
    summary,
    wait_for,
)


def _sweep(tmp: Path, sweep: Path, *args: str) -> tuple[Result | None, list[dict]]:
    """A tiny multirun into ``sweep``; (a failure or None, this invocation's events)."""
    ev = sweep / "events.jsonl"
    before = ev.read_text().splitlines() if ev.exists() else []
    p = sim(["-m", *TINY, *args, f"hydra.sweep.dir={sweep}"], tmp)
    if (r := crashed(p)) is not None:
        return r, []
    if p.returncode != 0:
        return Result("message", f"exit {p.returncode}: {p.stderr.strip()[-200:]}"), []
    lines = (sweep / "events.jsonl").read_text().splitlines()[len(before) :]
    return None, [json.loads(x) for x in lines]


def _counts(events: list[dict]) -> dict[str, int]:
    return {s: sum(e["status"] == s for e in events) for s in ("ran", "skipped", "failed")}


def study_cache_follows_rerun(tmp: Path) -> Result:
    sweep = tmp / "sw"
    if (r := _sweep(tmp, sweep, "seed=1,2")[0]) is not None:
        return r
    study(sweep)  # builds the cache
    runs = sorted((sweep / "runs").iterdir())
    import shutil

    shutil.rmtree(runs[0])
    r, ev = _sweep(tmp, sweep, "seed=1,2")
    if r is not None:
        return r
    df = study(sweep)
    import pandas as pd

    fresh = pd.read_parquet(runs[0] / "result.parquet")
    row = df[df["prov.config_hash"] == runs[0].name]
    if len(row) != 1 or row["prov.started_utc"].iloc[0] != fresh["prov.started_utc"].iloc[0]:
        return Result("silent", "load_study returned the deleted run's old row")
    if float(row["prov.wall_s"].iloc[0]) != float(fresh["prov.wall_s"].iloc[0]):
        return Result("silent", "load_study returned the deleted run's old row")
    return Result("ok", f"rerun {_counts(ev)}; the table has the new row")


def replaced_graph_file_reruns(tmp: Path) -> Result:
    sweep, g = tmp / "sw", tmp / "g.csv"
    g.write_text(EDGES)
    args = ("mode=sir", "graph=file", "graph.n=0", f"graph.path={g}", "seed=1,2")
    if (r := _sweep(tmp, sweep, *args)[0]) is not None:
        return r
    g.write_text(
        EDGES.replace("(i + 7)", "x") + "".join(f"{i},{(i + 3) % 60}\n" for i in range(60))
    )
    r, ev = _sweep(tmp, sweep, *args)
    if r is not None:
        return r
    c = _counts(ev)
    if c["ran"] != 2:
        return Result("silent", f"after replacing the file: {c} (old results kept)")
    return Result("ok", f"after replacing the file: {c}")


def torn_files_are_redone(tmp: Path) -> Result:
    sweep = tmp / "sw"
    if (r := _sweep(tmp, sweep, "seed=1,2")[0]) is not None:
        return r
    h = sorted((sweep / "runs").iterdir())[0]
    data = (h / "result.parquet").read_bytes()
    (h / "result.parquet").write_bytes(data[: len(data) // 2])
    r, ev = _sweep(tmp, sweep, "seed=1,2")
    if r is not None:
        return r
    if _counts(ev)["ran"] != 1:
        return Result("silent", f"a torn result counted as finished: {_counts(ev)}")
    cache = sweep / "study.parquet"
    cache.write_bytes(cache.read_bytes()[:100])
    df = study(sweep)
    if len(df) != 2 or df["prov.config_hash"].nunique() != 2:
        return Result("lost", f"study has {len(df)} rows after a torn cache")
    return Result("ok", "torn result run again; torn study table rebuilt (2 rows)")


def two_runs_into_one_dir(tmp: Path) -> Result:
    out = tmp / "run"
    procs = {s: popen([*TINY, f"seed={s}", f"hydra.run.dir={out}"], tmp) for s in (1, 2)}
    codes = {s: p.wait(timeout=300) for s, p in procs.items()}
    errs = {s: procs[s].stderr.read() for s in procs}  # type: ignore[union-attr]
    if any("Traceback" in e for e in errs.values()):
        return Result("traceback", "a run into a shared directory crashed")
    winners = [s for s, c in codes.items() if c == 0]
    if len(winners) != 1:
        return Result("lost", f"exit codes {codes}: both ran into one directory")
    loser = 3 - winners[0]
    lines = errs[loser].strip().splitlines()
    if codes[loser] != 2 or len(lines) != 1 or "hydra.run.dir" not in lines[0]:
        return Result("message", f"the second run: exit {codes[loser]}: {errs[loser][-200:]}")
    if summary(out)["seed"] != winners[0]:
        return Result("silent", "summary.json is another run's than the one that succeeded")
    return Result("ok", f"one ran, the other: {lines[0][:90]}")


def reused_run_dir(tmp: Path) -> Result:
    out = tmp / "run"
    p = sim([*TINY, "seed=1", f"hydra.run.dir={out}"], tmp)
    if p.returncode != 0:
        return crashed(p) or Result("message", p.stderr[-200:])
    before = (out / "summary.json").read_bytes()
    p = sim([*TINY, "seed=2", f"hydra.run.dir={out}"], tmp)
    if (r := crashed(p)) is not None:
        return r
    if p.returncode == 0 or (out / "summary.json").read_bytes() != before:
        return Result("silent", "a second run mixed into the first one's directory")
    lines = p.stderr.strip().splitlines()
    ok = p.returncode == 2 and len(lines) == 1 and "already holds a run" in lines[0]
    return Result("ok" if ok else "message", lines[-1] if lines else "")


def sweeps_sharing_a_store(tmp: Path) -> Result:
    base = ["-m", f"hydra.sweep.dir={tmp / 'sw'}", *TINY]
    window = [  # each value valid, (5, 3) together not: that job fails while running
        "strategy@home=[platform_shutdown]",
        "home.platform_shutdown.start_day=1,5",
        "home.platform_shutdown.end_day=6,3",
    ]
    bad = popen([*base, "seed=0", *window, "hydra.sweep.subdir=a_${hydra.job.num}"], tmp)
    good = popen([*base, "seed=5,6,7,8", "hydra.sweep.subdir=b_${hydra.job.num}"], tmp)
    codes = (bad.wait(timeout=300), good.wait(timeout=300))
    errs = bad.stderr.read() + good.stderr.read()  # type: ignore[union-attr]
    if "Traceback" in errs:
        return Result("traceback", "a sweep sharing the store crashed")
    n = len(study(tmp / "sw"))
    if n != 7:
        return Result("lost", f"{n} runs in the store, expected 3 + 4")
    if codes != (3, 0):
        return Result("silent", f"exit codes {codes}; expected (3, 0): failures mixed")
    return Result("ok", "the sweep with a failing job exits 3, the other 0; 7 runs")


def _tmp_files(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*") if ".tmp" in p.name]


SAVE_FAILS = """
import errno, runpy, sys
import hydra.core.utils as u
real, calls = u._save_config, []
def save(cfg, filename, output_dir):
    calls.append(filename)
    if len(calls) > 3:
        raise OSError(errno.ENOSPC, "No space left on device")
    real(cfg, filename, output_dir)
u._save_config = save
sys.argv = ["sim", *sys.argv[1:]]
runpy.run_module("sim", run_name="__main__")
"""


def sweep_store_write_fails(tmp: Path) -> Result:
    """Hydra's _save_config fails from the second job on (a disk filling up); then a rerun
    with room finishes the sweep: every run once."""
    sweep = tmp / "sw"
    args = ["-m", *TINY, "seed=1,2,3", f"hydra.sweep.dir={sweep}"]
    import subprocess

    p = subprocess.run(
        [sys.executable, "-c", SAVE_FAILS, *args],
        cwd=tmp,
        env=_env(),
        capture_output=True,
        text=True,
    )
    res = _judge_stop(p.returncode, p.stderr, sweep)
    if res.outcome != "ok":
        return res
    r, ev = _sweep(tmp, sweep, "seed=1,2,3")
    if r is not None:
        return r
    if len(study(sweep)) != 3 or _counts(ev)["ran"] != 2:
        return Result("lost", f"after the rerun: {_counts(ev)}, {len(study(sweep))} runs")
    return Result("ok", res.detail)


def _env() -> dict[str, str]:
    from audit_helpers import env

    return env()


def _judge_stop(code: int, stderr: str, sweep: Path) -> Result:
    if "Traceback" in stderr or "Logging error" in stderr:
        return Result("traceback", stderr.strip().splitlines()[-1])
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if code != 3 or not last.startswith("error: hydra.sweep.dir:"):
        return Result("message", f"exit {code}: {last}")
    if tmp := _tmp_files(sweep):
        return Result("message", f"temporary files left: {tmp[:2]}")
    return Result("ok", f"exit 3: {last[:100]}")


def sweep_on_a_full_tmpfs(tmp: Path) -> Result:
    if not has_tmpfs():
        return Result("skipped", "no unprivileged tmpfs (unshare -rm) here")
    sweep = tmp / "mnt" / "sw"
    cmd = f'"{sys.executable}" -m sim -m {" ".join(TINY)} seed=1,2,3 hydra.sweep.dir="{sweep}"'
    script = (
        f'{cmd} 2> "{tmp}/err1"; echo $? > "{tmp}/rc1"; '
        f'find "{sweep}" -name ".*tmp*" > "{tmp}/tmpfiles"; '
        f'mount -o remount,size=64m "{tmp}/mnt" && {cmd} 2> "{tmp}/err2"; echo $? > "{tmp}/rc2"; '
        f'ls "{sweep}/runs" | grep -vc "^\\." > "{tmp}/nruns"'
    )
    in_tmpfs(tmp, "64k", script)
    rc1, err1 = int((tmp / "rc1").read_text()), (tmp / "err1").read_text()
    res = _judge_stop(rc1, err1, tmp / "none")
    if (tmp / "tmpfiles").read_text().strip():
        return Result("message", "temporary files left on the full disk")
    if res.outcome != "ok":
        return res
    rc2, runs = int((tmp / "rc2").read_text()), int((tmp / "nruns").read_text() or 0)
    if "Traceback" in (tmp / "err2").read_text():
        return Result("traceback", "the rerun with room crashed")
    if rc2 != 0 or runs != 3:
        return Result("lost", f"rerun with room: exit {rc2}, {runs} runs (expected 3)")
    return Result("ok", f"{res.detail[:70]}; rerun with room: 3 runs")


def single_run_on_a_full_tmpfs(tmp: Path) -> Result:
    if not has_tmpfs():
        return Result("skipped", "no unprivileged tmpfs (unshare -rm) here")
    out = tmp / "mnt" / "run"
    cmd = f'"{sys.executable}" -m sim {" ".join(TINY)} hydra.run.dir="{out}"'
    script = f'{cmd}; echo $? > "{tmp}/rc"; find "{tmp}/mnt" -name ".*tmp*" > "{tmp}/tmpfiles"'
    p = in_tmpfs(tmp, "1m", script)
    rc, lines = int((tmp / "rc").read_text()), p.stderr.strip().splitlines()
    if "Traceback" in p.stderr:
        return Result("traceback", lines[-1])
    if rc == 0:
        return Result("ok", "the run fitted")
    ok = rc == 2 and len(lines) == 1 and lines[0].startswith("error: hydra.run.dir")
    if (tmp / "tmpfiles").read_text().strip():
        return Result("message", "temporary files left on the full disk")
    return Result("ok" if ok else "message", f"exit {rc}: {lines[-1] if lines else ''}")


KILL_ARGS = [
    "hydra/launcher=joblib",
    "hydra.launcher.n_jobs=2",
    "seed=range(0,6)",
    "graph.n=4000",
    "world.tick_hours=1",
    "world.horizon_days=6",
    "output.figures=false",
]


def killed_sweep_resumes_and_workers_exit(tmp: Path) -> Result:
    """SIGKILL the sweep's main process while runs are in flight: its workers exit; the same
    command finishes it with every run once and the same table as an uninterrupted sweep."""
    from sim.sweep.store import deterministic_columns

    ref, sweep = tmp / "ref", tmp / "sw"
    if (r := _sweep(tmp, ref, *KILL_ARGS)[0]) is not None:
        return r
    p = popen(["-m", *TINY, *KILL_ARGS, f"hydra.sweep.dir={sweep}"], tmp)
    runs = sweep / "runs"

    def one_finished() -> bool:  # a finished run; others are still in flight
        return runs.is_dir() and any(not q.name.startswith(".") for q in runs.iterdir())

    started = wait_for(one_finished, 120)
    workers = psutil.Process(p.pid).children(recursive=True)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    if not started or not workers:
        return Result("message", "the sweep did not reach its workers in time")
    _, alive = psutil.wait_procs(workers, timeout=20)
    if alive:
        for w in alive:
            w.kill()
        return Result("message", f"{len(alive)} workers of the killed sweep stayed alive")
    r, ev = _sweep(tmp, sweep, *KILL_ARGS)
    if r is not None:
        return r
    a, b = study(ref), study(sweep)
    cols = deterministic_columns(a)
    c = _counts(ev)
    if len(b) != 6 or b["prov.config_hash"].nunique() != 6 or c["ran"] + c["skipped"] != 6:
        return Result("lost", f"{len(b)} rows after the resume")
    if not a[cols].equals(b[cols]):
        return Result("silent", "the resumed table differs from the uninterrupted one")
    return Result("ok", f"workers exited; resume {c}; every run once; table equal")
