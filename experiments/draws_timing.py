"""Tick cost of the crowd's draws: per_user (keyed, sim.draws) vs sequential (one stream).

Builds the default model at each size once per draw mode and times its ticks (CPU seconds
of this process, numpy single-threaded), per phase. A quick measurement for the docs, not a
timed test:

    scripts/python experiments/draws_timing.py [--sizes 10000 1000000] [--ticks 120]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODES = ("sequential", "per_user")


def time_ticks(n: int, mode: str, ticks: int) -> dict[str, float]:
    """Mean CPU ms per tick, overall and per phase, over the first ``ticks`` ticks."""
    from sim.cli import load
    from sim.model import InfoWarModel

    cfg = load([f"graph.n={n}", f"spread.draws={mode}", "output.figures=false"])
    m = InfoWarModel(cfg)
    m.phase_seconds.clear()
    steps = min(ticks, m.world.ticks)
    t0 = time.process_time()
    for _ in range(steps):
        m.step()
    out = {"ms_per_tick": (time.process_time() - t0) * 1e3 / steps}
    out.update({f"{k}_ms": v * 1e3 / steps for k, v in m.phase_seconds.items()})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    ap.add_argument("--ticks", type=int, default=120)
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        res = {mode: time_ticks(n, mode, args.ticks) for mode in MODES}
        ratio = res["per_user"]["ms_per_tick"] / res["sequential"]["ms_per_tick"]
        rows.append((n, res, ratio))
        phases = sorted(k for k in res["per_user"] if k != "ms_per_tick")
        print(
            f"n={n:,}: per-tick CPU ms sequential {res['sequential']['ms_per_tick']:.2f}, "
            f"per_user {res['per_user']['ms_per_tick']:.2f}, ratio {ratio:.2f}"
        )
        for ph in phases:
            print(f"   {ph}: {res['sequential'].get(ph, 0):.2f} -> {res['per_user'][ph]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
