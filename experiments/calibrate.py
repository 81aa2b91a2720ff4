"""Fit the karabakh2020 scenario's free parameters to the thesis's two measured statistics.

Targets (sim.analysis.thesis): retweet concentration, the most reshared account's
reshares over the tenth's (Table 3: 8.84), the head of state's Azerbaijani account on top
(its reshares over the top account's: 1), and the home:rival hashtag volume ratio
(Table 4: 2.55). Optuna's TPE sampler searches the free parameters below; each trial
runs the scenario at a small scale for ``--seeds`` seeds and scores the squared log
errors of the seed-mean statistics. The study lives in an Optuna journal file under
results/karabakh2020/calibration/, so an interrupted calibration resumes where it
stopped. The best parameters are then re-run on fresh seeds (not those fitted on) and
results/karabakh2020/calibration.md reports each target with its 95% CI.
``--apply`` writes the fitted values to conf/fitted/karabakh2020.yaml, which the scenario
merges after its own values (so they are its defaults).

    scripts/python experiments/calibrate.py --trials 40 --seeds 5 --eval-scales 0.001 0.004 --apply
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import optuna
import pandas as pd
from joblib import Parallel, delayed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.analysis.stats import mean_ci  # noqa: E402
from sim.analysis.thesis import THESIS_TARGETS  # noqa: E402

OUT = ROOT / "results" / "karabakh2020"
FITTED = ROOT / "conf" / "fitted" / "karabakh2020.yaml"  # the scenario's defaults list includes it
# (override key, low, high, log scale): what the documents do not pin down
SPACE = [
    # its follower count is not in docs/sources.md
    ("actors.groups.Azpresident.followers", 0.05, 0.9, True),
    ("actors.groups.TC_Disisleri.followers", 0.02, 0.5, True),  # engaged share of its 1.25 M
    ("actors.groups.am_diaspora_network.posts_per_day", 1.0, 20.0, True),  # "stronger diaspora"
    ("spread.beta", 0.08, 0.5, True),
    ("spread.share_prob", 0.2, 0.9, False),
    ("graph.hub_exponent", 1.8, 3.0, False),
    ("home.platform_shutdown.vpn_share", 0.05, 0.6, False),  # no figure in docs/sources.md
]
# statistic -> weight in the loss: the documents' two figures, plus a softer push for the
# head of state's account to be the most reshared one, as in Table 3
FITTED_TARGETS = {"concentration": 1.0, "hashtag_ratio": 1.0, "head_share": 0.25}
FLOOR = 0.05  # head_share of an absent head of state counts as 0.05 (log needs > 0)
EVAL_SEED0 = 1000  # evaluation seeds differ from the seeds fitted on


def run_one(overrides: list[str]) -> dict[str, float]:
    from sim.api import run
    from sim.cli import load

    cfg = load(
        ["scenario=karabakh2020", "output.progress=false", "output.figures=false", *overrides]
    )
    return run(cfg).summary["calibration_targets"]


def run_seeds(params: dict[str, float], scale: float, seeds: list[int], jobs: int) -> pd.DataFrame:
    ovs = [f"{k}={v!r}" for k, v in params.items()] + [f"world.scale={scale}"]
    rows = Parallel(n_jobs=jobs)(delayed(run_one)([*ovs, f"seed={s}"]) for s in seeds)
    return pd.DataFrame(rows, index=pd.Index(seeds, name="seed"))


def loss(stats: pd.DataFrame) -> float:
    """Weighted squared log errors of the seed means (2x off costs the same either way)."""
    total = 0.0
    for k, weight in FITTED_TARGETS.items():
        m = stats[k].fillna(0.0).mean() if k == "head_share" else stats[k].mean()
        m = max(m, FLOOR) if k == "head_share" else m
        total += weight * (
            math.log(m / THESIS_TARGETS[k]) ** 2 if m > 0 and math.isfinite(m) else 25.0
        )
    return total


def make_objective(scale: float, seeds: list[int], jobs: int):
    def objective(trial: optuna.Trial) -> float:
        params = {k: trial.suggest_float(k, lo, hi, log=lg) for k, lo, hi, lg in SPACE}
        stats = run_seeds(params, scale, seeds, jobs)
        for k in stats.columns:
            trial.set_user_attr(k, float(stats[k].mean()))
        return loss(stats)

    return objective


def open_study(path: Path, name: str) -> optuna.Study:
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    path.parent.mkdir(parents=True, exist_ok=True)
    storage = JournalStorage(JournalFileBackend(str(path)))
    sampler = optuna.samplers.TPESampler(seed=0, n_startup_trials=15)
    return optuna.create_study(
        study_name=name, storage=storage, sampler=sampler, direction="minimize", load_if_exists=True
    )


def fitted_block(params: dict[str, float]) -> str:
    """The fitted values as a ``# @package _global_`` YAML file (one flow mapping per top key)."""
    tree: dict = {}
    for key, v in params.items():
        node = tree
        *path, leaf = key.split(".")
        for p in path:
            node = node.setdefault(p, {})
        node[leaf] = float(f"{v:.4g}")

    def flow(d) -> str:
        return (
            "{"
            + ", ".join(f"{k}: {flow(v) if isinstance(v, dict) else v}" for k, v in d.items())
            + "}"
        )

    lines = [
        "# @package _global_",
        "# Written by experiments/calibrate.py --apply (results/karabakh2020/calibration.md); "
        "do not edit by hand.",
    ]
    return "\n".join([*lines, *(f"{k}: {flow(v)}" for k, v in tree.items())]) + "\n"


def apply_fitted(params: dict[str, float]) -> None:
    """Write conf/fitted/karabakh2020.yaml, which the scenario merges after its own values."""
    from sim.outputs import atomic_write_bytes

    atomic_write_bytes(FITTED, fitted_block(params).encode())


def write_report(
    study: optuna.Study, evals: dict[float, pd.DataFrame], args, minutes: float
) -> Path:
    from sim.outputs import atomic_write_bytes

    best = study.best_trial
    lines = [
        "# Calibration of the karabakh2020 scenario",
        "",
        f"Optuna TPE, {len(study.trials)} trials ({args.seeds} seeds each, "
        f"world.scale={args.scale}), "
        f"journal `{args.storage.relative_to(ROOT)}`; {minutes:.1f} min. Loss: sum of squared log "
        "errors of "
        "the seed means, weighted "
        + ", ".join(f"{k} {w:g}" for k, w in FITTED_TARGETS.items())
        + f" (best {best.value:.4f}, trial {best.number}).",
        "Evaluation: the fitted parameters re-run on seeds the fit never saw; mean with a 95% "
        "Student-t CI.",
        "",
        "## Targets",
        "",
        "| statistic | thesis (docs/sources.md) | fitted on | "
        + " | ".join(f"simulated, scale {s} ({len(e)} seeds)" for s, e in evals.items())
        + " |",
        "|---|---|---|" + "---|" * len(evals),
    ]
    for k, target in THESIS_TARGETS.items():
        cells = [mean_ci(e[k]).fmt(2) for e in evals.values()]
        lines.append(
            f"| {k} | {target:.2f} | {'yes' if k in FITTED_TARGETS else 'no (reported)'} | "
            + " | ".join(cells)
            + " |"
        )
    lines += [
        "",
        "## Fitted parameters (now the scenario's defaults)",
        "",
        "| parameter | range searched | fitted |",
        "|---|---|---|",
    ]
    for k, lo, hi, lg in SPACE:
        lines.append(f"| `{k}` | [{lo}, {hi}]{' log' if lg else ''} | {best.params[k]:.4g} |")
    done = [(t.value, t) for t in study.trials if t.value is not None]
    top = [t for _, t in sorted(done, key=lambda vt: vt[0])][:5]
    lines += [
        "",
        "## Best trials",
        "",
        "| trial | loss | " + " | ".join(THESIS_TARGETS) + " |",
        "|---|---|" + "---|" * len(THESIS_TARGETS),
    ]
    for t in top:
        lines.append(
            f"| {t.number} | {t.value:.4f} | "
            + " | ".join(f"{t.user_attrs.get(k, math.nan):.2f}" for k in THESIS_TARGETS)
            + " |"
        )
    scales = " ".join(map(str, args.eval_scales or [args.scale]))
    lines += [
        "",
        "Reproduce: `scripts/python experiments/calibrate.py "
        f"--trials {args.trials} --seeds {args.seeds} --scale {args.scale} --eval-scales {scales} "
        f"--eval-seeds {args.eval_seeds} --apply` "
        "(resumes from the journal; delete it to start over).",
        "",
    ]
    path = OUT / "calibration.md"
    atomic_write_bytes(path, "\n".join(lines).encode())
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=40, help="total trials in the study (resumes)")
    ap.add_argument("--seeds", type=int, default=5, help="seeds per trial")
    ap.add_argument("--scale", type=float, default=0.001, help="world.scale while fitting")
    ap.add_argument("--eval-seeds", type=int, default=10)
    ap.add_argument(
        "--eval-scales",
        type=float,
        nargs="*",
        default=None,
        help="scales to evaluate the fit at (default: the fitting scale)",
    )
    ap.add_argument("--jobs", type=int, default=2, help="parallel runs (joblib)")
    ap.add_argument("--storage", type=Path, default=OUT / "calibration" / "optuna.journal")
    ap.add_argument(
        "--apply", action="store_true", help="write the fit to conf/fitted/karabakh2020.yaml"
    )
    ap.add_argument(
        "--enqueue",
        action="append",
        default=[],
        metavar="JSON",
        help="a parameter set (JSON object) to try first, e.g. a previous fit; repeatable",
    )
    args = ap.parse_args(argv)
    args.storage = args.storage.resolve()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    t0 = time.time()
    study = open_study(args.storage, "karabakh2020")
    for text in args.enqueue:
        study.enqueue_trial(json.loads(text), skip_if_exists=True)
    done = sum(t.state.is_finished() for t in study.trials)
    if done < args.trials:
        study.optimize(
            make_objective(args.scale, list(range(args.seeds)), args.jobs),
            n_trials=args.trials - done,
            show_progress_bar=True,
        )
    best = study.best_trial
    params = {k: float(f"{v:.4g}") for k, v in best.params.items()}  # as written to the yaml
    print(f"best loss {best.value:.4f}: {json.dumps(params)}")
    evals = {}
    for s in args.eval_scales or [args.scale]:
        seeds = list(range(EVAL_SEED0, EVAL_SEED0 + args.eval_seeds))
        evals[s] = run_seeds(params, s, seeds, args.jobs)
    OUT.mkdir(parents=True, exist_ok=True)
    trials = study.trials_dataframe()
    from sim.outputs import write_parquet

    write_parquet(trials, OUT / "calibration" / "trials.parquet")
    print(f"wrote {write_report(study, evals, args, (time.time() - t0) / 60)}")
    if args.apply:
        apply_fitted(params)
        print(f"fitted values written to {FITTED.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
