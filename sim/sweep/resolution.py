"""Does a sensitivity study resolve its first-order indices, and what size would?

A Sobol table whose intervals are as wide as the indices ranks noise. So each report
states a target (the 95% bootstrap half-width of every first-order index, ``S1_conf``, at
most ``TARGET``), whether the run met it, and, from the half-widths it measured, the size
that would: a bootstrap half-width shrinks as 1/sqrt(points), so ``n * (widest / target)^2``
points, at the run's own cost per run, on 2 cores and as a cluster command.
"""

from __future__ import annotations

import math

import pandas as pd

TARGET = 0.05
LOCAL_CORES = 2
LOCAL_MINUTES = 15  # what "feasible on this machine" means here


def runs_per_n(method: str, params: int) -> int:
    """Runs per unit of n (per seed): Saltelli n*(p+2) without second order; RBD n."""
    return params + 2 if method == "sobol" else 1


def needed_n(method: str, n: int, widest: float, target: float) -> int:
    """Base sample that would bring the widest half-width to ``target`` (1/sqrt(n) law);
    a power of 2 for Saltelli's sequence."""
    if not (widest > target):
        return n
    raw = n * (widest / target) ** 2
    return 2 ** math.ceil(math.log2(raw)) if method == "sobol" else int(math.ceil(raw / 100) * 100)


def core_seconds_per_run(df: pd.DataFrame, jobs: int) -> float:
    """Core-seconds per run as measured: the runs' span times the workers, over the runs
    (includes composing and writing, and any load from other users of the machine)."""
    start = pd.to_datetime(df["prov.started_utc"])
    end = start + pd.to_timedelta(df["prov.wall_s"], unit="s")
    return (end.max() - start.min()).total_seconds() * jobs / max(len(df), 1)


def plan(
    method: str,
    indices: pd.DataFrame,
    n: int,
    params: int,
    seeds: int,
    core_s: float,
    target: float = TARGET,
) -> pd.DataFrame:
    """Per output: the widest S1 half-width, whether it meets ``target``, the n that would,
    its runs and its minutes on ``LOCAL_CORES`` cores at ``core_s`` per run."""
    rows = []
    for out, d in indices.groupby("output", sort=False):
        widest = float(d["S1_conf"].max())
        need = needed_n(method, n, widest, target)
        runs = need * runs_per_n(method, params) * seeds
        rows.append(
            {
                "output": out,
                "widest S1 half-width": widest,
                "target": target,
                "met": "yes" if widest <= target else "no",
                "n needed": need,
                "runs": runs,
                "minutes on 2 cores": runs * core_s / LOCAL_CORES / 60,
            }
        )
    return pd.DataFrame(rows)


def cluster_command(method: str, n: int, seeds: int) -> str:
    return (
        f"scripts/python experiments/sobol.py --method {method} --n {n} --seeds {seeds} "
        "--jobs 32 hydra/launcher=joblib  # one 32-core node; or hydra/launcher=submitit_slurm "
        "hydra.launcher.partition=<partition> (docs/scaling.md)"
    )


def resolution_lines(
    method: str, indices: pd.DataFrame, n: int, params: int, seeds: int, core_s: float
) -> list[str]:
    """The report's "Resolution" section."""
    from sim.sweep.report import md_table

    t = plan(method, indices, n, params, seeds, core_s)
    lines = [
        "## Resolution",
        "",
        f"Target: every first-order index with a 95% bootstrap half-width (`S1_conf`) of at "
        f"most {TARGET:g}. Sizes needed scale the widest half-width measured here by "
        f"1/sqrt(n); time at {core_s:.2f} core-s per run (measured in this run, machine load "
        "included).",
        "",
        md_table(t, ".3g"),
        "",
    ]
    if (t["met"] == "yes").all():
        return [*lines, "Every output is resolved at this size.", ""]
    worst = t.loc[t["n needed"].idxmax()]
    local = worst["minutes on 2 cores"] <= LOCAL_MINUTES
    lines.append(
        f"*Not resolved at this size.* The size that would resolve every output, n = "
        f"{int(worst['n needed'])} ({int(worst['runs']):,} runs), takes about "
        f"{worst['minutes on 2 cores']:.0f} min on 2 cores"
        + (
            "; run it here."
            if local
            else f", beyond the {LOCAL_MINUTES} min this machine allows; on a cluster:"
        )
    )
    if not local:
        lines += ["", f"    {cluster_command(method, int(worst['n needed']), seeds)}"]
    return [*lines, ""]


# Morris: mu* is in the output's own units, so the target is relative: every parameter's
# 95% bootstrap half-width (`mu_star_conf`) at most this share of the output's largest mu*,
# enough to rank parameters whose mu* differ by a fifth of the leading one.
MORRIS_REL = 0.1


def morris_plan(
    indices: pd.DataFrame, r: int, params: int, seeds: int, core_s: float, rel: float = MORRIS_REL
) -> pd.DataFrame:
    """Per output: the largest mu*, the target (``rel`` of it), the widest mu* half-width,
    whether it meets the target, and the trajectories (half-widths shrink as 1/sqrt(r)),
    runs (r x (params + 1) x seeds) and minutes on 2 cores that would."""
    rows = []
    for out, d in indices.groupby("output", sort=False):
        top, widest = float(d["mu_star"].max()), float(d["mu_star_conf"].max())
        target = rel * top
        met = widest <= target
        need = r if met or target <= 0 else int(math.ceil(r * (widest / target) ** 2))
        runs = need * (params + 1) * seeds
        rows.append(
            {
                "output": out,
                "largest mu*": top,
                "target half-width": target,
                "widest mu* half-width": widest,
                "met": "yes" if met else "no",
                "trajectories needed": need,
                "runs": runs,
                "minutes on 2 cores": runs * core_s / LOCAL_CORES / 60,
            }
        )
    return pd.DataFrame(rows)


def morris_resolution_lines(
    indices: pd.DataFrame, r: int, params: int, seeds: int, core_s: float, command: str
) -> list[str]:
    """The Morris report's "Resolution" section: target, whether met, the size that would."""
    from sim.sweep.report import md_table

    t = morris_plan(indices, r, params, seeds, core_s)
    lines = [
        "## Resolution",
        "",
        f"Target: every parameter's mu* known to a 95% bootstrap half-width (`mu_star_conf`, "
        f"SALib's resampling of the elementary effects) of at most {MORRIS_REL:g} x the "
        "output's largest mu*, so that parameters whose mu* differ by a fifth of the leading "
        f"one are ranked. This run has r = {r} trajectories; half-widths shrink as "
        f"1/sqrt(r), so the trajectories needed scale r by (widest / target)^2; time at "
        f"{core_s:.2f} core-s per run (measured in this run, machine load included).",
        "",
        md_table(t, ".3g"),
        "",
    ]
    if (t["met"] == "yes").all():
        return [*lines, "Every output is resolved at this size.", ""]
    worst = t.loc[t["trajectories needed"].idxmax()]
    need = int(worst["trajectories needed"])
    local = worst["minutes on 2 cores"] <= LOCAL_MINUTES
    lines.append(
        f"*Not resolved at this size.* r = {need} trajectories ({int(worst['runs']):,} runs) "
        f"would resolve every output, about {worst['minutes on 2 cores']:.0f} min on 2 cores"
        + ("; run it here:" if local else f", beyond the {LOCAL_MINUTES} min this machine allows:")
    )
    jobs = "--jobs 2" if local else "--jobs 32 hydra/launcher=joblib  # one 32-core node"
    return [*lines, "", f"    {command} --n {need} {jobs}", ""]
