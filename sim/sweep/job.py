"""One job of a multirun: validate, skip if already finished, run, commit atomically, never raise.

Runs inside whatever process the launcher chose (the main process, a joblib/loky worker, a
Ray worker, a submitit subprocess or SLURM node), so it shares nothing with the others but the
file system: its result appears by one rename, and its outcome is appended to
``<sweep>/events.jsonl`` (one short line, O_APPEND) for the progress bar and the final report.
The result is the record; the event line is progress only: a job killed between its commit and
that append finished once and leaves no line (a resumed sweep then logs it as skipped).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import DictConfig

from sim.sweep import store

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("sim.sweep")
# A log line that cannot be written (Hydra logs each job to a file in the sweep; the disk may
# be full) must not print a traceback: the job's outcome is in events.jsonl and failed/.
logging.raiseExceptions = False
EVENTS = "events.jsonl"
# The id of the multirun this process works for: set by SweepCallback in the main process
# and, in workers, when Hydra's context (which carries the callback) is unpickled. Every
# event carries it, so two multiruns sharing one store each count only their own jobs.
SWEEP_ID: str | None = None


_watching = False


def exit_with_parent(poll_s: float = 1.0) -> None:
    """In a worker process: exit as soon as the process that started it is gone (a killed
    sweep must not leave workers holding memory). A daemon thread compares the parent pid,
    which changes when the parent dies and the worker is re-parented; started once."""
    global _watching
    if _watching:
        return
    _watching = True
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)

    import threading

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def append_event(sweep: Path, event: dict[str, Any]) -> None:
    """Append one JSON line with a single write (atomic for short lines on a local fs)."""
    line = (json.dumps(event, sort_keys=True) + "\n").encode()
    fd = os.open(sweep / EVENTS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def record_failure(
    sweep: Path, key: str, overrides: list[str], h: str | None, err: BaseException
) -> None:
    from sim.errors import ConfigError
    from sim.outputs import write_json

    d = sweep / store.FAILED
    d.mkdir(parents=True, exist_ok=True)
    line = err.line() if isinstance(err, ConfigError) else f"{type(err).__name__}: {err}"
    write_json(
        {
            "overrides": overrides,
            "config_hash": h,
            "error": line,
            "traceback": "".join(traceback.format_exception(err)),
        },
        d / f"{key}.json",
    )


def clear_failure(sweep: Path, key: str) -> None:
    (sweep / store.FAILED / f"{key}.json").unlink(missing_ok=True)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (a worker's peak over all its runs)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def execute(sc: Any, h: str, sweep: Path, overrides: list[str], launcher: str) -> dict[str, Any]:
    """Run into a staging dir, add config.json and result.parquet, rename into runs/<hash>."""
    from sim.api import run
    from sim.outputs import write_json
    from sim.population import reuse_stats, reusing_worlds
    from sim.sweep.provenance import provenance

    started = datetime.now(UTC).isoformat(timespec="seconds")
    staging = store.staging_dir(sweep, h)
    try:
        t0, c0, reused = time.perf_counter(), time.process_time(), reuse_stats["reused"]
        with reusing_worlds():  # this worker's runs with one seed and world share its graph
            res = run(sc, out=staging, progress=False)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        write_json(store.config_dict(sc), staging / "config.json")
        prov = provenance(h, sc.seed, wall, started, launcher, overrides)
        prov.update(cpu_s=round(cpu, 3), maxrss_mb=round(peak_rss_mb(), 1))
        prov["inputs"] = store.input_digests(sc)
        params = store.params_from_overrides(overrides)
        if "doe" in params:  # a SALib design point: its values become parameter columns
            from sim.sweep.doe import doe_params

            params.update(doe_params(str(params["doe"])))
        row = store.result_row(params, res.summary, prov)
        store.write_row(row, staging / store.RESULT)
        committed = store.commit(staging, sweep / store.RUNS / h)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    world = "reused" if reuse_stats["reused"] > reused else "built"
    return {"status": "ran" if committed else "skipped", "wall_s": round(wall, 3), "world": world}


def run_job(cfg: DictConfig, hc: Any) -> dict[str, Any]:
    """The multirun task: runs the job's point, or every point of its batch (sim.sweep.batch);
    returns the first point's {'hash', 'status', ...}; failures are recorded, not raised."""
    from sim.outputs import write_json
    from sim.sweep import batch

    sweep = Path(hc.sweep.dir).resolve()
    sweep.mkdir(parents=True, exist_ok=True)
    overrides = [str(o) for o in hc.overrides.task]
    launcher = str(hc.runtime.choices.get("hydra/launcher", "basic"))
    points, plain = batch.read(sweep, SWEEP_ID, overrides)
    outs = []
    for i, point in enumerate(points):
        outs.append(run_point(cfg, point, plain if i else None, sweep, launcher))
    job_dir = Path(hc.runtime.output_dir)
    job_dir.mkdir(parents=True, exist_ok=True)
    record = {**outs[0], "overrides": overrides}
    if len(points) > 1:
        record["batch"] = [{**o, "overrides": p} for o, p in zip(outs, points)]
    write_json(record, job_dir / "job.json")
    return outs[0]


def run_point(
    cfg: DictConfig, overrides: list[str], plain: list[int] | None, sweep: Path, launcher: str
) -> dict[str, Any]:
    """One run of the job: ``cfg`` as composed, or (``plain`` given) first set to this point's
    plain values (``sim.sweep.batch.set_values``). Appends its event line."""
    from sim.config.validate import to_sim_config

    key = store.overrides_key(overrides)
    h: str | None = None
    out: dict[str, Any]
    t0 = time.perf_counter()
    try:
        if plain is not None:
            from sim.sweep.batch import set_values

            set_values(cfg, overrides, plain)
        sc = to_sim_config(cfg)
        h = store.config_hash(sc)
        if store.is_finished(sweep, h):
            out = {"status": "skipped"}
        else:
            from sim.memory import output_bytes
            from sim.rundir import check_space

            check_space(sweep, output_bytes(sc), "hydra.sweep.dir")
            out = execute(sc, h, sweep, overrides, launcher)
        clear_failure(sweep, key)
    except Exception as e:  # one bad run must not stop the sweep
        record_failure(sweep, key, overrides, h, e)
        out = {"status": "failed", "error": f"{type(e).__name__}: {e}".splitlines()[0]}
    out.update(hash=h, key=key, pid=os.getpid(), t=round(time.time(), 3), sweep=SWEEP_ID)
    append_event(sweep, out)
    log.info(
        "%s %s in %.2f s (%s)",
        out["status"],
        h or key,
        time.perf_counter() - t0,
        " ".join(overrides),
    )
    return out


def evaluate(overrides: list[str], sweep: Path, launcher: str = "inprocess") -> pd.Series:
    """Run one config in this process through the store (or reuse it); its result row.

    For drivers that choose configs one at a time (Optuna): same hash, same files, same
    provenance as a Hydra job, so ``load_study(sweep)`` sees these runs too.
    """
    import pandas as pd

    from sim.cli import load

    sc = load(overrides)
    h = store.config_hash(sc)
    sweep = Path(sweep).resolve()
    if not store.is_finished(sweep, h):
        out = execute(sc, h, sweep, overrides, launcher)
        append_event(
            sweep,
            {
                **out,
                "hash": h,
                "key": store.overrides_key(overrides),
                "pid": os.getpid(),
                "t": round(time.time(), 3),
            },
        )
    return pd.read_parquet(sweep / store.RUNS / h / store.RESULT).iloc[0]
