"""How many seeds a study needs: for an effect size (power) and for an interval width
(precision), both from the spread of the per-seed paired differences a study observed.

A paired comparison over n seeds is a one-sample t-test of the n differences, so the
seeds needed to detect an effect delta with 80% power follow from delta / SD(differences)
(statsmodels' ``TTestPower``). The test level is the family's Bonferroni share alpha/m:
the adjusted intervals use it, and Holm is at least that powerful, so the counts are
upper bounds for Holm. The precision count is the smallest n whose t-interval half-width
t(n-1) SD / sqrt(n) is at most the target.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.power import TTestPower

from sim.analysis.stats import LEVEL

MAX_SEEDS = 100_000


def paired_power(effect_size: float, n: int, alpha: float) -> float:
    """Power of a two-sided one-sample (paired) t-test of ``n`` differences.

    The two tails are taken from statsmodels' ``TTestPower`` one at a time: for large
    standardized effects its two-sided call returns NaN because the far tail's noncentral-t
    probability underflows; that tail is then 0 to machine precision and counts as such.
    """
    tp = TTestPower()
    near = float(tp.power(effect_size=effect_size, nobs=n, alpha=alpha / 2, alternative="larger"))
    far = float(tp.power(effect_size=effect_size, nobs=n, alpha=alpha / 2, alternative="smaller"))
    return near + (far if math.isfinite(far) else 0.0)


def seeds_for_power(sd: float, effect: float, alpha: float = 1 - LEVEL, power: float = 0.8) -> int:
    """Smallest number of seeds (pairs), at least 2, for a two-sided paired t-test at level
    ``alpha`` to detect ``effect`` with ``power`` (-1 when undefined or beyond ``MAX_SEEDS``).

    Searched over n directly (power grows with n: doubling, then bisection) rather than
    with statsmodels' root finder, which fails for large effects near n = 2.
    """
    if not (math.isfinite(sd) and math.isfinite(effect)) or effect == 0:
        return -1
    if sd == 0:
        return 2
    es = abs(effect) / sd
    lo, hi = 1, 2  # power(lo) < target <= power(hi) once found; n = 1 has no test
    while paired_power(es, hi, alpha) < power:
        lo, hi = hi, hi * 2
        if lo >= MAX_SEEDS:
            return -1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if paired_power(es, mid, alpha) >= power else (mid, hi)
    return hi if hi <= MAX_SEEDS else -1


def seeds_for_half_width(sd: float, half: float, level: float = LEVEL) -> int:
    """Smallest number of seeds whose t-interval at ``level`` has half-width <= ``half``
    (-1 when it is beyond ``MAX_SEEDS`` or undefined)."""
    if not (math.isfinite(sd) and math.isfinite(half)) or half <= 0:
        return -1
    if sd == 0:
        return 2
    n = np.arange(2, MAX_SEEDS + 1)
    ok = np.flatnonzero(stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n) <= half)
    return int(n[ok[0]]) if len(ok) else -1


def paired_sd(t: pd.DataFrame) -> pd.Series:
    """SD of the per-seed differences of each row (se * sqrt(n))."""
    return t["diff_se"].astype(float) * np.sqrt(t["diff_n"].astype(float))


def _count(n: int) -> float:
    return float(n) if n > 0 else math.nan  # n/a: undefined or beyond MAX_SEEDS


def power_table(families, effects: dict[str, list[float]], power: float = 0.8) -> pd.DataFrame:
    """Per contrast family: the median observed paired SD, the per-comparison test level,
    and the seeds needed to detect each effect size of its outcome (``effects``: metric ->
    absolute effect sizes in the outcome's units)."""
    rows = []
    for f in families.items:
        if f.kind == "slope" or f.metric not in effects or not len(f.table):
            continue
        sd = (
            float(np.nanmedian(paired_sd(f.table)))
            if paired_sd(f.table).notna().any()
            else math.nan
        )
        alpha = (1 - LEVEL) / max(f.size, 1)
        for e in effects[f.metric]:
            rows.append(
                {
                    "family": f.name,
                    "median paired SD": sd,
                    "test level": alpha,
                    "effect": e,
                    f"seeds for {100 * power:g}% power": _count(
                        seeds_for_power(sd, e, alpha, power)
                    ),
                }
            )
    return pd.DataFrame(rows)
