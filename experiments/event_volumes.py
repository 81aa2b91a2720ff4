"""What karabakh2020's dated events do to the daily hashtag volumes (docs/karabakh2020.md).

Runs the fitted point at ``world.scale`` on a few seeds, each with and without
``world.events`` (every event dropped with ``~world.events.<name>``), steps the model and
differences ``metrics.narr_posts`` per day (posts of all platforms, actors' and users'
together, in simulated units). Prints the days the docs quote and the home : rival hashtag
ratio (Twitter, people's units) of each run.

    nice -n 10 scripts/python experiments/event_volumes.py [--seeds 4] [--scale 0.001]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (story, days after 27 Sep 2020) quoted in docs/karabakh2020.md; None: all stories
QUOTED = [
    ("prayforganja", (7, 8, 14, 15, 20, 21)),
    ("bardacity", (30, 31, 32)),
    (None, (1, 44)),
]


def daily_posts(args: list[str]) -> tuple[np.ndarray, list[str], float]:
    """Posts per (day, narrative) of one run, its narratives and its hashtag ratio."""
    from sim.cli import load
    from sim.model import InfoWarModel
    from sim.summary import summarize

    m = InfoWarModel(load(args))
    w = m.world
    cum = np.zeros((w.ticks + 1, w.n_narratives))
    for t in range(w.ticks):
        m.step()
        cum[t + 1] = m.metrics.narr_posts
    day = (np.arange(w.ticks) * w.tick_hours // 24).astype(int)
    per_tick = np.diff(cum, axis=0)
    daily = np.array([per_tick[day == d].sum(0) for d in range(day.max() + 1)])
    return daily, list(w.narratives), summarize(m)["calibration_targets"]["hashtag_ratio"]


def main() -> int:
    from sim.cli import load

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--scale", type=float, default=0.001)
    a = ap.parse_args()
    runs: dict[bool, list[tuple[np.ndarray, float]]] = {True: [], False: []}
    names: list[str] = []
    for seed in range(a.seeds):
        base = ["scenario=karabakh2020", f"world.scale={a.scale}", f"seed={seed}"]
        base += ["output.figures=false", "output.progress=false"]
        off = [f"~world.events.{e}" for e in load(base).world.events]
        for events, args in ((True, base), (False, base + off)):
            daily, names, ratio = daily_posts(args)
            runs[events].append((daily, ratio))
    for story, days in QUOTED:
        col = slice(None) if story is None else names.index(story)
        for d in days:
            on, off_ = (np.mean([r[0][d, col].sum() for r in runs[e]]) for e in (True, False))
            print(f"{story or 'all stories'} day {d}: {on:,.0f} with events, {off_:,.0f} without")
    for e in (True, False):
        r = [x[1] for x in runs[e]]
        print(
            f"hashtag ratio {'with' if e else 'without'} events: {np.mean(r):.2f} "
            f"(per seed {min(r):.2f}-{max(r):.2f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
