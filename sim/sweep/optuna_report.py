"""results/optuna/report.md for the multi-objective strategy-mix search: the settings and
precision rule, the Pareto front with intervals from its re-run on fresh seeds, and a
figure of every trial with the front's fresh intervals."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd

from sim.sweep.optimise import LABELS, OBJECTIVES
from sim.sweep.optuna_stats import adjusted_cells, families, merged, target_note
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


def _mix(t: Any, names: list[str]) -> str:
    return ", ".join(f"{s} {t.params[s]}" for s in names if t.params.get(s, 0)) or "none"


def front_rows(front: list[Any], fresh: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The front as a table, one row per behaviour (mixes identical on every fresh seed
    merged): the mixes (non-zero budgets), the search's estimate, the fresh-seed raw
    intervals and, per effect, the Holm-adjusted p and family-wise interval."""
    by_number = {t.number: t for t in front}
    rows_in = merged(fresh)
    fams = families(rows_in)
    rows = []
    for i, r in rows_in.iterrows():
        ts = [by_number[n] for n in r["trials"]]
        rows.append(
            {
                "trial": " / ".join(str(t.number) for t in ts),
                "mix (budget, staff-h)": " **or** ".join(_mix(t, names) for t in ts),
                "search seeds": ts[0].user_attrs.get("seeds"),
                "spent, fresh [95% CI]": _ci(r, "cost", 0),
                "support change, fresh [95% CI]": _ci(r, "support", 4),
                **adjusted_cells(fams, "support", i),
                "support change, search": f"{ts[0].values[1]:+.4f}",
                "misinfo change, fresh [95% CI]": _ci(r, "misinfo", 4),
                **adjusted_cells(fams, "misinfo", i),
            }
        )
    return pd.DataFrame(rows)


def front_findings(fresh: pd.DataFrame) -> list[str]:
    """Per effect: the merged front mixes whose Holm-adjusted interval excludes 0."""
    rows = merged(fresh)
    out = []
    for f in families(rows).items:
        t = f.table
        sig = t[t["significant_adj"].astype(bool)] if "significant_adj" in t else t.iloc[:0]
        what = LABELS[f.metric]
        if sig.empty:
            out.append(f"- {what}: no front mix differs from no strategy after Holm ({f.size}).")
            continue
        lev = f"{100 * float(sig['adj_level'].iloc[0]):.4g}%"
        parts = [
            f"trial {r['mix']} {r['diff_mean']:+.4f} [{r['adj_lo']:+.4f}, {r['adj_hi']:+.4f}]"
            for _, r in sig.iterrows()
        ]
        out.append(
            f"- {what}: {len(sig)} of {f.size} distinct front mixes differ from no strategy "
            f"(Holm; family-wise {lev} intervals, which can touch 0 where the step-down "
            "Holm test still rejects): " + "; ".join(parts) + "."
        )
    return out


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
    cmd = (
        getattr(args, "command", None)
        or " ".join(["scripts/python experiments/optuna_mix.py", *sys.argv[1:]]).strip()
    )
    took = getattr(args, "took", None) or f"this invocation took {minutes:.1f} min"
    rows = merged(fresh) if len(fresh) else fresh
    note = target_note(rows, args, trials)
    lines = [
        "# Pareto front of home strategy mixes: staff-hours against effect in the contest",
        "",
        f"Command: `{cmd}`; {took}. Study "
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
        *([note, ""] if note else []),
        "## Findings",
        "",
        *(front_findings(fresh) if len(fresh) else ["- (no completed trial)"]),
        "",
        "## Pareto front, re-run on fresh seeds",
        "",
        f"The {len(front)} non-dominated mixes of the search ({len(rows)} distinct in "
        "behaviour: mixes whose fresh values are identical on every seed are one row, their "
        f"trials joined by '/'), each run again on {args.fresh_seeds} seeds never used in the "
        "search (from 1,000,000 on). Only these fresh intervals are findings: the search's "
        "own estimates are selected for looking good and are biased in the mix's favour "
        "(shown for comparison). Families: one per effect (support change, misinformation "
        "change), every distinct front mix against no strategy, Holm-adjusted (p (Holm)); "
        "the family-wise interval is at the Bonferroni level 1 - 0.05/m; `*` where Holm "
        "rejects (a step-down test, it can reject where that interval still touches 0). "
        "Spending is not tested. Read the front as a menu, not a pick of the best.",
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
