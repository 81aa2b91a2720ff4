"""What parent links cost: the same runs with output.cascades off and on (issue 17).

Interleaves off/on runs of one configuration, times the simulation (CPU seconds of this
process, build excluded) and the cascade tables, and writes results/cascade_cost.md.

    scripts/python experiments/cascade_cost.py            # default scenario, 20,000 users
    scripts/python experiments/cascade_cost.py --n 100000 --reps 3
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.cascades.recorder import BYTES_PER_ROW  # noqa: E402


def timed(overrides: list[str]) -> tuple[float, float, Any]:
    """(CPU s of the run loop, CPU s of the cascade tables, the model)."""
    from sim.cascades.run import collect
    from sim.cli import load
    from sim.model import InfoWarModel

    model = InfoWarModel(load(overrides))
    t0 = time.process_time()
    model.run()
    t1 = time.process_time()
    tables = collect(model)
    return t1 - t0, time.process_time() - t1, tables


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--out", type=Path, default=ROOT / "results" / "cascade_cost.md")
    a = p.parse_args(argv)
    base = [f"graph.n={a.n}", "output.progress=false", "output.figures=false"]
    off, on, post = [], [], []
    for _ in range(a.reps):  # interleaved, so load on the machine hits both alike
        off.append(timed([*base, "output.cascades=false"])[0])
        run_s, post_s, tables = timed([*base, "output.cascades=true"])
        on.append(run_s)
        post.append(post_s)
    rows = len(tables.adoptions)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "c.parquet"
        tables.adoptions.to_parquet(path, index=False)
        disk = path.stat().st_size
    extra = np.median(on) - np.median(off)
    lines = [
        "# Cost of parent links (`output.cascades=true`)",
        "",
        f"`scripts/python experiments/cascade_cost.py --n {a.n} --reps {a.reps}`: default "
        f"scenario, {a.n} users, {a.reps} interleaved runs each way, CPU seconds (medians).",
        "",
        "| quantity | value |",
        "|---|---|",
        f"| run loop, flag off | {np.median(off):.2f} s |",
        f"| run loop, flag on | {np.median(on):.2f} s |",
        f"| difference (noise included) | {extra:+.2f} s ({extra / np.median(off):+.1%}) |",
        f"| adoptions recorded | {rows} |",
        f"| recording, per adoption | {1e6 * extra / max(rows, 1):+.2f} us |",
        f"| tables and metrics after the run | {np.median(post):.2f} s "
        f"({1e6 * np.median(post) / max(rows, 1):.1f} us per adoption) |",
        f"| memory per adoption | {BYTES_PER_ROW} bytes |",
        f"| cascades.parquet | {disk} bytes ({disk / max(rows, 1):.1f} per adoption) |",
        "",
        "With the flag off the kernel pays one `is None` test per tick and per adoption batch.",
        "",
    ]
    a.out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
