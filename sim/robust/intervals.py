"""How sure the robust ranking is: intervals over scenarios, and paired tests against the top.

The scenarios are a sample of the plausible worlds, so every robustness number would come
out differently on another sample. Intervals use library routines only:

* a satisficing share: Wilson's 95% interval (statsmodels ``proportion_confint``);
* a regret percentile: a percentile bootstrap over scenarios (``scipy.stats.bootstrap``);
* each policy against the top-ranked one, paired by scenario (both ran in the same worlds
  with the same seeds): the difference in satisficing share and in the regret percentiles
  with paired bootstrap intervals, simultaneous over the policies compared (Bonferroni),
  and McNemar's exact test (statsmodels) on the scenarios where exactly one of the two
  holds, its p-values Holm-adjusted (statsmodels ``multipletests``).

Resampling draws from named streams (``robust/bootstrap/...``, one per policy and number)
of the study's sample seed, so the report is the same on every rerun and adding a policy
shifts no other policy's interval. The percentile method, not BCa: a percentile of
regret and a share near 0 or 1 are often tied or constant across resamples, where BCa has
no defined answer.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

RESAMPLES = 9999  # enough draws in the tails of a Bonferroni-adjusted interval
ALPHA = 0.05
# Fewer scenarios than this: no bootstrap interval (NaN), so nothing is told apart by one.
# Resampling n scenarios has few distinct outcomes when n is tiny (3 for n = 2).
MIN_BOOTSTRAP = 10


def share_ci(k: int | np.ndarray, n: int | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson 95% interval of k successes in n."""
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(k, n, alpha=ALPHA, method="wilson")
    return np.asarray(lo, float), np.asarray(hi, float)


def _boot(
    data: tuple[np.ndarray, ...], stat: Callable, rng: np.random.Generator, level: float = 0.95
) -> tuple[float, float]:
    from scipy.stats import bootstrap

    if len(data[0]) < MIN_BOOTSTRAP:
        return float("nan"), float("nan")
    with warnings.catch_warnings():  # constant data: a zero-width interval is the answer
        warnings.simplefilter("ignore")
        ci = bootstrap(
            data,
            stat,
            n_resamples=RESAMPLES,
            batch=500,
            vectorized=True,
            paired=len(data) > 1,
            confidence_level=level,
            method="percentile",
            rng=rng,
        ).confidence_interval
    return float(ci.low), float(ci.high)


def quantile_ci(values: np.ndarray, q: float, rng: np.random.Generator) -> tuple[float, float]:
    """Bootstrap 95% interval of the ``q`` quantile of ``values`` (one per scenario)."""
    return _boot((np.asarray(values, float),), lambda x, axis: np.quantile(x, q, axis=axis), rng)


def paired_diff_ci(
    a: np.ndarray, b: np.ndarray, stat: Callable, rng: np.random.Generator, level: float = 0.95
) -> tuple[float, float]:
    """Paired bootstrap interval of stat(b) - stat(a) at ``level``, resampling scenarios."""
    return _boot(
        (np.asarray(a, float), np.asarray(b, float)),
        lambda x, y, axis: stat(y, axis=axis) - stat(x, axis=axis),
        rng,
        level,
    )


def mcnemar_p(top: np.ndarray, other: np.ndarray) -> float:
    """McNemar's exact p-value for two paired 0/1 outcomes (holds / fails per scenario)."""
    from statsmodels.stats.contingency_tables import mcnemar

    t, o = np.asarray(top, bool), np.asarray(other, bool)
    table = [[int((t & o).sum()), int((t & ~o).sum())], [int((~t & o).sum()), int((~t & ~o).sum())]]
    return float(mcnemar(table, exact=True).pvalue)


def versus_top(
    ok: pd.DataFrame, regrets: dict[str, pd.DataFrame], order: list[str], q: float, seed: int
) -> pd.DataFrame:
    """Each policy after the first of ``order`` against it, paired by scenario.

    ``ok`` and each regret table are scenario x policy. Differences are policy minus top:
    a negative satisficing difference or a positive regret difference is a policy doing
    worse. The intervals are simultaneous (Bonferroni: each family, the satisficing
    differences and the regret differences, holds 95% together), McNemar's p-values
    Holm-adjusted; ``by`` names what tells a policy apart from the top (empty: nothing)."""
    from statsmodels.stats.multitest import multipletests

    from sim.rng import stream

    top, rows, m = order[0], [], max(len(order) - 1, 1)
    sat_level, regret_level = 1 - ALPHA / m, 1 - ALPHA / (m * max(len(regrets), 1))
    quant = lambda x, axis: np.quantile(x, q, axis=axis)  # noqa: E731
    for p in order[1:]:
        row: dict[str, object] = {"policy": p}
        rng = stream(seed, f"robust/bootstrap/versus/{p}")
        a, b = ok[top].to_numpy(float), ok[p].to_numpy(float)
        row["sat_diff"] = float(b.mean() - a.mean())
        row["sat_diff_lo"], row["sat_diff_hi"] = paired_diff_ci(a, b, np.mean, rng, sat_level)
        row["only_top"], row["only_policy"] = int((a > b).sum()), int((b > a).sum())
        row["mcnemar_p"] = mcnemar_p(a, b)
        for name, r in regrets.items():
            ra, rb = r[top].to_numpy(float), r[p].to_numpy(float)
            row[f"{name}_diff"] = float(np.quantile(rb, q) - np.quantile(ra, q))
            lo, hi = paired_diff_ci(ra, rb, quant, rng, regret_level)
            row[f"{name}_diff_lo"], row[f"{name}_diff_hi"] = lo, hi
        rows.append(row)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["mcnemar_p_holm"] = multipletests(out["mcnemar_p"], alpha=ALPHA, method="holm")[1]
    by = [["satisficing"] if p <= ALPHA else [] for p in out["mcnemar_p_holm"]]
    for name in regrets:
        apart = (out[f"{name}_diff_lo"] > 0) | (out[f"{name}_diff_hi"] < 0)
        for i in np.flatnonzero(apart.to_numpy()):
            by[i].append(f"{name} regret")
    return out.assign(by=[", ".join(b) for b in by], separated=[bool(b) for b in by])
