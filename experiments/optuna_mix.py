"""The cheapest mix of home strategies that keeps international support above a level (Optuna).

    scripts/python experiments/optuna_mix.py            # -> results/optuna/report.md
    scripts/python experiments/optuna_mix.py --trials 80 --seeds 3 --level 0.43 graph.n=20000

Decision: the staff-hour budget of each home strategy (0 = off), in steps of 25. Objective:
the staff-hours actually spent (``cost.home.strategy_total``), mean over ``--seeds`` seeds.
Constraint: mean ``support.international.support_home`` >= level (default: halfway between no
strategy and every strategy at the largest budget, both measured first). Plain Optuna (TPE
with constraints); the study is stored in results/optuna/cheapest_mix.sqlite3 and every run
in the sweep store results/optuna/_runs (sim.sweep), so running the command again resumes:
finished trials stay, and configs already run are read back, not re-run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import optuna
from joblib import Parallel, delayed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.strategies import load_all  # noqa: E402
from sim.sweep.job import evaluate  # noqa: E402
from sim.sweep.report import optuna_report  # noqa: E402

OUT = ROOT / "results" / "optuna"
WANTED = ["rapid_response", "multilingual", "volunteer_campaign", "prebunking"]
MAX_BUDGET, STEP = 800, 25
SUPPORT, COST = "support.international.support_home", "cost.home.strategy_total"
BASE = ["graph.n=2000", "world.horizon_days=8", "output.figures=false"]


def overrides(budgets: dict[str, int], seed: int, extra: list[str]) -> list[str]:
    return [
        *BASE,
        *extra,
        f"seed={seed}",
        f"strategy@home=[{','.join(budgets)}]",
        *(f"home.{s}.budget={b}" for s, b in budgets.items()),
    ]


def rows(budgets: dict[str, int], args: argparse.Namespace) -> list:
    """One result row per seed, run in parallel through the store (or read back)."""
    return Parallel(n_jobs=args.jobs)(
        delayed(evaluate)(overrides(budgets, s, args.extra), args.out / "_runs", "optuna")
        for s in range(args.seeds)
    )


def measure(budgets: dict[str, int], args: argparse.Namespace) -> tuple[float, float]:
    """(mean support, mean spend) over the seeds."""
    rs = rows(budgets, args)
    return (sum(float(r[SUPPORT]) for r in rs) / len(rs), sum(float(r[COST]) for r in rs) / len(rs))


def spend_by_strategy(budgets: dict[str, int], args: argparse.Namespace) -> dict[str, float]:
    rs = rows(budgets, args)
    return {
        s: sum(float(r.get(f"cost.home.strategies.{s}", 0.0)) for r in rs) / len(rs)
        for s in budgets
    }


def objective(
    trial: optuna.Trial, names: list[str], level: float, args: argparse.Namespace
) -> float:
    budgets = {s: trial.suggest_int(s, 0, MAX_BUDGET, step=STEP) for s in names}
    support, cost = measure(budgets, args)
    trial.set_user_attr("support", support)
    trial.set_user_attr("constraint", level - support)
    trial.set_constraint("support_below_level", level - support)  # <= 0: feasible
    return cost


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=40, help="total completed trials wanted")
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--level", type=float, default=None)
    ap.add_argument("--out", type=Path, default=OUT, help="study dir (default results/optuna)")
    args, extra = ap.parse_known_args()
    args.extra = extra
    out = args.out.resolve()
    names = [s for s in WANTED if s in load_all()]
    if not names:
        raise SystemExit(f"none of the strategies {WANTED} is registered")
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    low = measure(dict.fromkeys(names, 0), args)
    high = measure(dict.fromkeys(names, MAX_BUDGET), args)
    level = args.level if args.level is not None else round((low[0] + high[0]) / 2, 4)
    optuna.logging.set_verbosity(optuna.logging.INFO)  # one line per trial: progress
    study = optuna.create_study(
        study_name=f"cheapest_mix_level{level:g}",
        direction="minimize",
        storage=f"sqlite:///{out / 'cheapest_mix.sqlite3'}",
        load_if_exists=True,
    )
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    # TPE reads the trials' constraints; a resumed study draws fresh startup points.
    study.sampler = optuna.samplers.TPESampler(seed=len(done))
    if not done:
        study.enqueue_trial(dict.fromkeys(names, MAX_BUDGET))
    todo = max(args.trials - len(done), 0)
    study.optimize(
        lambda t: objective(t, names, level, args),
        n_trials=todo,
        show_progress_bar=sys.stderr.isatty(),
    )
    feasible = [
        t
        for t in study.trials
        if t.state == optuna.trial.TrialState.COMPLETE and t.user_attrs.get("constraint", 1.0) <= 0
    ]
    best = min(feasible, key=lambda t: (t.value, t.number)) if feasible else None
    spent = spend_by_strategy(best.params, args) if best else {}
    report = optuna_report(
        study, names, level, low, high, out, args, (time.monotonic() - t0) / 60, spent
    )
    print(f"wrote {report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
