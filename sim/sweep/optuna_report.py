"""results/optuna/report.md for the multi-objective strategy-mix search: the settings and
precision rule, the Pareto front with intervals from its re-run on fresh seeds, and a
figure of every trial with the front's fresh intervals."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd

from sim.sweep.optimise import LABELS, OBJECTIVES
from sim.sweep.report import md_table


def trials_frame(study: Any, names: list[str]) -> pd.DataFrame:
    """One row per completed trial: budgets, the search's estimates, seeds used."""
    import optuna

    rows = []
    for t in study.trials:
        if t.state != optuna.trial.TrialState.COMPLETE:
            continue
        row = {"trial": t.number, **{s: t.params.get(s, 0) for s in names}}
        row |= dict(zip(OBJECTIVES, t.values))
        row |= {f"half_{k}": t.user_attrs.get(f"half_{k}") for k in OBJECTIVES}
        row |= {"seeds": t.user_attrs.get("seeds"), "met": t.user_attrs.get("met")}
        rows.append(row)
    return pd.DataFrame(rows)


def _figure(trials: pd.DataFrame, fresh: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.colours import FEASIBLE, NOT_SIGNIFICANT

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, k in zip(axes, ("support", "misinfo")):
        ax.scatter(trials["cost"], trials[k], c=NOT_SIGNIFICANT, s=14, label="search trials")
        if len(fresh):
            ax.errorbar(
                fresh["cost_mean"],
                fresh[f"{k}_mean"],
                yerr=[fresh[f"{k}_mean"] - fresh[f"{k}_lo"], fresh[f"{k}_hi"] - fresh[f"{k}_mean"]],
                fmt="o",
                c=FEASIBLE,
                capsize=3,
                label="Pareto front, fresh seeds (95% CI)",
            )
        ax.axhline(0, color="black", lw=0.6)
        ax.set_xlabel(LABELS["cost"])
        ax.set_ylabel(LABELS[k], fontsize=8)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)


def _ci(r: pd.Series, k: str, nd: int) -> str:
    return f"{r[f'{k}_mean']:+.{nd}f} [{r[f'{k}_lo']:+.{nd}f}, {r[f'{k}_hi']:+.{nd}f}]"


def front_rows(front: list[Any], fresh: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The front as a table: the mix (non-zero budgets), the search's estimate and the
    fresh-seed intervals."""
    by = fresh.set_index("trial")
    rows = []
    for t in front:
        r = by.loc[t.number]
        rows.append(
            {
                "trial": t.number,
                "mix (budget, staff-h)": ", ".join(
                    f"{s} {t.params[s]}" for s in names if t.params.get(s, 0)
                )
                or "none",
                "search seeds": t.user_attrs.get("seeds"),
                "spent, fresh [95% CI]": _ci(r, "cost", 0),
                "support change, fresh [95% CI]": _ci(r, "support", 4),
                "support change, search": f"{t.values[1]:+.4f}",
                "misinfo change, fresh [95% CI]": _ci(r, "misinfo", 4),
            }
        )
    return pd.DataFrame(rows)


def pareto_report(
    study: Any,
    names: list[str],
    front: list[Any],
    fresh: pd.DataFrame,
    args: Any,
    minutes: float,
) -> Path:
    """<out>/report.md + trials.csv + front.csv + pareto.png."""
    from sim.outputs import atomic_write_bytes

    out = Path(args.out)
    trials = trials_frame(study, names)
    trials.to_csv(out / "trials.csv", index=False)
    fresh.to_csv(out / "front.csv", index=False)
    _figure(trials, fresh, out / "pareto.png")
    met = int(trials["met"].fillna(False).astype(bool).sum()) if len(trials) else 0
    cmd = " ".join(["scripts/python experiments/optuna_mix.py", *sys.argv[1:]]).strip()
    lines = [
        "# Pareto front of home strategy mixes: staff-hours against effect in the contest",
        "",
        f"Command: `{cmd}`; this invocation took {minutes:.1f} min. Study "
        f"`{study.study_name}` in `pareto.sqlite3` (Optuna, {args.sampler} sampler, "
        f"{len(trials)} completed trials); runs in `_runs/` (`sim.sweep.load_study`).",
        "",
        f"Searched: every home strategy with a budget ({len(names)}: "
        + ", ".join(f"`{s}`" for s in names)
        + "), each budget 0 (off) to 800 staff-hours in steps of 50.",
        "",
        "Objectives: "
        + "; ".join(f"{d} {LABELS[k]}" for k, (_, d, _) in OBJECTIVES.items())
        + ". Changes are paired with the no-strategy run of the same seed.",
        "",
        f"Target precision: 95% half-width <= {args.target_support:g} on the support change "
        f"and <= {args.target_misinfo:g} on the misinformation change. Each trial ran "
        f"{args.min_seeds} seeds, then {args.batch} more at a time while a target was unmet, "
        f"up to {args.max_seeds}; {met} of {len(trials)} trials met both targets"
        + (
            f" (seeds used: median {trials['seeds'].median():g}, max {trials['seeds'].max():g})."
            if len(trials)
            else "."
        ),
        "",
        "## Pareto front, re-run on fresh seeds",
        "",
        f"The {len(front)} distinct non-dominated mixes of the search, each run again on "
        f"{args.fresh_seeds} seeds never used in the search (from 1,000,000 on). Only these "
        "fresh intervals are findings: the search's own estimates are selected for looking "
        "good and are biased in the mix's favour (shown for comparison). Unadjusted 95% "
        "Student-t intervals, one per mix and objective; read them as a set, not as a pick "
        "of the best.",
        "",
        md_table(front_rows(front, fresh, names)) if front else "(no completed trial)",
        "",
        "![Pareto front](pareto.png)",
        "",
        "All trials: `trials.csv`; the front's fresh figures: `front.csv`.",
        "",
    ]
    path = out / "report.md"
    atomic_write_bytes(path, "\n".join(lines).encode())
    return path
