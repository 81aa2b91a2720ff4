"""Run the workbench's experiments through the project's own sweep store.

``SweepEvaluator`` is an EMA workbench evaluator: the workbench samples and combines the
scenarios and policies and collects (experiments, outcomes) as usual, but every run goes
through ``sim.sweep.job.evaluate`` in joblib workers (``launcher=pool``), or as one
``python -m sim -m`` multirun per batch on a Hydra launcher (joblib, submitit local or
SLURM, Ray: ``sim.robust.launch``). Either way each run is keyed by its config
hash in ``<store>/runs/``: a second call reads finished runs back instead of running them
(the study resumes), results do not depend on worker count or order, and
``sim.sweep.load_study(<store>)`` sees every run. ``run_point`` is the same model run
without the store, for the workbench's own evaluators (and the tests that compare them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ema_workbench.em_framework.evaluators import BaseEvaluator

from sim.robust.space import OUTCOMES, Space, overrides

LAUNCHER = "robust"


def _point(experiment: Any) -> dict[str, Any]:
    return {**dict(experiment.scenario), **dict(experiment.policy)}


def mean_outcomes(space: Space, rows: list[Any]) -> dict[str, float]:
    """The outcomes of one experiment: each summary number averaged over its seeds."""
    keys = space.outcome_keys
    return {name: sum(float(r[keys[name]]) for r in rows) / len(rows) for name in OUTCOMES}


def run_point(space: Space, **point: Any) -> dict[str, float]:
    """One experiment in this process, no store: the plain model function."""
    from sim.api import run
    from sim.cli import load

    summaries = []
    for seed in range(space.cfg.seeds):
        res = run(load(overrides(space, point, seed)), progress=False)
        summaries.append(_flat(res.summary))
    return mean_outcomes(space, summaries)


def _flat(summary: dict[str, Any]) -> dict[str, Any]:
    from sim.sweep.store import flatten

    return flatten(summary)


def check_points(space: Space, points: list[dict[str, Any]]) -> None:
    """Compose and validate these points' runs here, so a bad study stops with one line
    (ConfigError) before any worker starts."""
    from sim.cli import load

    for point in points:
        load(overrides(space, point, 0))


def _pick(row: Any, keys: list[str]) -> dict[str, Any]:
    """The summary numbers ``keys`` of a stored row (the whole row stays in the store)."""
    from sim.errors import ConfigError

    missing = [k for k in keys if k not in row.index]
    if missing:
        raise ConfigError(
            "robust.outcomes",
            f"the run summary has no key '{missing[0]}'; allowed: keys of summary.json "
            "joined by '.', e.g. misinformation.rival_fake.peak",
        )
    return {k: row[k] for k in keys}


def _evaluate(ovs: list[str], store: Path, keys: list[str]) -> dict[str, Any]:
    """``sim.sweep.job.evaluate`` in a worker, returning only the summary numbers ``keys``;
    a ConfigError comes back as one line."""
    from sim.errors import ConfigError
    from sim.sweep.job import evaluate

    try:
        return _pick(evaluate(ovs, store, LAUNCHER), keys)
    except ConfigError as e:
        raise RuntimeError(e.line()) from None


def _launched(space: Space, store: Path, todo: list[list[str]], keys: list[str]) -> list[Any]:
    """The batch as one multirun on the study's Hydra launcher, rows read from the store."""
    import pandas as pd

    from sim.errors import ConfigError
    from sim.robust.launch import run_batch
    from sim.sweep import store as st

    hashes = run_batch(space.cfg, store, todo)
    try:
        return [
            _pick(pd.read_parquet(store / st.RUNS / h / st.RESULT).iloc[0], keys) for h in hashes
        ]
    except ConfigError as e:
        raise RuntimeError(e.line()) from None


class SweepEvaluator(BaseEvaluator):
    """Evaluate experiments through the sweep store under ``store``: in joblib workers of
    this process (``launcher=pool``) or as Hydra multiruns on the study's launcher."""

    def __init__(self, model: Any, space: Space, store: Path, jobs: int = 1) -> None:
        super().__init__(model)
        self.space, self.store, self.jobs = space, Path(store), jobs
        self.runs = 0  # runs asked for (ran or read back), for the report

    def initialize(self) -> None:
        self.store.mkdir(parents=True, exist_ok=True)

    def finalize(self) -> None:
        """Nothing to release: joblib's workers are reused across calls."""

    def evaluate_experiments(
        self, experiments: Iterable[Any], callback: Callable, **kwargs: Any
    ) -> None:
        from joblib import Parallel, delayed

        exps = list(experiments)
        seeds = range(self.space.cfg.seeds)
        todo = [overrides(self.space, _point(e), s) for e in exps for s in seeds]
        print(f"robust: {len(exps)} experiments x {len(seeds)} seeds", file=sys.stderr)
        keys = list(self.space.outcome_keys.values())
        if self.space.cfg.launcher == "pool":
            rows = Parallel(n_jobs=self.jobs)(
                delayed(_evaluate)(ovs, self.store, keys) for ovs in todo
            )
        else:
            rows = _launched(self.space, self.store, todo, keys)
        self.runs += len(todo)
        k = len(seeds)
        for i, e in enumerate(exps):
            callback(e, mean_outcomes(self.space, rows[i * k : (i + 1) * k]))
