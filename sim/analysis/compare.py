"""Generic paired comparison of any user sweep: ``python -m sim.analysis compare <sweep>
--by <key> [--baseline V]``.

Runs sharing a seed are paired (common random numbers), and the report is the one the
studies write (``studies._versus_baseline``): per outcome, each value of ``key`` against
the baseline value by the mean per-seed difference with its 95% interval, Holm-adjusted
within the outcome's family, time to contain by restricted mean survival time.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.analysis.multiplicity import Families
from sim.analysis.studies import NO_STRATEGY, _versus_baseline, arm_label
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


def analyse_compare(
    df: pd.DataFrame, out: Path, by: str, baseline: str, fams: Families | None = None
) -> list[str]:
    """The studies' own comparison (``studies._versus_baseline``) on the key ``by``."""
    name = f"compare_{by.replace('@', '_').replace('.', '_')}"
    return [
        f"## `{by}`: each value vs `{baseline}`",
        "",
        *_versus_baseline(
            df,
            by,
            baseline,
            out,
            name,
            f"{by}: each value vs {baseline}",
            per_arm_figures=False,
            fams=fams,
        ),
    ]
