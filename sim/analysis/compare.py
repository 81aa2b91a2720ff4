"""Generic paired comparison of any user sweep: ``python -m sim.analysis compare <sweep>
--by <key> [--baseline V]``.

Runs sharing a seed are paired (common random numbers), as in the studies: for each
outcome, each value of ``key`` is compared with the baseline value by the mean of the
per-seed differences and its 95% Student-t interval (``sim.analysis.stats.paired_table``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.analysis import figures as fg
from sim.analysis.reports import findings, paired_md
from sim.analysis.stats import paired_table
from sim.analysis.studies import COST, METRICS, NO_STRATEGY, arm_label
from sim.errors import ConfigError, unknown


def arms(df: pd.DataFrame, by: str) -> list[str]:
    """The key's values as labels: 'none' (no strategy) first, numbers in numeric order."""
    labels = list(dict.fromkeys(arm_label(v) for v in df[by].dropna().unique()))
    try:
        labels.sort(key=float)
    except ValueError:
        labels.sort(key=lambda v: (v != NO_STRATEGY, v))
    return labels


def check(df: pd.DataFrame, by: str, baseline: str | None, swept: list[str]) -> str:
    """The baseline label; ConfigError when the key is not swept or the baseline absent."""
    if by not in df:
        raise unknown("--by", by, swept, "swept key")
    labels = arms(df, by)
    if len(labels) < 2:
        raise ConfigError("--by", f"'{by}' takes one value in this sweep; nothing to compare")
    if "seed" not in df:
        raise ConfigError("seed", "the sweep has no seed column; runs cannot be paired")
    base = labels[0] if baseline is None else baseline
    if base not in labels:
        raise unknown("--baseline", base, labels, "value")
    return base


def analyse_compare(df: pd.DataFrame, out: Path, by: str, baseline: str) -> list[str]:
    df = df.assign(**{by: df[by].map(arm_label)})
    metrics = {m: label for m, label in METRICS.items() if df[m].notna().any()}
    tables = {m: paired_table(df, by, baseline, m, cost=COST) for m in metrics}
    lines = [
        f"## `{by}`: each value vs `{baseline}`",
        "",
        f"{df['seed'].nunique()} seeds, paired by seed. Differences are value minus baseline "
        "with 95% Student-t intervals; per 1,000 extra staff-hours divides by the mean extra "
        "cost of the home side.",
        "",
        *findings(tables, metrics, by),
    ]
    for m, label in metrics.items():
        lines += ["", f"### {label}", "", *paired_md(tables[m], by)]
    fig = fg.forest(
        {metrics[m]: tables[m] for m in metrics},
        by,
        f"{by}: each value vs {baseline}",
        out / f"compare_{by.replace('@', '_').replace('.', '_')}.png",
    )
    return [*lines, "", "## Figures", "", f"![{fig.stem}]({fig.name})"]
