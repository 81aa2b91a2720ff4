"""Measure the demo's frame budget: one model step and one redraw of each picture.

    scripts/python -m sim.demo.bench [--ticks 100] [--scenario default]

Prints wall-clock and CPU milliseconds (CPU time is what a quiet laptop would see when
this machine is shared). The page's promise: a step at the demo size takes <= 100 ms.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from sim.demo.model import DemoModel
from sim.demo.views import PICTURES, NetworkPicture


def timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ticks", type=int, default=100)
    ap.add_argument("--scenario", default="default")
    args = ap.parse_args()
    t0 = time.perf_counter()
    model = DemoModel(world_scenario=args.scenario)
    build = (time.perf_counter() - t0) * 1000
    pictures = {"network": NetworkPicture(model), **{k: c(model) for k, c in PICTURES.items()}}
    steps: list[tuple[float, float]] = []
    draws: dict[str, list[tuple[float, float]]] = {k: [] for k in pictures}
    for _ in range(min(args.ticks, model.world.ticks)):
        steps.append(timed(model.step))
        if model.tick % 10 == 0:
            for k, p in pictures.items():
                draws[k].append(timed(p.png))
    print(
        f"scenario {args.scenario}: {model.crowd.n} users, {len(model.accounts)} accounts, "
        f"build {build:.0f} ms"
    )
    rows = [("step", steps), *((f"draw {k}", v) for k, v in draws.items())]
    for name, vals in rows:
        a = np.array(vals)
        print(
            f"{name:14s} wall {a[:, 0].mean():7.1f} ms (max {a[:, 0].max():6.1f})   "
            f"cpu {a[:, 1].mean():7.1f} ms"
        )


if __name__ == "__main__":
    main()
