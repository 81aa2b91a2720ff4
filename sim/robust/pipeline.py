"""The study end to end: sample, search, run, analyse (writes nothing but tables and runs).

Order: the workbench's Latin hypercube draws the scenarios (from the named stream
``robust/lhs``); the search finds the Pareto set in the reference scenario; then every
named lever set and every picked Pareto policy is run in every scenario with the same
seeds, through the sweep store under ``<out>/_runs``. A rerun finds the finished runs
there and reads them back, so an interrupted study resumes where it stopped.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.robust.discovery import Box, cart_boxes, fails, prim_box, uncertainty_frame
from sim.robust.evaluator import SweepEvaluator, check_points, run_point
from sim.robust.robustness import compare, ranking, table
from sim.robust.schema import RobustConfig
from sim.robust.search import pareto_policies, pareto_search, thin
from sim.robust.sizing import Sizing
from sim.robust.space import Space, build, lever_sets, workbench_model


@dataclass
class Study:
    """What the report needs."""

    cfg: RobustConfig
    space: Space
    experiments: pd.DataFrame
    outcomes: dict[str, np.ndarray]
    front: pd.DataFrame
    picked: pd.DataFrame
    rank: pd.DataFrame
    x: pd.DataFrame  # the defence's uncertainty points
    y: np.ndarray  # where the defence fails
    prim: Box | None
    cart: list[Box]
    versus: pd.DataFrame  # each policy against the top one, paired by scenario
    sizing: Sizing
    runs: int
    minutes: float
    load: tuple[float, float] | None = None  # the machine's load average (1, 15 min) at the end
    ran_on: str | None = None  # "<commit>, <UTC time>" of the runs, when read back from study.json

    @property
    def fail_by(self) -> dict[str, int]:
        """How many of the defence's scenarios fail by each criterion."""
        o, mask = self.cfg.outcomes, self.defence_mask
        mis = np.asarray(self.outcomes["misinformation"])[mask] > o.reach_threshold
        sup = np.asarray(self.outcomes["support"])[mask] < o.support_level
        return {"misinformation": int(mis.sum()), "support": int(sup.sum())}

    @property
    def defence_mask(self) -> np.ndarray:
        return (self.experiments["policy"].astype(str) == self.cfg.outcomes.defence).to_numpy()


def scenarios(space: Space) -> list[Any]:
    """The workbench's Latin hypercube over the uncertainties (from a fixed named stream),
    as scenarios named s0000, s0001...: the names stay the same in every call and rerun
    (the workbench would number them from a process-wide counter)."""
    from ema_workbench import Sample
    from ema_workbench.em_framework.samplers import LHSSampler

    from sim.rng import stream

    rng = stream(space.cfg.sample_seed, "robust/lhs")
    lhs = LHSSampler().generate_samples(space.uncertainties, space.cfg.scenarios, rng=rng)
    return [Sample(f"s{i:04d}", **dict(s)) for i, s in enumerate(lhs)]


def precheck(space: Space, scen: Any, policies: list[Any]) -> None:
    """One line and exit 2 for a bad study, before any worker starts: the first scenario
    with every lever set, and every rival tactic set."""
    from sim.robust.space import TACTICS

    first = dict(scen[0])
    points = [{**first, **dict(p)} for p in policies]
    points += [{**first, TACTICS: t} for t in space.cfg.uncertainties.rival.tactics]
    check_points(space, points)


def defence_failures(
    space: Space, experiments: pd.DataFrame, outcomes: dict[str, np.ndarray]
) -> tuple[pd.DataFrame, np.ndarray]:
    """The uncertainty points of the study's defence and whether it failed there."""
    mask = (experiments["policy"].astype(str) == space.cfg.outcomes.defence).to_numpy()
    x = uncertainty_frame(experiments[mask], [p.name for p in space.uncertainties])
    y = fails({k: np.asarray(v)[mask] for k, v in outcomes.items()}, space.cfg.outcomes)
    return x, y


def run_study(cfg: RobustConfig, out: Path, root: Path) -> Study:
    from ema_workbench import perform_experiments

    t0 = time.monotonic()
    space = build(cfg, root)
    model = workbench_model(space, functools.partial(run_point, space))
    scen = scenarios(space)
    sets = lever_sets(space)
    precheck(space, scen, sets)
    with SweepEvaluator(model, space, out / "_runs", cfg.jobs) as ev:
        front = pareto_search(model, space, ev, out)
        pareto = pareto_policies(front, space)
        experiments, outcomes = perform_experiments(
            model, scenarios=scen, policies=sets + pareto, evaluator=ev
        )
    import os

    study = analyse(space, experiments, outcomes, front, ev.runs, (time.monotonic() - t0) / 60)
    load1, _, load15 = os.getloadavg()
    study.load = (load1, load15)
    return study


def analyse(
    space: Space,
    experiments: pd.DataFrame,
    outcomes: dict[str, np.ndarray],
    front: pd.DataFrame,
    runs: int,
    minutes: float,
) -> Study:
    """Ranking and scenario discovery of finished experiments (also from saved results)."""
    cfg = space.cfg
    tab = table(experiments, outcomes)
    q, seed = cfg.satisficing_quantile, cfg.sample_seed
    rank = ranking(tab, cfg.outcomes, q, seed)
    versus, sizing = compare(tab, rank, cfg.outcomes, q, seed, cfg.target_halfwidth)
    x, y = defence_failures(space, experiments, outcomes)
    return Study(
        cfg=cfg,
        space=space,
        experiments=experiments,
        outcomes=outcomes,
        front=front,
        picked=thin(front, cfg.search.max_pareto),
        rank=rank,
        x=x,
        y=y,
        prim=prim_box(x, y),
        cart=cart_boxes(x, y),
        versus=versus,
        sizing=sizing,
        runs=runs,
        minutes=minutes,
    )


def reload(cfg: RobustConfig, out: Path, root: Path) -> Study:
    """The analysis of the study saved under ``out`` by its last full run, no runs."""
    import json

    from ema_workbench import load_results

    from sim.errors import ConfigError

    saved = out / "workbench_results.tar.gz"
    if not saved.is_file():
        raise ConfigError("--analyse-only", f"no saved study in {out}; run it first")
    experiments, outcomes = load_results(str(saved))
    meta = json.loads((out / "study.json").read_text())
    front = pd.read_csv(out / "pareto_front.csv")
    study = analyse(build(cfg, root), experiments, outcomes, front, meta["runs"], meta["minutes"])
    study.load = tuple(meta["load"]) if meta.get("load") else None
    if meta.get("commit"):
        study.ran_on = f"{meta['commit']}, {meta.get('finished_utc', '?')} UTC"
    return study
