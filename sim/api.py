"""Run one simulation from a validated SimConfig: the entry point for the CLI, sweeps,
experiments and the demo alike."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.config.schema import SimConfig


@dataclass
class RunResult:
    summary: dict[str, Any]
    timeseries: pd.DataFrame
    actors: pd.DataFrame | None
    model: Any = None  # the InfoWarModel (None in validation modes)
    cascades: Any = None  # sim.cascades.run.CascadeTables when output.cascades is on


def run_infowar(cfg: SimConfig, progress: bool = False) -> RunResult:
    from sim.cascades.run import collect
    from sim.model import InfoWarModel
    from sim.summary import summarize

    t0 = time.perf_counter()
    model = InfoWarModel(cfg)
    t1 = time.perf_counter()
    model.run(progress=progress)
    summary = summarize(model)
    tables = collect(model)
    if tables is not None:
        summary["cascades"] = tables.summary
    summary["timing"] = {
        "build_s": round(t1 - t0, 3),
        "run_s": round(time.perf_counter() - t1, 3),
        "phases_s": {k: round(v, 3) for k, v in model.phase_seconds.items()},
    }
    ts, actors = model.metrics.timeseries(), model.metrics.actors_table()
    return RunResult(summary, ts, actors, model, tables)


def run_validation_mode(cfg: SimConfig, progress: bool = False) -> RunResult:
    from sim.modes import run_mode
    from sim.population import build_world

    built = build_world(cfg)
    followers = built.followers
    res = run_mode(cfg.mode, followers, cfg.spread, built.streams.get("spread"), progress=progress)
    summary = {
        "seed": cfg.seed,
        "users": int(followers.shape[0]),
        "follows": int(followers.nnz),
        **res.summary,
    }
    return RunResult(summary, res.timeseries, None)


def run(
    cfg: SimConfig,
    out: Path | None = None,
    progress: bool = False,
    provenance: tuple[dict[str, Any], dict[str, Any]] | None = None,
) -> RunResult:
    """Run and, when ``out`` is given, write the outputs there. ``provenance`` (a single
    run's, from ``sim.__main__.run_provenance``) is (what goes into summary.json, what goes
    into timing.json)."""
    fn = run_infowar if cfg.mode == "infowar" else run_validation_mode
    res = fn(cfg, progress=progress)
    if provenance is not None:
        prov, clock = provenance
        res.summary["provenance"] = prov
        res.summary.setdefault("timing", {}).update(clock)
    if out is not None:
        from sim.outputs import write_run

        world = res.model.world if res.model is not None else None
        write_run(
            Path(out),
            res.timeseries,
            res.actors,
            res.summary,
            cfg.output.figures and world is not None,
            world,
            cascades=res.cascades,
        )
    return res
