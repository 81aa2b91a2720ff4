"""results/karabakh2020/calibration.md from the ABC-SMC history, the ensemble and the scale study.

Called by experiments/abc2020.py (also with ``--report-only``, which rewrites it from the
database without simulating). The scale table comes from results/karabakh2020/scale.csv
(experiments/scale2020.py) when it exists.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "karabakh2020"
FITTED_YAML = ROOT / "conf" / "fitted" / "karabakh2020.yaml"
SCALE_CSV = OUT / "scale.csv"
RULES_CSV = OUT / "scale_rules.csv"  # the scale check run before fitting (previous defaults)


def _fmt(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{x:.3g}"


def predictive(stats: pd.DataFrame, name: str) -> tuple[float, float, float]:
    """Weighted median and 5-95% range of a statistic over the final particles (parameter
    uncertainty and run-to-run noise together)."""
    from sim.analysis.ensemble import weighted_quantile

    med, lo, hi = weighted_quantile(stats[name], stats["weight"], [0.5, 0.05, 0.95])
    return float(med), float(lo), float(hi)


def scale_cells(names: list[str], csv: Path = SCALE_CSV) -> tuple[list[str], dict[str, list[str]]]:
    """Per statistic, 'mean [95% CI]' at each scale of a scale study (n: its seeds)."""
    from sim.analysis.stats import mean_ci

    if not csv.is_file():
        return [], {}
    df = pd.read_csv(csv)
    scales = sorted(df["scale"].unique())
    heads = [f"scale {s:g} (n={int((df['scale'] == s).sum())})" for s in scales]
    cells = {
        k: [mean_ci(df.loc[df["scale"] == s, k].dropna()).fmt(3) for s in scales]
        for k in names
        if k in df
    }
    return heads, cells


def target_table(stats: pd.DataFrame) -> list[str]:
    from sim.analysis.thesis_targets import TARGETS

    heads, cells = scale_cells([t.name for t in TARGETS])
    cols = ["statistic", "role", "thesis", "ensemble median [5%, 95%]", "thesis inside"]
    cols += [*heads, "definition", "source"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for t in TARGETS:
        med, lo, hi = predictive(stats, t.name)
        inside = "yes" if lo <= t.thesis <= hi else "no"
        sc = cells.get(t.name, ["-"] * len(heads))
        lines.append(
            f"| `{t.name}` | {t.role} | {_fmt(t.thesis)} | {_fmt(med)} [{_fmt(lo)}, {_fmt(hi)}]"
            f" | {inside} | " + "".join(f"{c} | " for c in sc) + f"{t.what} | {t.source} |"
        )
    return lines


def rules_check() -> list[str]:
    """The fitted statistics at each scale before fitting, and each scale's cost."""
    from sim.analysis.thesis_targets import FITTED

    heads, cells = scale_cells([*FITTED, "hashtag_ratio_neutral_rival"], RULES_CSV)
    if not heads:
        return []
    df = pd.read_csv(RULES_CSV)
    cost = df.groupby("scale").agg(
        users=("users", "mean"), seconds=("seconds", "mean"), peak=("peak_rss_gib", "max")
    )
    lines = [
        "## Scale check before fitting",
        "",
        "The scaling rules checked before the fit, on the previous point defaults "
        "(`results/karabakh2020/scale_rules.csv`, experiments/scale2020.py): the fitted "
        "statistics, mean [95% CI], at each scale.",
        "",
        "| statistic | " + " | ".join(heads) + " |",
        "|---|" + "---|" * len(heads),
        *(f"| `{k}` | " + " | ".join(v) + " |" for k, v in cells.items()),
        "| users | " + " | ".join(f"{u:,.0f}" for u in cost["users"]) + " |",
        "| seconds per run (shared machine) | "
        + " | ".join(f"{x:.0f}" for x in cost["seconds"])
        + " |",
        "| peak memory, GiB | " + " | ".join(f"{x:.2f}" for x in cost["peak"]) + " |",
        "",
    ]
    return lines


def posterior_table(params: pd.DataFrame, w: np.ndarray) -> list[str]:
    from experiments.abc2020 import SPACE
    from sim.analysis.ensemble import identifiability

    df = params.copy()
    df.insert(0, "weight", w / w.sum())
    ident = identifiability(df, SPACE)
    ess = 1.0 / float(np.sum((w / w.sum()) ** 2))
    lines = [
        f"Effective sample size of the weights: {ess:.1f} of {len(w)} particles; with few "
        "particles or generations the intervals are rough and a 'pinned' verdict is only as "
        "good as the ABC run behind it.",
        "",
        "| parameter | prior | median | 90% interval | share of prior | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for r in ident.itertuples():
        lines.append(
            f"| `{r.parameter}` | {r.prior} | {r.median:.4g} | [{r.lo:.4g}, {r.hi:.4g}] | "
            f"{r.share_of_prior:.2f} | {r.verdict} |"
        )
    return lines


def schedule(history) -> list[str]:
    pops = history.get_all_populations()
    lines = ["| generation | epsilon | simulations | accepted |", "|---|---|---|---|"]
    for r in pops.itertuples():
        if r.t >= 0:
            lines.append(f"| {r.t} | {r.epsilon:.4g} | {r.samples} | {r.particles} |")
    return lines


def write_calibration(history, params, w, stats, args, minutes: float) -> Path:
    import pyabc

    from sim.analysis.thesis_targets import FITTED, HELD_OUT
    from sim.outputs import atomic_write_bytes

    held = [k for k in HELD_OUT if k in stats]
    inside = sum(
        predictive(stats, k)[1] <= t <= predictive(stats, k)[2]
        for k, t in ((k, _thesis(k)) for k in held)
    )
    lines = [
        "# Calibration of the karabakh2020 scenario (ABC-SMC ensemble)",
        "",
        f"pyabc {pyabc.__version__} ABC-SMC, {len(params)} particles in the last of "
        f"{history.max_t + 1} generations, {history.total_nr_simulations} simulations, one "
        f"seed each, at world.scale={args.scale}; distance: Euclidean norm of the log errors "
        f"of the fitted statistics ({', '.join(FITTED)}), measured on the Twitter layer; "
        f"database `{_rel(args.db)}`; "
        f"{history.get_all_populations()['wall_time'].sum() / 60:.0f} min of simulation on "
        "one core of a shared machine (generations resumed from the database count once).",
        "Ensemble: `results/karabakh2020/ensemble.csv` (the last generation's parameter sets "
        "and importance weights). The scenario's point default (conf/fitted/karabakh2020.yaml) "
        "is its member with the smallest distance; the what-ifs run over the ensemble.",
        "",
        "## Targets: fitted, held out, inputs",
        "",
        "Ensemble column: the statistic over the last generation's particles, weighted "
        "(parameter uncertainty and run-to-run noise together). Scale columns: the best "
        "member re-run on fresh seeds at each scale (mean, 95% CI; "
        "experiments/scale2020.py). Roles were fixed before fitting "
        "(sim/analysis/thesis_targets.py).",
        "",
        *target_table(stats),
        "",
        f"Held-out statistics whose thesis value lies inside the ensemble's 5-95% range: "
        f"{inside} of {len(held)}.",
        "",
        *rules_check(),
        "## Posterior and identifiability",
        "",
        "Share of prior: the 90% posterior interval's width over the prior range (log scale "
        "for log priors); under 0.5 the figures pin the parameter down, over 0.8 they hardly "
        "narrow it.",
        "",
        *posterior_table(params, w),
        "",
        "## Generations",
        "",
        *schedule(history),
        "",
        "Reproduce (this database's population and generations; one core, fixed seed): "
        "`nice -n 10 scripts/python experiments/abc2020.py --population "
        f"{len(params)} --generations {history.max_t + 1} --minutes 600 --budget 100000 "
        "--apply` "
        "(`--resume` continues the database; `--report-only` rewrites this file), then "
        "`scripts/python experiments/scale2020.py` for the scale columns.",
        "",
    ]
    path = OUT / "calibration.md"
    atomic_write_bytes(path, "\n".join(lines).encode())
    return path


def _thesis(name: str) -> float:
    from sim.analysis.thesis_targets import BY_NAME

    return BY_NAME[name].thesis


def _rel(p: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


def best_member(params: pd.DataFrame, stats: pd.DataFrame) -> dict[str, float]:
    """The particle with the smallest distance (params and stats share the particle order)."""
    i = int(np.nanargmin(stats["distance"].to_numpy(dtype=float)))
    return {k: float(v) for k, v in params.iloc[i].items()}


def apply_best(params: pd.DataFrame, stats: pd.DataFrame) -> Path:
    from sim.analysis.ensemble import fitted_block
    from sim.outputs import atomic_write_bytes

    block = fitted_block(best_member(params, stats), "experiments/abc2020.py --apply")
    atomic_write_bytes(FITTED_YAML, block.encode())
    return FITTED_YAML
