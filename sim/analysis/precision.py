"""Seeds chosen by precision: targets for the interval half-widths, the report section
that states the precision reached, and the loop that adds seeds to a sweep until the
targets are met or a cap is hit.

A fixed number of seeds either wastes runs (an effect resolved at 5 seeds run 20) or
publishes intervals too wide to answer the question. With ``--target support=0.005`` the
analysis checks every contrast on that outcome: the half-width of its family-wise
(adjusted) interval, the one the findings quote, must be at most the target. With
``--add-seeds B --max-seeds N`` the command reruns the study's multirun on B new seeds at
a time into the same sweep store (finished runs are never redone), and stops when every
target is met or N seeds are reached.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.power import paired_sd, power_table, seeds_for_half_width

OUTCOMES = {  # short name on the command line -> metric column
    "support": "support.international.support_home",
    "auc": "misinformation.rival_fake.auc",
    "contain": "misinformation.rival_fake.hours_to_contain",
    "contested_support": "audiences.contested.support_home",
    "contested_auc": "audiences.contested.misinformation.rival_fake.auc",
}
EFFECTS = {  # effect sizes of the power table, in each outcome's units
    OUTCOMES["support"]: [0.005, 0.01, 0.02],
    OUTCOMES["auc"]: [0.01, 0.02, 0.05],
    OUTCOMES["contain"]: [6.0, 12.0, 24.0],
    OUTCOMES["contested_support"]: [0.005, 0.01, 0.02],
    OUTCOMES["contested_auc"]: [0.01, 0.02, 0.05],
}

# Targets a report states when none is given on the command line: half the smallest effect
# of the power table above for each outcome (an interval that narrow tells that effect
# from 0). A study meets them or says how many seeds would.
DEFAULT_TARGETS = {m: sizes[0] / 2 for m, sizes in EFFECTS.items()}


def parse_targets(items: list[str], flag: str = "--target") -> dict[str, float]:
    """``["support=0.005", ...]`` -> {metric: size}; exit 2 naming the bad item."""
    out: dict[str, float] = {}
    for it in items:
        key, _, val = it.partition("=")
        try:
            h = float(val)
        except ValueError:
            h = math.nan
        if key not in OUTCOMES or not (math.isfinite(h) and h > 0):
            print(
                f"error: {flag}: '{it}' must be OUTCOME=SIZE with OUTCOME one of "
                f"{', '.join(OUTCOMES)} and a positive number",
                file=sys.stderr,
            )
            raise SystemExit(2)
        out[OUTCOMES[key]] = h
    return out


def precision_table(families, targets: dict[str, float]) -> pd.DataFrame:
    """Per contrast family: seeds used, the widest adjusted half-width, the target, whether
    it is met, and the seeds the widest comparison would need at its observed SD."""
    rows = []
    for f in families.items:
        t = f.table
        if f.kind == "slope" or not len(t) or "adj_hi" not in t:
            continue
        half = (t["adj_hi"] - t["adj_lo"]) / 2
        if half.isna().all():
            continue
        worst = int(np.nanargmax(half.to_numpy(dtype=float)))
        target = targets.get(f.metric, math.nan)
        need = seeds_for_half_width(
            float(paired_sd(t).iloc[worst]), target, float(t["adj_level"].iloc[worst])
        )
        rows.append(
            {
                "family": f.name,
                "comparisons": f.size,
                "seeds": int(t["diff_n"].max()),
                "widest adjusted half-width": float(half.iloc[worst]),
                "target": target,
                "met": "n/a" if math.isnan(target) else ("yes" if half.max() <= target else "no"),
                "seeds needed": need if need > 0 else math.nan,
            }
        )
    return pd.DataFrame(rows)


def all_met(families, targets: dict[str, float]) -> bool:
    t = precision_table(families, targets)
    return bool(len(t)) and not (t["met"] == "no").any()


def growth_lines(
    sweep: Path, families, targets: dict[str, float], batch: int, cap: int
) -> list[str]:
    """What ``--add-seeds`` did, in words: the targets, the seeds used (the study's own,
    then each batch's folder in the store) and why it stopped: every target met, or the
    cap reached with the families still short of theirs."""
    t = precision_table(families, targets)
    t = t[t["met"] != "n/a"]
    seeds = int(t["seeds"].max()) if len(t) else 0
    short = list(t.loc[t["met"] == "no", "family"])
    added = sorted(
        (d.name for d in Path(sweep).glob("seeds*-*") if d.is_dir()),
        key=lambda n: int(n[5:].split("-")[0]),
    )
    first = int(added[0][5:].split("-")[0]) if added else seeds
    why = (
        f"every targeted family met its target at {seeds} seeds"
        if not short
        else f"the cap of {cap} seeds was reached with {len(short)} of {len(t)} targeted "
        "families short of their targets (" + "; ".join(short) + "): the precision table "
        "gives the seeds each would need"
    )
    return [
        "**Seeds chosen by precision.** Target 95% family-wise half-widths: "
        + ", ".join(f"`{k}` {v:g}" for k, v in targets.items())
        + f". Seeds were added {batch} at a time to the same sweep store until every target "
        f"was met or {cap} seeds (`--add-seeds {batch} --max-seeds {cap}`): {seeds} seeds "
        f"used, the study's own {first}"
        + (" then " + ", ".join(f"`{n}/`" for n in added) if added else "")
        + f". Stopped because {why}.",
        "",
    ]


def report_lines(
    families,
    targets: dict[str, float],
    effects: dict[str, list[float]] | None = None,
    default: bool = False,
) -> list[str]:
    """The report's statistics section: families and adjustment, precision, power
    (``default``: the targets are DEFAULT_TARGETS, not the user's)."""
    from sim.analysis.reports import md_table

    names = {f.method for f in families.items}
    lines = [
        "## Statistics: families, precision, power",
        "",
        "Each family below is corrected as a whole: p-values "
        + ", ".join(sorted({f.table["adj_method"].iloc[0] for f in families.items if len(f.table)}))
        + "-adjusted within the family, family-wise intervals at the Bonferroni level 1 - 0.05/m "
        "(m comparisons in the family) for Holm"
        + (", false-coverage-rate intervals for Benjamini-Hochberg" if "fdr_bh" in names else "")
        + ". Findings quote the adjusted intervals.",
        "",
        *md_table(
            pd.DataFrame(
                [{"family": f.name, "kind": f.kind, "comparisons": f.size} for f in families.items]
            )
        ),
        "",
        "### Precision reached",
        "",
        "Widest family-wise half-width per family against its target "
        + (
            "(" + ", ".join(f"`{k}` {v:g}" for k, v in targets.items()) + ")"
            if targets
            else "(no target given: `--target support=0.005` etc.)"
        )
        + (" (the defaults: half the smallest effect of the power table)" if default else "")
        + "; seeds needed = the seeds at which the widest interval would meet the target "
        "at its observed paired SD.",
        "",
        *md_table(precision_table(families, targets)),
        "",
        "### Power table",
        "",
        "Seeds (pairs) needed to detect each effect size (`--effect support=0.01` to choose) "
        "with 80% power at the family's "
        "per-comparison level 0.05/m, from the median observed SD of the per-seed differences.",
        "",
    ]
    pt = power_table(families, {**EFFECTS, **(effects or {})})
    if len(pt):
        return lines + md_table(pt)
    if any(f.kind != "slope" for f in families.items):  # contrasts, but no sizes for them
        return [*lines, "(no effect sizes given for these families' outcomes: `--effect`)"]
    return [*lines, "(no contrast families)"]


def _overrides(sweep: Path) -> tuple[list[str], list[str]]:
    """The task and hydra overrides of the sweep's last multirun (from multirun.yaml)."""
    from omegaconf import OmegaConf

    # raw: ${...} stays unresolved
    loaded = OmegaConf.to_container(OmegaConf.load(sweep / "multirun.yaml"), resolve=False)
    assert isinstance(loaded, dict), "multirun.yaml is a mapping"
    cfg = loaded["hydra"]["overrides"]
    task = [str(o) for o in cfg.get("task", []) if not str(o).lstrip("+~").startswith("seed=")]
    skip = ("hydra.sweep.dir=", "hydra.sweep.subdir=", "hydra.mode=")
    return task, [str(o) for o in cfg.get("hydra", []) if not str(o).startswith(skip)]


def add_seeds(sweep: Path, start: int, count: int) -> None:
    """Run the sweep's multirun again on seeds start..start+count-1 into the same store."""
    task, hyd = _overrides(sweep)
    stop = start + count
    cmd = [
        sys.executable, "-m", "sim", "-m", *task, f"seed=range({start},{stop})", *hyd,
        f"hydra.sweep.dir={sweep.resolve()}",
        f"hydra.sweep.subdir=seeds{start}-{stop - 1}/${{hydra.job.num}}",
    ]  # fmt: skip
    print(f"adding seeds {start}..{stop - 1}: {' '.join(cmd[3:])}", flush=True)
    subprocess.run(cmd, check=True)


def extend(experiment: str, sweep: Path, targets: dict[str, float], batch: int, cap: int) -> int:
    """Add seeds in batches until every target is met or ``cap`` seeds; the seeds reached."""
    from sim.analysis.studies import ANALYSES, prepare
    from sim.sweep import load_study

    if not (sweep / "multirun.yaml").is_file():
        print(f"error: sweep: {sweep} has no multirun.yaml to extend", file=sys.stderr)
        raise SystemExit(2)
    while True:
        df = load_study(sweep)
        seeds = int(df["seed"].nunique())
        from sim.analysis.multiplicity import Families

        fams = Families(targets=targets)
        with tempfile.TemporaryDirectory() as tmp:
            ANALYSES[experiment](prepare(df), Path(tmp), fams)
        if all_met(fams, targets) or seeds >= cap:
            print(f"{seeds} seeds; targets {'met' if all_met(fams, targets) else 'not met'}")
            return seeds
        add_seeds(sweep, int(pd.to_numeric(df["seed"]).max()) + 1, min(batch, cap - seeds))
