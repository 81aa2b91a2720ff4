"""Which assumptions drive the 2020 scenario's conclusions: Morris screening with SALib.

Ten parameters, each over a range around the calibrated value (the spread's rates, the
graph's homophily and hub tail, the shutdown's VPN share, the head of state's reach, the
rival diaspora's and bots' volume), and four outcomes: final international support for
home, the misinformation AUC, and the two calibration statistics. SALib draws Morris
trajectories; each point is a ``conf/doe/k2020morris_*.yaml`` option swept by
``+experiment=sensitivity2020`` through the project's sweep store (resumable); the
elementary effects are analysed with SALib and written to results/karabakh2020/sensitivity.md.

    scripts/python experiments/sensitivity2020.py             # 8 trajectories: 88 runs
    scripts/python experiments/sensitivity2020.py --n 20 --jobs 8
    scripts/python experiments/sensitivity2020.py --analyse-only  # the stored runs, no sweep
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.sweep.doe import Problem, analyze, sample, write_design  # noqa: E402
from sim.sweep.report import argv_of_run, sensitivity_report  # noqa: E402
from sim.sweep.store import load_study  # noqa: E402

STUDY = "k2020morris"
PROBLEM = Problem(
    bounds={
        "spread.beta": (0.06, 0.3),
        "spread.share_prob": (0.4, 0.95),
        "spread.forget": (0.02, 0.15),
        "spread.opinion_step": (0.0, 0.05),  # docs/parameters.md: small persuasion effects
        "graph.homophily": (0.6, 0.95),
        "graph.hub_exponent": (1.9, 2.8),
        "home.platform_shutdown.vpn_share": (0.1, 0.9),
        "actors.groups.Azpresident.followers": (0.3, 0.95),
        "actors.groups.am_diaspora_network.posts_per_day": (1.0, 10.0),
        "actors.groups.rival_bots.posts_per_day": (4.0, 30.0),
    },
    outputs=[
        "support.international.support_home",
        "misinformation.rival_fake.auc",
        "calibration_targets.concentration",
        "calibration_targets.hashtag_ratio",
    ],
)
OUT = ROOT / "results" / "karabakh2020"
RUNS = ROOT / "multirun" / "sensitivity2020"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=8, help="Morris trajectories (runs = n x 11)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--analyse-only", action="store_true", help="analyse the stored runs only")
    ap.add_argument(
        "--minutes", type=float, default=None, help="with --analyse-only: the recorded run time"
    )
    args, extra = ap.parse_known_args()
    design = write_design(STUDY, PROBLEM, sample("morris", PROBLEM, args.n))
    sub = OUT / "sensitivity"
    sub.mkdir(parents=True, exist_ok=True)
    design.to_csv(sub / "design.csv", index=False)
    t0 = time.monotonic()
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        "+experiment=sensitivity2020",
        f"hydra.sweep.dir={RUNS}",
        f"hydra.launcher.n_jobs={args.jobs}",
        *extra,
    ]
    rc = 0 if args.analyse_only else subprocess.run(cmd, cwd=ROOT).returncode
    df = load_study(RUNS)
    df = df[df["doe"].isin(design["doe"])]
    indices = analyze("morris", PROBLEM, design, df)
    indices.to_csv(sub / "indices.csv", index=False)
    report = sensitivity_report(
        "morris",
        PROBLEM,
        indices,
        df,
        sub,
        args.n,
        1,
        args.minutes if args.analyse_only else (time.monotonic() - t0) / 60,
        argv_of_run(),
        len(design),
        command="scripts/python experiments/sensitivity2020.py",
        title="Sensitivity of the karabakh2020 scenario (Morris)",
        runs=f"{RUNS.relative_to(ROOT)}/",
        path=OUT / "sensitivity.md",
    )
    print(f"wrote {report}", file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
