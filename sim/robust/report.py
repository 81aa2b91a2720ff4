"""results/robust/report.md: the policy brief of a robust-decision study."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from sim.robust import figures, report_stats
from sim.robust.findings import chance, condition, findings, meaning
from sim.robust.pipeline import Study
from sim.robust.space import key


def _range(p: Any) -> str:
    cats = getattr(p, "categories", None)
    if cats is not None and hasattr(p, "cat_for_index"):
        return ", ".join(str(c.name) for c in cats)
    return f"{p.lower_bound:g} to {p.upper_bound:g}"


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _code_line(s: Study) -> str:
    """Which code ran the study, and which analysed it when only the analysis was redone."""
    now = f"{git_commit()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    if s.ran_on is None:
        return f"Code {now}."
    return f"Runs on code {s.ran_on}; analysed (--analyse-only) on code {now}."


def _box_section(s: Study) -> list[str]:
    o = s.cfg.outcomes
    n, k = len(s.y), int(s.y.sum())
    lines = [
        f"## When `{o.defence}` fails",
        "",
        f"A run fails when the misinformation reach (`{o.misinformation}`) ends above "
        f"{o.reach_threshold:g} or the support (`{o.support}`) below {o.support_level:g}: "
        "targets a reader sets, not model results. "
        f"`{o.defence}` fails in {k} of {n} scenarios ({s.fail_by['misinformation']} by "
        f"misinformation, {s.fail_by['support']} by support).",
        "",
    ]
    if s.prim is None:
        return [*lines, "No box to find: it fails everywhere or nowhere in the sample.", ""]
    b = s.prim
    lines += [
        f"**PRIM** finds the failures concentrated where {'; and '.join(condition(b))}. "
        f"That box holds {b.coverage:.0%} of all failures (coverage) and {b.density:.0%} of "
        f"the scenarios inside it fail (density); it is {b.mass:.0%} of the sample. {chance(b)}",
        "",
        "| restriction | quasi p-value |",
        "|---|---|",
        *(f"| {c} | {b.qp.get(d, float('nan')):.2g} |" for c, d in zip(condition(b), b.limits)),
        "",
        "![PRIM box](prim_pairs.png)",
        "",
    ]
    if s.cart:
        lines += [
            "**CART** failure leaves (density >= 0.5):",
            "",
            "| box | coverage | density | mass |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {'; '.join(condition(c)) or 'all'} | {c.coverage:.2f} | {c.density:.2f} "
            f"| {c.mass:.2f} |"
            for c in s.cart
        ]
        lines.append("")
    return lines


def _ranking(s: Study) -> list[str]:
    q = s.cfg.satisficing_quantile
    r = s.rank
    best = r.iloc[0]
    lines = [
        "## Robust ranking",
        "",
        f"`{best['policy']}` holds (misinformation <= {s.cfg.outcomes.reach_threshold:g} and "
        f"support >= {s.cfg.outcomes.support_level:g}) in {best['satisficing']:.0%} of the "
        f"{int(best['n'])} scenarios (95% CI {best['sat_lo']:.0%} to {best['sat_hi']:.0%}). "
        "Ranked by that share, then by the worse of the two worst-case regrets (each scaled "
        "by the largest regret of any policy), then by cost. Regret: how far a policy falls "
        "behind the best policy of the same scenario. Intervals: Wilson for the shares, a "
        f"bootstrap over scenarios for the {q:.0%} regret percentile; the worst case has "
        "none (a larger sample can only find a worse one). Whether the order is more than "
        "noise: the next section.",
        "",
        f"| rank | policy | holds in (95% CI) | misinformation regret {q:.0%} (95% CI) / max "
        f"| support regret {q:.0%} (95% CI) / max | mean cost | mean misinformation | "
        "mean support |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for _, x in r.iterrows():
        lines.append(
            f"| {x['rank']} | `{x['policy']}` | {x['satisficing']:.0%} ({x['sat_lo']:.0%}-"
            f"{x['sat_hi']:.0%}) | {_regret(x, 'misinformation')} | {_regret(x, 'support')} "
            f"| {x['mean_cost']:.0f} | {x['mean_misinformation']:.4f} | "
            f"{x['mean_support']:.4f} |"
        )
    return [*lines, "", "![regret](regret.png)", ""]


def _regret(x: Any, name: str) -> str:
    lo, hi = x[f"{name}_regret_q_lo"], x[f"{name}_regret_q_hi"]
    ci = "no CI" if np.isnan(lo) else f"{lo:.4f}-{hi:.4f}"
    return f"{x[f'{name}_regret_q']:.4f} ({ci}) / {x[f'{name}_regret_max']:.4f}"


def _space(s: Study) -> list[str]:
    lines = ["## What was varied", "", "| uncertainty | range | meaning |", "|---|---|---|"]
    lines += [
        f"| `{key(p.name)}` | {_range(p)} | {meaning(p.name)} |" for p in s.space.uncertainties
    ]
    lines += [
        "",
        "Numeric ranges are each parameter's plausible range as declared with "
        "`param(plausible=...)` (docs/parameters.md), unless the study narrows it.",
        "",
        "| lever | range | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{key(p.name)}` | {_range(p)} | {meaning(p.name)} |" for p in s.space.levers]
    lines += [
        "",
        "| named lever set | settings (others: budget 0, settings at default) |",
        "|---|---|",
    ]
    lines += [
        f"| `{k}` | {', '.join(f'{a}={b:g}' for a, b in v.items()) or 'no strategy'} |"
        for k, v in s.cfg.levers.sets.items()
    ]
    return [*lines, ""]


def _pareto(s: Study) -> list[str]:
    names = [p.name for p in s.space.levers]
    lines = [
        "## The Pareto front",
        "",
        f"The workbench's eps-NSGA-II ({s.cfg.search.nfe} evaluations, population "
        f"{s.cfg.search.population}) searched the levers in the reference scenario (the "
        f"world as configured, rival tactics `{s.cfg.search.reference_tactics}` at "
        f"intensity 1). {len(s.front)} policies are on its front; the {len(s.picked)} below "
        "(spread along cost) were re-run in every scenario and ranked above as `pareto_i`.",
        "",
        "| policy | "
        + " | ".join(f"`{key(n)}`" for n in names)
        + " | cost | misinformation | support |",
        "|---|" + "---|" * (len(names) + 3),
    ]
    for i, row in s.picked.iterrows():
        vals = " | ".join(f"{row[n]:g}" for n in names)
        lines.append(
            f"| `pareto_{int(str(i)) + 1}` | {vals} | {row['cost']:.0f} | "
            f"{row['misinformation']:.4f} | {row['support']:.4f} |"
        )
    return [*lines, "", "![Pareto front](pareto.png)", ""]


def _cost_line(s: Study, out: Path) -> str:
    """Measured wall time, the runs' own CPU time and the machine's load: the wall time
    of a shared machine says little alone."""
    from sim.sweep import load_study

    line = f"Took {s.minutes:.1f} min wall with {s.cfg.jobs} workers"
    if (out / "_runs" / "runs").is_dir():
        df = load_study(out / "_runs")
        cpu = df["prov.cpu_s"].astype(float)
        line += (
            f" ({len(df)} distinct runs in the store); each run took {cpu.mean():.2f} s of CPU "
            f"on average (model only, {cpu.sum() / 60:.1f} CPU-min in all; composing each "
            "config adds about 0.2 s)"
        )
    if s.load is not None:
        line += f"; load average {s.load[0]:.1f} (15 min: {s.load[1]:.1f}) when it finished"
    return line


def write(s: Study, out: Path, argv: str) -> Path:
    """The figures and report.md under ``out``."""
    from sim.outputs import atomic_write_bytes

    if s.prim is not None:
        figures.box_pairs(
            s.x, s.y, s.prim, f"Where `{s.cfg.outcomes.defence}` fails", out / "prim_pairs.png"
        )
    figures.regret_bars(s.rank, s.cfg.satisficing_quantile, out / "regret.png")
    figures.pareto(s.front, s.picked, s.rank, out / "pareto.png")
    c = s.cfg
    lines = [
        "# Robust decisions: which home defence holds up across what we do not know",
        "",
        f"{s.runs} runs: {c.scenarios} scenarios (Latin hypercube) x {len(s.rank)} policies x "
        f"{c.seeds} seed(s), and the search's evaluations, on `scenario={c.scenario}` with "
        f"{' '.join(c.base)} (study `{argv or 'default'}`). How to read it: docs/robust.md.",
        "",
        f"{_cost_line(s, out)}. Runs already in the store are read back, not rerun. "
        + _code_line(s),
        "",
        *findings(s),
        *_ranking(s),
        *report_stats.separation(s),
        *report_stats.size(s),
        *_box_section(s),
        *_pareto(s),
        *_space(s),
        *report_stats.reproduce(s, argv),
    ]
    path = out / "report.md"
    atomic_write_bytes(path, "\n".join(lines).encode())
    return path
