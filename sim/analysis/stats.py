"""Confidence intervals for seed-replicated simulation outcomes.

Runs that share a seed share every random stream that the compared settings do not
touch (common random numbers, ``sim.rng``), so comparisons are made on per-seed
differences (a paired design): the noise common to both arms cancels and the interval
is narrower than for two independent samples. Intervals are Student-t intervals on the
mean; with fewer than two values the interval is undefined (NaN), never invented.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

LEVEL = 0.95


@dataclass(frozen=True)
class CI:
    mean: float
    lo: float
    hi: float
    n: int

    @property
    def half(self) -> float:
        return (self.hi - self.lo) / 2

    def excludes_zero(self) -> bool:
        return bool(self.n >= 2 and (self.lo > 0 or self.hi < 0))

    def fmt(self, nd: int = 3, scale: float = 1.0) -> str:
        if self.n == 0 or not math.isfinite(self.mean):
            return "n/a"
        m = self.mean * scale
        if self.n < 2 or not math.isfinite(self.lo):
            return f"{m:.{nd}f}"
        return f"{m:.{nd}f} [{self.lo * scale:.{nd}f}, {self.hi * scale:.{nd}f}]"


def mean_ci(values, level: float = LEVEL) -> CI:
    """Mean and Student-t interval of the finite values."""
    x = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return CI(math.nan, math.nan, math.nan, 0)
    m = float(x.mean())
    if n < 2:
        return CI(m, math.nan, math.nan, 1)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n))
    return CI(m, m - half, m + half, n)


def differences(arm: pd.Series, base: pd.Series) -> pd.Series:
    """``arm - base`` over the keys (seeds) both have finite values for."""
    a = pd.to_numeric(arm, errors="coerce")
    b = pd.to_numeric(base, errors="coerce")
    return (a - b.reindex(a.index)).replace([np.inf, -np.inf], np.nan).dropna()


def paired_diff(arm: pd.Series, base: pd.Series, level: float = LEVEL) -> CI:
    """Mean of ``arm - base`` over the keys (seeds) both have finite values for."""
    return mean_ci(differences(arm, base).to_numpy(), level)


def t_test(d) -> dict[str, float]:
    """Standard error, degrees of freedom and two-sided p of the one-sample t-test of
    ``d`` against 0 (the paired t-test when ``d`` are paired differences): what the
    multiplicity corrections and the power table need beyond the interval."""
    x = np.asarray(d, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return {"se": math.nan, "df": math.nan, "p": math.nan}
    if np.allclose(x, x[0], rtol=1e-9, atol=1e-15):  # constant: no spread to test against
        return {"se": 0.0, "df": float(len(x) - 1), "p": 1.0 if x[0] == 0 else 0.0}
    return {
        "se": float(stats.sem(x)),
        "df": float(len(x) - 1),
        "p": stats.ttest_1samp(x, 0.0).pvalue,
    }


def paired_table(
    df: pd.DataFrame,
    arm_col: str,
    baseline,
    metric: str,
    pair_on: str = "seed",
    cost: str | None = None,
    level: float = LEVEL,
) -> pd.DataFrame:
    """One row per arm other than ``baseline``: baseline and arm means, the paired
    difference with its interval, the relative change, and the effect per 1,000 units of
    extra cost when ``cost`` names a cost column."""
    piv = df.pivot_table(
        index=pair_on, columns=arm_col, values=metric, aggfunc="mean", dropna=False
    )
    if baseline not in piv.columns:
        raise KeyError(
            f"baseline {baseline!r} not among the values of {arm_col}: {list(piv.columns)}"
        )
    cpiv = (
        df.pivot_table(index=pair_on, columns=arm_col, values=cost, aggfunc="mean")
        if cost
        else None
    )
    rows = []
    for arm in piv.columns:
        if arm == baseline:
            continue
        dd = differences(piv[arm], piv[baseline])
        d = mean_ci(dd.to_numpy(), level)
        base_m = mean_ci(piv[baseline]).mean
        row = {
            arm_col: arm,
            "metric": metric,
            "baseline_mean": base_m,
            "arm_mean": mean_ci(piv[arm]).mean,
            **{f"diff_{k}": v for k, v in asdict(d).items()},
            **{f"diff_{k}": v for k, v in t_test(dd).items()},
            "relative": d.mean / base_m if base_m else math.nan,
            "significant": d.excludes_zero(),
        }
        if cpiv is not None:
            extra = mean_ci(cpiv[arm] - cpiv[baseline]).mean
            row["extra_cost"] = extra
            ok = extra and math.isfinite(extra) and extra > 0
            for k in ("mean", "lo", "hi"):
                row[f"per_1000_{k}"] = 1000 * row[f"diff_{k}"] / extra if ok else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def group_ci(
    df: pd.DataFrame, by: str | list[str], metric: str, level: float = LEVEL
) -> pd.DataFrame:
    """Mean and interval of ``metric`` per group (a curve with a CI band)."""
    rows = []
    for key, g in df.groupby(by, sort=True, dropna=False):
        ci = mean_ci(g[metric].to_numpy(), level)
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip([by] if isinstance(by, str) else by, key)), **asdict(ci)})
    return pd.DataFrame(rows)
