"""The numbers quoted in docs/teaching.md, measured headless with the page's own model.

    scripts/python -m sim.demo.lesson [--seeds 6] [--day 7] [--write]

Runs each experiment setting of the lesson for several seeds to the given day and prints
the means; ``--write`` also puts them, and the "What we measured" paragraphs written from
them, into docs/teaching.md (``sim.demo.lesson_text``). Rerun with ``--write`` whenever
the model changes.
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


def means(seeds: int, day: float) -> dict[str, dict[str, float]]:
    """Setting -> column -> mean over ``seeds`` at ``day``, rounded as the document shows."""
    out = {}
    for name, values in SETTINGS.items():
        probe = DemoModel(**values)
        ticks = min(probe.world.ticks, int(round(day * 24 / probe.world.tick_hours)))
        rows = np.array([measure(values, s, ticks) for s in range(seeds)])
        out[name] = {c: round(float(v), 3) + 0.0 for c, v in zip(COLUMNS, rows.mean(axis=0))}
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--day", type=float, default=7.0)
    ap.add_argument("--write", action="store_true", help="update docs/teaching.md")
    args = ap.parse_args(argv)
    table = means(args.seeds, args.day)
    print(f"{'setting':32s}" + "".join(f"{c:>15s}" for c in COLUMNS))
    for name, row in table.items():
        print(f"{name:32s}" + "".join(f"{row[c]:15.3f}" for c in COLUMNS))
    if args.write:
        from sim.demo.lesson_text import DOC, fill, render

        DOC.write_text(fill(DOC.read_text(), render(table, COLUMNS)))
        print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
