"""One benchmark measurement per process (called by experiments/benchmark.py).

Each configuration runs in a fresh interpreter so its peak RSS is its own. Usage:
``python experiments/benchmark_workers.py KIND N [MAX_TICKS] [SCENARIO]`` with KIND one of
``ref-vector`` (numpy), ``ref-compiled`` (numba), ``ref-mesa`` (lean push form),
``ref-mesa-pull`` (plain pull form), ``full``, ``graph-social``, ``graph-ba``; prints one
JSON line. ``demo SCENARIO TICKS`` and ``anatomy N TICKS``: see benchmark_anatomy.
``full`` takes ``[SCENARIO] [ENGINE]`` after MAX_TICKS (``spread.engine``:
compiled, the default, or numpy). ``build SIZE TICKS SCENARIO`` measures a world's build
(experiments/benchmark_build).

Times are taken twice: wall clock and this process's CPU time. numpy and scipy.sparse run
single-threaded here, so on an idle machine the two agree; on a shared machine the CPU time
is the cost of the code and the wall time adds waiting for a core.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    from sim.reference.mesa_rules import MesaRules
    from sim.reference.simple_jit import CompiledRules
    from sim.reference.simple_rules import SimpleRules


def _rss() -> int:
    return psutil.Process().memory_info().rss


def _held_rss() -> int:
    """Resident memory after handing freed heap pages back to the OS (glibc's
    malloc_trim), so it counts what the program holds, not the allocator's cache."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    return _rss()


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Clock:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Clock:
        self.w, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.w, time.process_time() - self.c


def _ticks(step, active, max_ticks: int) -> tuple[list[float], list[float]]:
    wall: list[float] = []
    cpu: list[float] = []
    while active() and len(wall) < max_ticks:
        with Clock() as c:
            step()
        wall.append(c.wall)
        cpu.append(c.cpu)
    return wall, cpu


def ref(kind: str, n: int, max_ticks: int) -> dict:
    from sim.reference.simple_rules import RefParams, SimpleRules, ba_graph, seed_users
    from sim.rng import Streams

    jit = _load_kernel() if kind == "ref-compiled" else None
    p, s, base = RefParams(n=n), Streams(0), _rss()
    with Clock() as build:
        g = ba_graph(n, p.m, s.get("graph"))
        seeds = seed_users(n, p.seed_fraction, s.get("reference/seed"))
        m: SimpleRules | CompiledRules | MesaRules  # the numba and Mesa modules load lazily
        if kind == "ref-vector":
            m = SimpleRules(g, p, seeds, s.get("reference/spread"))
        elif kind == "ref-compiled":
            from sim.reference.simple_jit import CompiledRules

            m = CompiledRules(g, p, seeds, s.get("reference/spread"))
        else:
            from sim.reference.mesa_rules import MesaRules, to_networkx

            graph = to_networkx(g)
            del g
            form = "pull" if kind == "ref-mesa-pull" else "push"
            m = MesaRules(graph, p, seeds, int(s.get("reference/mesa").integers(2**31)), form)
    wall, cpu = _ticks(m.step, m.active, max_ticks)
    out = {
        "build_wall": build.wall,
        "build_cpu": build.cpu,
        "wall": wall,
        "cpu": cpu,
        "final_sizes": list(m.final_sizes()),
        "base_rss": base,
        "end_rss": _rss(),
    }
    if kind == "ref-compiled":
        out["jit_wall"] = jit
    return out


def _load_kernel() -> float:
    """Compile the numba kernel (or load it from its disk cache) on a tiny run, so the
    timed ticks are the kernel's; returns the wall seconds that took."""
    from sim.reference.simple_jit import run_compiled
    from sim.reference.simple_rules import RefParams, ba_graph, seed_users

    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    p = RefParams(n=200, seed_fraction=0.05)
    run_compiled(ba_graph(p.n, p.m, rng), p, seed_users(p.n, p.seed_fraction, rng), rng)
    return time.perf_counter() - t0


def size_overrides(scenario: str, n: int) -> list[str]:
    """Overrides that give ``scenario`` about ``n`` users (scaled scenarios derive graph.n
    from world.scale, so that is what changes there)."""
    from sim.cli import load

    out = [f"scenario={scenario}"]
    c0 = load(out)
    if c0.world.scale > 0:
        return [*out, f"world.scale={c0.world.scale * n / c0.graph.n!r}"]
    return [*out, f"graph.n={n}"]


def _warm(overrides: list[str]) -> float:
    """Compile the compiled engine's loops (or load them from numba's disk cache) on a few
    ticks of a small run of the same config, so the timed ticks are the kernel's; returns
    the wall seconds that took."""
    from sim.cli import load
    from sim.model import InfoWarModel

    t0 = time.perf_counter()
    m = InfoWarModel(load(overrides))
    for _ in range(min(3, m.world.ticks)):
        m.step()
    return time.perf_counter() - t0


def full(n: int, max_ticks: int, scenario: str, engine: str = "compiled") -> dict:
    from sim.cli import load
    from sim.model import InfoWarModel

    tail = ["output.figures=false", "output.progress=false", f"spread.engine={engine}"]
    jit = _warm([*size_overrides(scenario, 2000), *tail]) if engine == "compiled" else None
    overrides = [*size_overrides(scenario, n), *tail]
    cfg, base = load(overrides), _rss()
    with Clock() as build:
        m = InfoWarModel(cfg)
    built_rss = _held_rss()
    wall, cpu = _ticks(m.step, lambda: m.tick < m.world.ticks, max_ticks)
    return {
        "build_wall": build.wall,
        "build_cpu": build.cpu,
        "wall": wall,
        "cpu": cpu,
        "users": int(m.crowd.n),
        "follows": int(m.followers.nnz),
        "horizon": int(m.world.ticks),
        "phases": {k: v / max(len(wall), 1) for k, v in m.phase_seconds.items()},
        "base_rss": base,
        "built_rss": built_rss,
        "end_rss": _held_rss(),
        "engine": engine,
        "jit_wall": jit,
    }


def graph(kind: str, n: int) -> dict:
    from sim.cli import load
    from sim.population import build_people
    from sim.rng import Streams

    cfg = load([f"graph.n={n}"] + (["graph=ba"] if kind == "graph-ba" else []))
    _, crowd, graph_fn = build_people(cfg, Streams(0))
    base, load_avg = _rss(), os.getloadavg()[0]
    with Clock() as c:
        g = graph_fn(crowd)
    return {
        "build_wall": c.wall,
        "build_cpu": c.cpu,
        "follows": int(g.nnz),
        "base_rss": base,
        "end_rss": _rss(),
        "load": load_avg,
    }


def main(argv: list[str]) -> None:
    if argv[0] == "build":  # SIZE is a user count or s<scale>: see benchmark_build
        from experiments.benchmark_build import measure

        out = measure(argv[1], argv[2], argv[3])
        out.update(kind="build", size=argv[1], peak_rss=_peak())
        print(json.dumps(out))
        return
    if argv[0] in ("demo", "anatomy"):  # demo SCENARIO TICKS; anatomy N TICKS
        from experiments.benchmark_anatomy import anatomy, demo

        out = (
            demo(argv[1], int(argv[2]))
            if argv[0] == "demo"
            else anatomy(int(argv[1]), int(argv[2]))
        )
        out.update(kind=argv[0], peak_rss=_peak())
        print(json.dumps(out))
        return
    kind, n = argv[0], int(argv[1])
    max_ticks = int(argv[2]) if len(argv) > 2 else 10**9
    if kind.startswith("ref-"):
        out = ref(kind, n, max_ticks)
    elif kind == "full":
        out = full(n, max_ticks, *argv[3:5])
    else:
        out = graph(kind, n)
    out.update(kind=kind, n=n, peak_rss=_peak())
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
