"""Where a sweep job's time goes: one process does what a Hydra multirun job does, step by step.

    scripts/python experiments/sweep_split.py [RUNS] [SCENARIO] [USERS] [OVERRIDE ...]
    # prints one JSON line; e.g. ... 5 karabakh2020 10000 hydra.output_subdir=null

Steps, in the order a job meets them: the launcher hands the job over (joblib pickles Hydra's
context, the master config and the ConfigStore to the worker; the pickle round trip here, for
a task of one job and per job of a task of four), Hydra's job record comes back the same way,
Hydra composes the job's config (from scratch, and from the per-shape cache of
``sim.sweep.compose_cache``), Hydra's own job set-up (``hydra.core.utils.run_job`` with a
task that does nothing: config copies, ``.hydra/*.yaml``, logging), validation
(``to_sim_config``), the build (world, crowd, graph, actors), the ticks, the summary and
tables, the run's files (``write_run``), and the store's record (config.json, provenance,
result.parquet, the fsynced rename). Each is timed over RUNS seeds after one warm-up run,
as wall and CPU seconds per run. Called by experiments/benchmark.py.
"""

from __future__ import annotations

import json
import pickle
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

T: dict[str, list[tuple[float, float]]] = defaultdict(list)


def timed(name: str, fn: Any, *args: Any, share: int = 1, **kwargs: Any) -> Any:
    """Call ``fn``; record its wall and CPU seconds (divided by ``share`` runs) as ``name``."""
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    T[name].append(((time.perf_counter() - w) / share, (time.process_time() - c) / share))
    return out


def hydra_setup(sweep: Path, overrides: list[str]) -> tuple[Any, Any]:
    """(Hydra's config loader, the multirun's master config), as the sweeper has them."""
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.types import RunMode

    from sim.config.paths import CONF_DIR
    from sim.config.store import register

    register(CONF_DIR)
    initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3")
    loader = GlobalHydra.instance().config_loader()
    master = loader.load_configuration(
        "config", [*overrides, f"hydra.sweep.dir={sweep}"], RunMode.MULTIRUN
    )
    return loader, master


def one_job(i: int, job: list[str], sweep: Path, loader: Any, cached: Any, master: Any) -> None:
    from hydra.core.hydra_config import HydraConfig
    from hydra.core.singleton import Singleton
    from hydra.core.utils import run_job
    from hydra.types import HydraContext
    from joblib.externals import cloudpickle
    from omegaconf import open_dict

    from sim.config.validate import to_sim_config
    from sim.model import InfoWarModel
    from sim.outputs import write_run
    from sim.summary import summarize
    from sim.sweep import store
    from sim.sweep.provenance import provenance

    ctx = HydraContext(config_loader=cached, callbacks=_callbacks())
    blob = (ctx, master, Singleton.get_state())
    timed("dispatch", lambda: pickle.loads(cloudpickle.dumps(blob)))  # as loky does
    four = [blob] * 4  # a task of 4 jobs (the checked sweeper's joblib batches): one context
    timed("dispatch (4 per task)", lambda: pickle.loads(cloudpickle.dumps(four)), share=4)
    timed("compose (Hydra)", loader.load_sweep_config, master, job)
    cfg = timed("compose (cached)", cached.load_sweep_config, master, job)
    with open_dict(cfg):
        cfg.hydra.job.num, cfg.hydra.job.id = i, f"job_{i}"
    HydraConfig.instance().set_config(cfg)
    keys = ("hydra.sweep.dir", "hydra.sweep.subdir")
    ret = timed("Hydra job set-up", run_job, lambda c: None, cfg, *keys, hydra_context=ctx)
    timed("job return", lambda: pickle.loads(cloudpickle.dumps(ret)))  # worker -> main
    sc = timed("validate", to_sim_config, cfg)
    m = timed("build", InfoWarModel, sc)
    timed("ticks", m.run, progress=False)
    summary = timed("summary, tables", summarize, m)
    ts, actors = timed(
        "summary, tables", lambda: (m.metrics.timeseries(), m.metrics.actors_table())
    )
    h = store.config_hash(sc)
    staging = store.staging_dir(sweep, h)
    timed("run files", write_run, staging, ts, actors, summary, False, m.world)

    def record() -> None:
        from sim.outputs import write_json

        write_json(store.config_dict(sc), staging / "config.json")
        prov = provenance(h, sc.seed, 0.0, "", "split", job)
        row = store.result_row(store.params_from_overrides(job), summary, prov)
        store.write_row(row, staging / store.RESULT)
        store.commit(staging, sweep / store.RUNS / h)

    timed("store record", record)


def _callbacks() -> Any:
    from hydra._internal.callbacks import Callbacks

    return Callbacks()


def main(argv: list[str]) -> dict[str, Any]:
    from experiments.benchmark_workers import size_overrides
    from sim.sweep.compose_cache import CachingConfigLoader

    runs = int(argv[0]) if argv else 5
    scenario = argv[1] if len(argv) > 1 else "karabakh2020"
    users = int(argv[2]) if len(argv) > 2 else 10**4
    extra = ["output.figures=false", "output.progress=false", "output.quiet=true", *argv[3:]]
    with tempfile.TemporaryDirectory(prefix="sweep_split_") as tmp:
        sweep = Path(tmp)
        base = [*size_overrides(scenario, users), *extra]  # every job carries them, as in a sweep
        loader, master = hydra_setup(sweep, base)
        cached = CachingConfigLoader(loader)
        for i in range(runs + 1):
            one_job(i, [*base, f"seed={i}"], sweep, loader, cached, master)
            if i == 0:  # warm-up: first imports, numba caches, the cache's first shape
                T.clear()
    out = {
        k: {"wall": sum(w for w, _ in v) / runs, "cpu": sum(c for _, c in v) / runs}
        for k, v in T.items()
    }
    return {"scenario": scenario, "users": users, "runs": runs, "steps": out}


if __name__ == "__main__":
    res = main(sys.argv[1:])
    for k, v in res["steps"].items():
        print(f"# {k:18s} wall {v['wall']:.3f} s   CPU {v['cpu']:.3f} s", file=sys.stderr)
    print(json.dumps(res))
