"""A batch of the study's runs as one Hydra multirun, on the launcher the study names.

With ``launcher=joblib|submitit_local|submitit_slurm|ray`` each batch the workbench hands
the evaluator (the whole scenario x policy design, or one generation of the search) becomes
``python -m sim -m hydra/sweeper=points ...`` over the same store as the ``pool`` path
(``<out>/_runs``): the same configs, so the same hashes and the same stored runs, whichever
launcher ran them, and a rerun on any launcher resumes from runs finished on another. Each
batch's job dirs go under ``<store>/jobs/<batch digest>/<job num>/`` (Hydra's job.json there
names the run's hash), its point list under ``<store>/points/<batch digest>.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from sim.errors import ConfigError
from sim.robust.schema import RobustConfig

ROOT = Path(__file__).resolve().parent.parent.parent


def launcher_args(cfg: RobustConfig) -> list[str]:
    """Hydra overrides that select the launcher and cap its parallelism at ``jobs``; the
    study's ``launcher_overrides`` come last, so they win."""
    j, extra = cfg.jobs, list(cfg.launcher_overrides)
    cap = {
        "joblib": [f"hydra.launcher.n_jobs={j}"],
        "submitit_local": [f"hydra.sweeper.max_batch_size={j}"],  # all of a batch start at once
        "submitit_slurm": [f"hydra.launcher.array_parallelism={j}"],
        # a running cluster (ray.init.address) decides its own CPUs; Ray refuses num_cpus then
        "ray": []
        if any(o.startswith("hydra.launcher.ray.init.address=") for o in extra)
        else [f"hydra.launcher.ray.init.num_cpus={j}"],
    }[cfg.launcher]
    return [f"hydra/launcher={cfg.launcher}", *cap, *extra]


def digest(todo: list[list[str]]) -> str:
    return hashlib.sha256(json.dumps(todo).encode()).hexdigest()[:16]


def command(cfg: RobustConfig, store: Path, points: Path, tag: str) -> list[str]:
    """The multirun of one batch (its points in the JSON file ``points``)."""
    return [
        sys.executable,
        "-m",
        "sim",
        "-m",
        "hydra/sweeper=points",
        f"hydra.sweeper.file={points}",
        f"hydra.sweep.dir={store}",
        f"hydra.sweep.subdir=jobs/{tag}/${{hydra.job.num}}",
        *launcher_args(cfg),
    ]


def failure(store: Path, overrides: list[str]) -> str:
    """The one-line error a failed run left in the store."""
    from sim.sweep import store as st

    rec = store / st.FAILED / f"{st.overrides_key(overrides)}.json"
    line = json.loads(rec.read_text())["error"] if rec.is_file() else "no failure record"
    return line if line.startswith("error: ") else f"error: a run failed: {line}"


def run_batch(cfg: RobustConfig, store: Path, todo: list[list[str]]) -> list[str]:
    """Run the override lists ``todo`` as one multirun into ``store``; their config hashes
    in order. A failed run raises RuntimeError with its one line (a ConfigError's line)."""
    store = store.resolve()
    tag = digest(todo)
    points = store / "points" / f"{tag}.json"
    points.parent.mkdir(parents=True, exist_ok=True)
    points.write_text(json.dumps(todo))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    rc = subprocess.run(command(cfg, store, points, tag), cwd=ROOT, env=env).returncode
    hashes = []
    for i, ovs in enumerate(todo):
        job = store / "jobs" / tag / str(i) / "job.json"
        rec = json.loads(job.read_text()) if job.is_file() else {}
        if rec.get("overrides") != ovs or rec.get("status") not in ("ran", "skipped"):
            if rec.get("status") == "failed":
                raise RuntimeError(failure(store, ovs))
            raise ConfigError(
                "robust.launcher",
                f"the {cfg.launcher} multirun (exit {rc}) left no result for job {i}; "
                "see its messages above",
            )
        hashes.append(str(rec["hash"]))
    return hashes
