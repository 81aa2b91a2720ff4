"""Compile the compiled spread engine's loops into numba's disk cache, once per clone.

numba compiles ``sim/kernel_jit.py`` on its first use after a fresh clone or an edit of that
file (about 10-15 s on 2 cores) and caches the machine code beside the module. Without this
step the first run pays that compile inside its first tick: the progress bar's first ETA and
the printed ``update`` phase time then measure the compiler, not the model.
``scripts/ensure_env.sh`` calls this when the module changed since the last warm-up.

The run below is the compiled-engine test's karabakh2020 configuration (every branch of the
loops: debunks and corrections, prebunking, trust loss, gaffes, shutdowns) at 90 ticks.
"""

from __future__ import annotations

import sys
import time

CONFIG = [
    "scenario=karabakh2020",
    "world.scale=0.0002",
    "world.tick_hours=12",
    "spread.engine=compiled",
    "spread.trust_loss=0.2",
    "strategy@home=[platform_shutdown,prebunking,rapid_response,volunteer_campaign]",
    "strategy@rival=[bot_flooding,hub_targeting,platform_shutdown]",
    "output.figures=false",
    "output.progress=false",
    "output.quiet=true",
]


def main() -> int:
    try:
        import numba  # noqa: F401
    except ImportError:  # the optional `fast` extra is absent: nothing to compile
        return 0
    from sim.api import run_infowar
    from sim.cli import load

    t0 = time.perf_counter()
    run_infowar(load(CONFIG))
    took = time.perf_counter() - t0
    print(f"warm_kernel: compiled engine ready in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
