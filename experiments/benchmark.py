"""Speed and scale benchmark (issue 6): writes results/benchmark.md, .json and two figures.

    scripts/python experiments/benchmark.py           # everything (~20-40 min)
    scripts/python experiments/benchmark.py --quick   # 10^4 and 10^5, a few minutes
    ... --only build --scale-one --merge results/benchmark.json      # big worlds' builds
    ... --only sweep --merge results/benchmark.json                   # redo one part, keep the rest
    ... --engines compiled                  # the full model in one engine (default: both)

Every configuration runs in its own process (experiments/benchmark_workers.py) so its peak
memory is its own. Seconds per tick are reported as CPU time of that process (the cost of
the code; numpy/scipy run single-threaded here) and as wall time (which adds waiting for a
core when the machine is shared); the targets are judged on CPU time, except the graph's
(wall time on a quiet machine: its draw runs on several threads).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORKER = ROOT / "experiments" / "benchmark_workers.py"
SWEEP_TARGET_RUNS = 1000  # issue 21: a 1,000-run karabakh2020 sweep at 10^4 in <= 3 minutes

from experiments.benchmark_build import build_rows  # noqa: E402
from experiments.benchmark_workers import size_overrides  # noqa: E402

PARTS = ("reference", "full", "graph", "sweep", "build", "anatomy", "demo", "big")


def job(args: argparse.Namespace, *argv) -> dict:
    """Run one worker; returns its JSON, or {'error': ...}."""
    cmd = [sys.executable, str(WORKER), *map(str, argv)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout} s"}
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        return {"error": (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1]}
    out = json.loads(lines[-1])
    print(f"  {' '.join(map(str, argv)):<42} {time.perf_counter() - t0:7.1f} s", flush=True)
    return out


def reference(args, sizes: list[int]) -> list[dict]:
    """Reference rules: compiled and numpy kernels, both per-agent Mesa forms (push, pull)."""
    rows: list[dict] = []
    for n in sizes:
        row = {
            "n": n,
            "compiled": job(args, "ref-compiled", n, args.ref_ticks),
            "vector": job(args, "ref-vector", n, args.ref_ticks),
        }
        for key, kind in (("mesa", "ref-mesa"), ("mesa_pull", "ref-mesa-pull")):
            res, note, guess = _mesa_job(args, rows, key, kind, n)
            row.update(
                {
                    key: res,
                    f"{key}_note": note,
                    f"{key}_guess_s": guess if not res.get("cpu") else None,
                }
            )
        row["note"] = row["mesa_note"]  # older reports read "note" and "mesa_guess_s"
        rows.append(row)
    return rows


def _mesa_job(args, rows: list[dict], key: str, kind: str, n: int) -> tuple[dict, str, float]:
    """One Mesa form at n users, unless a tick extrapolated from the last size exceeds 60 s."""
    if args.skip_mesa:
        return {}, "", 0.0
    prev = next((r[key] for r in reversed(rows) if r[key].get("cpu")), None)
    guess = float(np.mean(prev["cpu"])) * n / prev["n"] if prev else 0.0
    if guess > 60.0:
        return {}, f"not run: a tick would take about {guess:.0f} s (extrapolated linearly)", guess
    ticks = args.ref_ticks if n <= 10**5 else args.mesa_big_ticks
    res = job(args, kind, n, ticks)
    note = f"first {len(res.get('cpu', []))} ticks only" if n > 10**5 else ""
    return res, note, guess


def full_model(
    args, sizes: list[int], scenarios: list[str], ticks: int | None = None, engines=None
) -> list[dict]:
    """The full model per scenario and size, in each engine (``spread.engine``; the numpy
    reference beside the compiled default, so their ratio comes from one run)."""
    rows = []
    for sc in scenarios:
        for n in sizes:
            if sc != "default" and n > args.max_scenario_users:
                continue
            for engine in engines or args.engines.split(","):
                res = job(args, "full", n, ticks or args.full_ticks, sc, engine)
                rows.append({"scenario": sc, "n": n, "engine": engine, "res": res})
    return rows


def graphs(args, sizes: list[int]) -> list[dict]:
    return [
        {"kind": k, "n": n, "res": job(args, f"graph-{k}", n)}
        for k in ("social", "ba")
        for n in sizes
    ]


def sweep(args, scenario: str, workers: int) -> dict:
    """Runs per minute of a Hydra multirun at 10^4 users over the full horizon.

    Two sweeps, of ``workers`` runs and of ``sweep_runs`` runs: their difference is the
    marginal cost of a run (what a 1,000-run sweep pays), free of the fixed start-up of the
    launcher and its worker processes (imports, Hydra), which the small sweep measures. The
    sweep goes through the path every study takes (the ``checked`` sweeper: each worker
    composes a config shape once, sim.sweep.compose_cache), and the 1,000-run figure is
    projected as start-up + 1,000 marginal runs (``--sweep-runs 1000`` runs it for real)."""
    small = _sweep_once(args, scenario, workers, workers)
    big = _sweep_once(args, scenario, workers, args.sweep_runs)
    if "error" in small or "error" in big:
        return {"error": small.get("error") or big.get("error")}
    extra = args.sweep_runs - workers
    cpu_run = (big["cpu"] - small["cpu"]) / extra
    wall_run = (big["wall"] - small["wall"]) / extra
    n = SWEEP_TARGET_RUNS
    projected = (small["wall"] + (n - workers) * wall_run) / 60.0
    projected_idle = (small["wall"] + (n - workers) * cpu_run / workers) / 60.0
    print(
        f"  sweep {scenario} workers={workers}: {wall_run:.2f} s wall, {cpu_run:.2f} s CPU per "
        f"run; {n:,} runs: {projected:.1f} min (wall), {projected_idle:.1f} min (CPU-bound)",
        flush=True,
    )
    return {
        "projected_runs": n,
        "projected_min": projected,
        "projected_min_idle": projected_idle,
        "scenario": scenario,
        "workers": workers,
        "runs": args.sweep_runs,
        "wall": big["wall"],
        "startup_wall": small["wall"],
        "wall_per_run": wall_run,
        "per_min": 60.0 / wall_run,
        "cpu_per_run": cpu_run,
        "per_min_idle": 60.0 * workers / cpu_run,
    }


def sweep_with_split(args) -> dict:
    """The karabakh2020 sweep on 2 workers, with where a job's time goes (sweep_split.py)."""
    row = sweep(args, "karabakh2020", 2)
    cmd = [sys.executable, str(ROOT / "experiments" / "sweep_split.py"), "5", "karabakh2020"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, env=env)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    row["split"] = json.loads(lines[-1]) if p.returncode == 0 and lines else {}
    return row


def _sweep_once(args, scenario: str, workers: int, runs: int) -> dict:
    launcher = (
        ["hydra/launcher=basic"]
        if workers == 1
        else ["hydra/launcher=joblib", f"hydra.launcher.n_jobs={workers}"]
    )
    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as tmp:
        cmd = [
            str(ROOT / "run.sh"),
            "-m",
            *launcher,
            f"scenario={scenario}",
            f"seed=range(0,{runs})",
            "output.figures=false",
            "output.progress=false",
            "output.quiet=true",
            f"hydra.sweep.dir={tmp}",
            *size_overrides(scenario, 10**4)[1:],
        ]
        t0, c0 = time.perf_counter(), _children_cpu()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, cwd=ROOT)
        wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1]}
    return {"wall": wall, "cpu": cpu}


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def machine() -> dict:
    model = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        "unknown",
    )
    import mesa
    import numpy
    import scipy

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "ram_gib": psutil.virtual_memory().total / 2**30,
        "available_gib": psutil.virtual_memory().available / 2**30,
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "mesa": mesa.__version__,
        "commit": commit,
        "load_start": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def parse(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="10^4 and 10^5 users, short runs")
    ap.add_argument("--max-users", type=int, default=10**7, help="largest population measured")
    ap.add_argument(
        "--max-scenario-users", type=int, default=10**6, help="largest karabakh2020 run"
    )
    ap.add_argument("--ref-ticks", type=int, default=200, help="cap on reference-rule ticks")
    ap.add_argument("--mesa-big-ticks", type=int, default=5, help="Mesa ticks above 10^5 users")
    ap.add_argument("--full-ticks", type=int, default=10**9, help="cap on full-model ticks")
    ap.add_argument("--big-ticks", type=int, default=96, help="ticks of the 10^7-user full run")
    ap.add_argument(
        "--engines",
        default="compiled,numpy",
        help="spread engines of the full model (comma list); 10^7 runs the first only",
    )
    ap.add_argument("--from-json", type=Path, help="only write the report from saved raw results")
    ap.add_argument(
        "--only",
        default=",".join(PARTS),
        help="comma list of parts to run (reference, full, graph, sweep, build, anatomy, demo, "
        "big = 10^7)",
    )
    ap.add_argument("--merge", type=Path, help="raw results to keep for the parts not run")
    ap.add_argument("--sweep-runs", type=int, default=24, help="runs per sweep measurement")
    ap.add_argument(
        "--scale-one", action="store_true", help="build part: karabakh2020 at scale 1.0, full run"
    )
    ap.add_argument("--huge", action="store_true", help="build part: 10^8 users (>= 24 GiB free)")
    ap.add_argument("--skip-mesa", action="store_true")
    ap.add_argument("--skip-sweep", action="store_true")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per configuration")
    ap.add_argument("--out", type=Path, default=ROOT / "results")
    a = ap.parse_args(argv)
    if a.quick:
        a.max_users, a.max_scenario_users = (
            min(a.max_users, 10**5),
            min(a.max_scenario_users, 10**5),
        )
        a.full_ticks, a.sweep_runs = min(a.full_ticks, 48), min(a.sweep_runs, 8)
    return a


def main(argv=None) -> None:
    from experiments.benchmark_report import write_report

    args = parse(argv)
    if args.from_json:  # re-render a saved (possibly partial) run
        res = json.loads(args.from_json.read_text())
        print(write_report(res, args.out))
        return
    info = machine()
    small = [n for n in (10**4, 10**5, 10**6) if n <= args.max_users]
    big = [10**7] if args.max_users >= 10**7 and info["available_gib"] > 12 else []
    scenarios = ["default"] + (
        ["karabakh2020"] if (ROOT / "conf/scenario/karabakh2020.yaml").exists() else []
    )
    print(f"benchmark on {info['cores']} cores, {info['cpu']}", flush=True)
    only = set(args.only.split(","))
    res = {
        "machine": info,
        "args": {k: str(v) for k, v in vars(args).items()},
        "reference": [],
        "full": [],
        "graph": [],
        "sweep": [],
        "build": [],
        "anatomy": [],
        "demo": [],
    }
    if args.merge:  # keep the other parts' rows; the parts run now replace theirs
        old = json.loads(args.merge.read_text())
        big_rows = {"full": lambda r: r["n"] >= 10**7, "graph": lambda r: r["n"] >= 10**7}
        for name in ("reference", "full", "graph", "sweep", "build", "anatomy", "demo"):
            keep_big = "big" not in only and name in big_rows
            keep_small = name not in only
            res[name] = [
                r
                for r in old.get(name, [])
                if (keep_big and big_rows[name](r))
                or (keep_small and not (name in big_rows and big_rows[name](r)))
            ]
        res["kept"] = {
            **{k: v for k, v in old.get("kept", {}).items() if k not in only},
            **{  # where the kept parts were measured
                part: old.get("kept", {}).get(
                    part,
                    {
                        "date": old["machine"]["date"],
                        "commit": old["machine"]["commit"],
                        "cpu": old["machine"].get("cpu", ""),
                    },
                )
                for part in PARTS
                if part not in only and (part in old or part == "big")
            },
        }
    partial = args.out / "benchmark_partial.json"  # raw results so far, if a later step dies
    args.out.mkdir(parents=True, exist_ok=True)
    # 10^7 last: on a shared machine it is the slowest part, and the rest is kept if it dies.
    steps = [
        ("reference", "reference", lambda: reference(args, small)),
        ("full", "full", lambda: full_model(args, small, scenarios)),
        (
            "graph",
            "graph",
            lambda: graphs(args, [n for n in (10**5, 10**6) if n <= args.max_users]),
        ),
        (
            "sweep",
            "sweep",
            lambda: (
                []
                if args.skip_sweep
                else [sweep(args, "default", 1), sweep(args, "default", 2)]
                + ([sweep_with_split(args)] if "karabakh2020" in scenarios else [])
            ),
        ),
        ("build", "build", lambda: build_rows(args, job)),
        ("anatomy", "anatomy", lambda: [job(args, "anatomy", min(10**6, args.max_users), 336)]),
        ("demo", "demo", lambda: [job(args, "demo", sc, 200) for sc in scenarios]),
        (
            "big",
            "full",
            lambda: full_model(args, big, ["default"], args.big_ticks, args.engines.split(",")[:1]),
        ),
        ("big", "graph", lambda: graphs(args, big)),
    ]
    for part, name, fn in steps:
        if part in only:
            res[name] = res[name] + fn()
        partial.write_text(json.dumps(res))
    info["load_end"] = os.getloadavg()
    text = write_report(res, args.out)
    partial.unlink()
    print(text)


if __name__ == "__main__":
    main()
