"""Dose-response: the trend of an outcome over an ordered level (detection delay, number
of languages, volunteers), rather than a pile of pairwise contrasts against one level.

The slope comes from ordinary least squares with one intercept per seed (statsmodels):
every level of a seed shares its random streams, so the seed effect is removed exactly as
pairing does for two arms, and the standard error is cluster-robust by seed (the runs of
one seed are not independent) with a Student-t reference on seeds - 1 degrees of
freedom. A straight line can miss a curve that still only goes one way, so each fit also
reports Page's L test (scipy): a rank test of a monotone trend across the ordered levels,
blocked by seed, with no assumption on the curve's shape.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from sim.analysis.stats import LEVEL

NAN_FIT = {"slope": math.nan, "lo": math.nan, "hi": math.nan, "se": math.nan, "df": math.nan}


def slope(
    df: pd.DataFrame, x: str, y: str, pair_on: str = "seed", level: float = LEVEL
) -> dict[str, float]:
    """Slope of ``y`` per unit of ``x`` with seed intercepts and seed-clustered errors:
    slope, lo, hi, se, df, p, seeds."""
    d = df[[x, y, pair_on]].apply(pd.to_numeric, errors="coerce").dropna()
    d.columns = ["x", "y", "g"]
    seeds = int(d["g"].nunique())
    if seeds < 2 or d["x"].nunique() < 2:
        return {**NAN_FIT, "p": math.nan, "seeds": seeds}
    fit = smf.ols("y ~ x + C(g)", data=d).fit(
        cov_type="cluster", cov_kwds={"groups": d["g"].astype(int).to_numpy()}, use_t=True
    )
    lo, hi = fit.conf_int(alpha=1 - level).loc["x"]
    se = float(fit.bse["x"])
    p = float(fit.pvalues["x"]) if se > 0 else math.nan
    return {
        "slope": float(fit.params["x"]),
        "lo": float(lo),
        "hi": float(hi),
        "se": se,
        "df": float(seeds - 1),
        "p": p,
        "seeds": seeds,
    }


def page_p(df: pd.DataFrame, x: str, y: str, pair_on: str = "seed") -> float:
    """Two-sided p of Page's L test for a monotone trend of ``y`` over the ordered levels
    of ``x``, blocked by seed (seeds missing a level are left out)."""
    piv = df.pivot_table(index=pair_on, columns=x, values=y, aggfunc="mean").dropna()
    if len(piv) < 2 or piv.shape[1] < 3 or np.ptp(piv.to_numpy()) == 0:
        return math.nan
    data = piv[sorted(piv.columns)].to_numpy(dtype=float)
    up = stats.page_trend_test(data).pvalue
    down = stats.page_trend_test(data[:, ::-1]).pvalue
    return float(min(1.0, 2 * min(up, down)))


def trend_table(
    df: pd.DataFrame, x: str, metrics: dict[str, str], unit: str, by: str | None = None
) -> pd.DataFrame:
    """One row per metric (and per value of ``by``): the slope per ``unit`` of ``x`` with
    its interval and Page's p, in the column names the family corrections expect."""
    groups = df.groupby(by, sort=True) if by else [(None, df)]
    rows = []
    for key, g in groups:
        for m, label in metrics.items():
            s = slope(g, x, m)
            rows.append(
                {
                    **({by: key} if by else {}),
                    "outcome": label,
                    "metric": m,
                    "per": unit,
                    "diff_mean": s["slope"],
                    "diff_lo": s["lo"],
                    "diff_hi": s["hi"],
                    "diff_se": s["se"],
                    "diff_df": s["df"],
                    "diff_p": s["p"],
                    "diff_n": s["seeds"],
                    "page_p": page_p(g, x, m),
                }
            )
    return pd.DataFrame(rows)
