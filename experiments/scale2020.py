"""Do the karabakh2020 calibration statistics hold at every world.scale? Run and tabulate.

Runs the scenario's point default (conf/fitted/karabakh2020.yaml, the ensemble's best
member) on fresh seeds at each scale and appends every Twitter-layer statistic
(sim.analysis.thesis_targets), the run's wall time and the process's peak memory to
results/karabakh2020/scale.csv; (scale, seed) pairs already there are skipped, so the
study resumes and a single large run can be added later. calibration.md shows the table
(experiments/abc2020.py --report-only).

    nice -n 10 scripts/python experiments/scale2020.py --scales 0.001 0.01 0.1 --seeds 10 5 2
    nice -n 10 scripts/python experiments/scale2020.py --scales 1.0 --seeds 1
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSV = ROOT / "results" / "karabakh2020" / "scale.csv"
SEED0 = 1000  # fresh seeds: the fit drew its own from a different stream


def one(scale: float, seed: int) -> dict[str, float]:
    from experiments.abc2020 import scenario_config
    from sim.analysis.thesis_targets import layer_stats
    from sim.api import run

    t0 = time.time()
    res = run(scenario_config(scale, seed))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    return {
        "scale": scale,
        "seed": seed,
        "users": res.summary["users"],
        "seconds": round(time.time() - t0, 1),
        "peak_rss_gib": round(peak, 2),
        **layer_stats(res.summary),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[0.001, 0.01, 0.1])
    ap.add_argument("--seeds", type=int, nargs="+", default=[10, 5, 2], help="per scale")
    ap.add_argument("--csv", type=Path, default=CSV)
    args = ap.parse_args(argv)
    if len(args.seeds) != len(args.scales):
        print("--seeds: give one count per scale", file=sys.stderr)
        return 2
    old = pd.read_csv(args.csv) if args.csv.is_file() else pd.DataFrame(columns=["scale", "seed"])
    done = set(zip(old["scale"].astype(float), old["seed"].astype(int)))
    for scale, n in zip(args.scales, args.seeds):
        for seed in range(SEED0, SEED0 + n):
            if (scale, seed) in done:
                continue
            row = one(scale, seed)
            print(
                f"scale {scale:g} seed {seed}: {row['seconds']} s, peak {row['peak_rss_gib']} GiB"
            )
            old = (
                pd.DataFrame([row])
                if old.empty
                else pd.concat([old, pd.DataFrame([row])], ignore_index=True)
            )
            args.csv.parent.mkdir(parents=True, exist_ok=True)
            old.to_csv(args.csv, index=False, float_format="%.6g")  # after each run: resumable
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
