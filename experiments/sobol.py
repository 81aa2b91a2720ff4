"""Sensitivity of the main outcomes to the spread and graph parameters (SALib, as a Hydra sweep).

    nice -n 10 scripts/python experiments/sobol.py       # -> results/sobol/report.md:
        # first-order Sobol indices by RBD-FAST on a 4,000-point Latin hypercube, one seed
        # (the same at every point); 4,000 runs, about 15 min on 2 idle cores (0.45 core-s
        # per run measured); not yet run on the current model (a later step runs it)
    scripts/python experiments/sobol.py --method sobol   # Saltelli S1 and ST, N=128 x 4 seeds
    scripts/python experiments/sobol.py --method morris  # -> results/morris/report.md (71 runs)
    scripts/python experiments/sobol.py --method sobol --n 8192 --seeds 1 --jobs 32 \\
        hydra/launcher=joblib                            # Saltelli resolved: a 32-core node

Why RBD-FAST by default: a pilot (docs/sweeps.md, "What size resolves") measured Saltelli's
first-order half-widths at 0.45 to 0.77 with N=32, so resolving them (every S1_conf <= 0.05)
needs N = 8,192, 57,344 runs, hours on 2 cores; RBD-FAST estimates the same first-order
indices from one run per point, and a 512-point pilot puts the target at 2,700 points for
the hardest outcome (the misinformation peak); 4,000 leaves a margin. Every
report ends with a Resolution section: the target, whether it was met, and the size (and
cluster command) that would meet it.

Steps: SALib draws the design; each point becomes conf/doe/<method>_pNNNNN.yaml; the sweep
``python -m sim -m +experiment=<method>`` (its yaml sweeps +doe=glob(<method>_*)) runs every
point through the launcher (joblib by default; extra arguments are passed on as Hydra
overrides, e.g. hydra/launcher=submitit_slurm); the study table is loaded with
sim.sweep.load_study and analysed. Interrupted? Run the same command again: finished points
are skipped.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.sweep.doe import SPREAD, analyze, sample, write_design  # noqa: E402
from sim.sweep.report import argv_of_run, sensitivity_report  # noqa: E402
from sim.sweep.store import load_study  # noqa: E402

DEFAULT_N = {"rbd": 4000, "sobol": 128, "morris": 12}


def run_sweep(method: str, runs_dir: Path, jobs: int, seeds: int, extra: list[str]) -> int:
    cmd = [
        sys.executable,
        "-m",
        "sim",
        "-m",
        f"+experiment={method}",
        f"hydra.sweep.dir={runs_dir}",
        f"hydra.launcher.n_jobs={jobs}",
    ]
    if seeds > 1:
        cmd.append(f"seed=range(0,{seeds})")
    print("+", " ".join(cmd[2:]), file=sys.stderr)
    return subprocess.run([*cmd, *extra], cwd=ROOT).returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--method", choices=["rbd", "sobol", "morris"], default="rbd")
    ap.add_argument(
        "--n",
        type=int,
        default=None,
        help="rbd: points (runs = n); sobol: base sample, a power of 2 (runs = n*(params+2)); "
        "morris: trajectories",
    )
    ap.add_argument(
        "--seeds",
        type=int,
        default=None,
        help="replicate seeds per point, averaged (default: sobol 4, morris 1)",
    )
    ap.add_argument("--jobs", type=int, default=2, help="joblib workers")
    ap.add_argument("--design-only", action="store_true", help="write conf/doe/ and stop")
    ap.add_argument(
        "--analyse-only",
        action="store_true",
        help="skip the sweep: analyse the runs already in results/<method>/_runs",
    )
    ap.add_argument("--out", type=Path, default=None, help="report dir (default results/<method>)")
    ap.add_argument(
        "--minutes", type=float, default=None, help="with --analyse-only: the recorded run time"
    )
    args, extra = ap.parse_known_args()
    n = args.n or DEFAULT_N[args.method]
    args.seeds = args.seeds or (4 if args.method == "sobol" else 1)
    folder = "morris" if args.method == "morris" else "sobol"
    out = (args.out or ROOT / "results" / folder).resolve()
    problem = SPREAD
    design = write_design(args.method, problem, sample(args.method, problem, n))
    out.mkdir(parents=True, exist_ok=True)
    design.to_csv(out / "design.csv", index=False)
    print(f"{args.method}: {len(design)} design points x {args.seeds} seed(s)", file=sys.stderr)
    if args.design_only:
        return 0
    t0 = time.monotonic()
    rc = (
        0
        if args.analyse_only
        else run_sweep(args.method, out / "_runs", args.jobs, args.seeds, extra)
    )
    minutes = (time.monotonic() - t0) / 60
    df = load_study(out / "_runs")
    df = df[df["doe"].isin(design["doe"])]
    indices = analyze(args.method, problem, design, df)
    indices.to_csv(out / "indices.csv", index=False)
    argv = argv_of_run()
    report = sensitivity_report(
        args.method,
        problem,
        indices,
        df,
        out,
        n,
        args.seeds,
        args.minutes if args.analyse_only else minutes,
        argv,
        len(design),
        jobs=args.jobs,
    )
    print(f"wrote {report}", file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
