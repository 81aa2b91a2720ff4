"""The numbers quoted in docs/teaching.md, measured headless with the page's own model.

    scripts/python -m sim.demo.lesson [--seeds 6] [--day 7]

Runs each experiment setting of the lesson for several seeds to the given day and prints
the means, so the lesson plan can be checked whenever the model changes.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from sim.crowd import INOCULATED, SHARING, STOPPED
from sim.demo.model import DemoModel

SETTINGS: dict[str, dict[str, Any]] = {
    "default world": {},
    "exp 1: bot volume 0": {"bot_volume": 0.0},
    "exp 1: bot volume 5": {"bot_volume": 5.0},
    "exp 2: rapid response, 2 h": {"home_rapid_response": True, "response_delay": 2},
    "exp 2: rapid response, 48 h": {"home_rapid_response": True, "response_delay": 48},
    "exp 3: home platform shutdown": {"home_platform_shutdown": True},
}
COLUMNS = (
    "home reach k",
    "rival reach k",
    "home_claim %",
    "rival_fake %",
    "debunk %",
    "inoculated %",
    "d opinion intl",
    "d opinion home",
)


def measure(values: dict, seed: int, ticks: int) -> list[float]:
    m = DemoModel(seed=seed, **values)
    for _ in range(ticks):
        m.step()
    w, t, n = m.world, ticks - 1, m.crowd.n
    st = m.metrics.states[t]
    believers = 100.0 * (st[:, SHARING] + st[:, STOPPED]).sum(axis=1) / n
    fake, debunk = w.narratives.index("rival_fake"), w.narratives.index("debunk_rival_fake")
    intl = [i for i, k in enumerate(w.comm_kind) if k == "international"]
    home = [i for i, k in enumerate(w.comm_kind) if k == "domestic" and w.comm_side[i] == 0]
    shift = m.metrics.opinion[t, 0] - m.metrics.opinion[0, 0]
    reach = m.metrics.reach_side[:ticks].sum(axis=0) / 1e3
    return [
        reach[0],
        reach[1],
        believers[w.narratives.index("home_claim")],
        believers[fake],
        believers[debunk],
        100.0 * st[fake, INOCULATED].sum() / n,
        shift[intl].mean(),
        shift[home].mean(),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--day", type=float, default=7.0)
    args = ap.parse_args()
    print(f"{'setting':32s}" + "".join(f"{c:>15s}" for c in COLUMNS))
    for name, values in SETTINGS.items():
        probe = DemoModel(**values)
        ticks = min(probe.world.ticks, int(round(args.day * 24 / probe.world.tick_hours)))
        rows = np.array([measure(values, s, ticks) for s in range(args.seeds)])
        print(f"{name:32s}" + "".join(f"{v:15.3f}" for v in rows.mean(axis=0)))


if __name__ == "__main__":
    main()
