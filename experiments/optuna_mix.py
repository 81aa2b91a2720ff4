"""Pareto front of home strategy mixes: staff-hours spent against effect where the contest is.

    scripts/python experiments/optuna_mix.py                 # -> results/optuna/report.md
    scripts/python experiments/optuna_mix.py --trials 3 --min-seeds 2 --batch 1 \\
        --max-seeds 3 --fresh-seeds 3 --out /tmp/optuna_tiny  # smoke test, 24 runs
    scripts/python experiments/optuna_mix.py --report-only --search-minutes 18.2
        # rewrite the report from the stored study and runs: no trial, no run

Decision: the staff-hour budget (0 = off, steps of 50 up to 800) of EVERY strategy in the
registry that a home side may use and that has a budget (sim.sweep.optimise). Objectives
(Optuna multi-objective, TPE by default or ``--sampler nsga2``): minimise the staff-hours
spent, maximise the change in support for home among the contested international users,
minimise the change in believer-days of the rival's false story among them; the changes
are paired with the no-strategy run of the same seed. Each trial starts on ``--min-seeds``
seeds and adds ``--batch`` more while an effect's 95% half-width is above its target
(``--target-support``, ``--target-misinfo``), up to ``--max-seeds``. The non-dominated mixes
are then re-run on ``--fresh-seeds`` seeds the search never used (from 1,000,000 on) and the
report gives their intervals from those runs only.

Resumable: the study lives in <out>/pareto.sqlite3 (Optuna storage) and every run in the
sweep store <out>/_runs (sim.sweep); the same command again keeps finished trials and
reads finished runs back instead of re-running them.

Full size (not yet run on the current model; a later step runs it):

    nice -n 10 scripts/python experiments/optuna_mix.py

i.e. 60 trials of 4 to 16 seeds, targets 0.01 (support) and 0.1 (misinformation), 20 fresh
seeds, 2,000-user worlds of 8 days, 2 jobs. Expected: about 1,050 runs (the misinformation
target needs the 16-seed cap in most trials: 60 x 16 + 16 baseline runs, then about 8 front
mixes x 20 fresh seeds + 20 fresh baseline runs). The tiny command above made 24 runs at
about 1.6 CPU-s each (composing, running, writing), so about 15 min of 2 idle cores, plus
the samplers' own time: plan for 20 min.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path

import optuna
import pandas as pd
from joblib import Parallel, delayed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.sweep import optimise as opt  # noqa: E402
from sim.sweep.job import evaluate  # noqa: E402
from sim.sweep.optuna_report import pareto_report  # noqa: E402

OUT = ROOT / "results" / "optuna"
MAX_BUDGET, STEP = 800, 50
BASE = ["graph.n=2000", "world.horizon_days=8", "output.figures=false"]


def overrides(budgets: dict[str, int], seed: int, extra: list[str]) -> list[str]:
    on = {s: b for s, b in budgets.items() if b > 0}
    return [
        *BASE,
        *extra,
        f"seed={seed}",
        f"strategy@home=[{','.join(on)}]",
        *(f"home.{s}.budget={b}" for s, b in on.items()),
    ]


@functools.cache
def _stored_table(sweep: Path) -> dict[tuple[str, ...], pd.Series]:
    """Every finished run of the store by its sorted override list (its provenance)."""
    from sim.sweep import load_study

    table = load_study(sweep)
    return {
        tuple(sorted(json.loads(o))): r
        for o, (_, r) in zip(table["prov.overrides"], table.iterrows())
    }


def stored(overrides_: list[str], sweep: Path) -> pd.Series:
    """A finished run's result row, found by the overrides it was run with (the config
    hash changes with the code; the overrides name the run); exit 2 if the store lacks it:
    --report-only never runs the model."""
    row = _stored_table(sweep).get(tuple(sorted(overrides_)))
    if row is None:
        print(f"error: --report-only: no run of {' '.join(overrides_)} in {sweep}", file=sys.stderr)
        raise SystemExit(2)
    return row


def runs(budgets: dict[str, int], seeds: list[int], args: argparse.Namespace) -> pd.DataFrame:
    """One result row per seed (index), run in parallel through the store or read back."""
    if args.report_only:
        rows = [stored(overrides(budgets, s, args.extra), args.out / "_runs") for s in seeds]
        return pd.DataFrame(rows, index=pd.Index(seeds, name="seed"))
    rows = Parallel(n_jobs=args.jobs)(
        delayed(evaluate)(overrides(budgets, s, args.extra), args.out / "_runs", "optuna")
        for s in seeds
    )
    return pd.DataFrame(rows, index=pd.Index(seeds, name="seed"))


def draw(budgets: dict[str, int], seeds: list[int], args: argparse.Namespace) -> pd.DataFrame:
    """The objectives of a mix on ``seeds``, effects paired with the no-strategy runs."""
    return opt.objective_frame(runs(budgets, seeds, args), runs({}, seeds, args))


def objective(trial: optuna.Trial, names: list[str], args: argparse.Namespace) -> list[float]:
    budgets = {s: trial.suggest_int(s, 0, MAX_BUDGET, step=STEP) for s in names}
    est = opt.sequential(
        lambda seeds: draw(budgets, seeds, args),
        {"support": args.target_support, "misinfo": args.target_misinfo},
        args.min_seeds,
        args.batch,
        args.max_seeds,
    )
    trial.set_user_attr("seeds", len(est.seeds))
    trial.set_user_attr("met", est.met)
    for k, h in est.half.items():
        trial.set_user_attr(f"half_{k}", h)
    return [est.mean[k] for k in opt.OBJECTIVES]


def sampler(args: argparse.Namespace, done: int) -> optuna.samplers.BaseSampler:
    # seeded by the number of finished trials: a resumed study draws new points
    if args.sampler == "nsga2":
        return optuna.samplers.NSGAIISampler(population_size=args.population, seed=done)
    return optuna.samplers.TPESampler(seed=done, n_startup_trials=args.startup)


def parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=60, help="completed trials wanted in all")
    ap.add_argument("--min-seeds", type=int, default=4, help="seeds every trial starts on")
    ap.add_argument("--batch", type=int, default=4, help="seeds added while a target is unmet")
    ap.add_argument("--max-seeds", type=int, default=16, help="cap on a trial's seeds")
    ap.add_argument("--target-support", type=float, default=0.01, help="95%% half-width")
    ap.add_argument("--target-misinfo", type=float, default=0.1, help="95%% half-width")
    ap.add_argument("--fresh-seeds", type=int, default=20, help="seeds of the front's re-run")
    ap.add_argument("--sampler", choices=["tpe", "nsga2"], default="tpe")
    ap.add_argument("--startup", type=int, default=10, help="tpe: random trials first")
    ap.add_argument("--population", type=int, default=12, help="nsga2: population size")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=OUT, help="study dir (default results/optuna)")
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite the report from <out>/pareto.sqlite3 and <out>/_runs (no trial, no run)",
    )
    ap.add_argument("--search-minutes", type=float, help="with --report-only: the recorded time")
    args, extra = ap.parse_known_args()
    bad = [k for k in ("trials", "min_seeds", "batch", "fresh_seeds") if getattr(args, k) < 1]
    if bad or args.max_seeds < max(args.min_seeds, 2) or args.fresh_seeds < 2:
        print(
            "error: --trials, --min-seeds, --batch must be >= 1, --fresh-seeds >= 2 and "
            "--max-seeds >= max(--min-seeds, 2)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    args.extra, args.out = extra, args.out.resolve()
    return args


def study_name(args: argparse.Namespace) -> str:
    return (
        f"pareto_{args.target_support:g}_{args.target_misinfo:g}_{args.min_seeds}-{args.max_seeds}"
    )


def report_only(args: argparse.Namespace, names: list[str]) -> int:
    """The report of the stored study: its front re-read from the stored fresh runs."""
    db = args.out / "pareto.sqlite3"
    if not db.is_file():
        print(f"error: --report-only: no study at {db}", file=sys.stderr)
        return 2
    study = optuna.load_study(study_name=study_name(args), storage=f"sqlite:///{db}")
    front = opt.pareto_front(study)
    fresh = opt.fresh_table(front, lambda p, s: draw(p, s, args), args.fresh_seeds)
    args.command = "scripts/python experiments/optuna_mix.py"
    args.took = (
        f"the search took {args.search_minutes:g} min (recorded); this report was rewritten "
        "from the stored study and runs by `--report-only`"
        if args.search_minutes
        else "report rewritten from the stored study and runs by `--report-only`"
    )
    print(f"wrote {pareto_report(study, names, front, fresh, args, 0.0)}", file=sys.stderr)
    return 0


def main() -> int:
    args = parse()
    names = opt.budgeted_home_strategies()
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    optuna.logging.set_verbosity(optuna.logging.INFO)  # one line per trial: progress
    if args.report_only:
        return report_only(args, names)
    study = optuna.create_study(
        study_name=study_name(args),
        directions=[optuna.study.StudyDirection[d.upper()] for _, d, _ in opt.OBJECTIVES.values()],
        storage=f"sqlite:///{args.out / 'pareto.sqlite3'}",
        load_if_exists=True,
    )
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    study.sampler = sampler(args, len(done))
    if not done:  # anchors: every strategy at the largest budget
        study.enqueue_trial(dict.fromkeys(names, MAX_BUDGET))
    study.optimize(
        lambda t: objective(t, names, args),
        n_trials=max(args.trials - len(done), 0),
        show_progress_bar=sys.stderr.isatty(),
    )
    front = opt.pareto_front(study)
    fresh = opt.fresh_table(front, lambda p, s: draw(p, s, args), args.fresh_seeds)
    report = pareto_report(study, names, front, fresh, args, (time.monotonic() - t0) / 60)
    print(f"wrote {report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
