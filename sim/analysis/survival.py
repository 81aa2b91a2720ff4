"""Time to contain a false story as a censored outcome: Kaplan-Meier curves and
restricted-mean-survival-time (RMST) differences (lifelines).

In most runs the story is never contained before the horizon; its time to contain is then
only known to exceed the horizon (right-censored). A mean of "horizon where never" is not a
mean time to contain, and a t-test on it answers no stated question. Survival methods do:
the Kaplan-Meier curve is the share of runs whose story is still not contained after t
hours, and the RMST up to tau (the horizon) is the area under that curve, "the mean number
of the first tau hours the story stays uncontained". Two arms are compared by the
difference of their RMSTs.

Intervals. Here censoring is administrative (a run stops at its horizon, nothing else
censors), so with tau at or below every censoring time each run's restricted time
min(T, tau) is fully observed and the RMST is exactly its mean. The per-seed differences
of min(T, tau) are then the pseudo-observations of the RMST difference, and the paired
Student-t interval over seeds keeps the pairing that the common random numbers buy. When
some run is censored before tau (not the case in this model, kept for general input) the
interval falls back to the unpaired normal one from lifelines' variances.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
from lifelines.utils import restricted_mean_survival_time
from scipy import stats
from scipy.integrate import IntegrationWarning

from sim.analysis.stats import LEVEL, mean_ci, t_test


def km(durations, events, label: str = "") -> KaplanMeierFitter:
    """The Kaplan-Meier fit of one arm (``events`` 1 = contained, 0 = censored)."""
    return KaplanMeierFitter(label=label).fit(np.asarray(durations, float), np.asarray(events, int))


def rmst(durations, events, tau: float) -> tuple[float, float]:
    """RMST up to ``tau`` (lifelines) and the variance of that estimate. lifelines returns
    the variance of the restricted time min(T, tau) itself; over n runs the estimate's
    variance is that / n, exact when nothing is censored before tau and an approximation
    otherwise. lifelines integrates the step curve with scipy's quad, which warns that it
    cannot refine a step function; tests/test_study_stats.py checks the values."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)
        f = km(durations, events)
        est, var = restricted_mean_survival_time(f, t=tau, return_variance=True)
    return float(est), float(var) / max(len(f.durations), 1)


def _restricted(g: pd.DataFrame, time: str, tau: float) -> pd.Series:
    return g[time].clip(upper=tau)


def rmst_table(
    df: pd.DataFrame,
    arm_col: str,
    baseline,
    time: str,
    event: str,
    tau: float,
    pair_on: str = "seed",
    level: float = LEVEL,
) -> pd.DataFrame:
    """One row per arm other than ``baseline``: each arm's RMST (lifelines) and the RMST
    difference arm - baseline with its interval (see the module docstring), with the
    columns of ``stats.paired_table`` so the family corrections apply unchanged."""
    df = df[np.isfinite(pd.to_numeric(df[time], errors="coerce"))]
    admin = bool((df.loc[df[event] == 0, time] >= tau).all())
    arms = dict(list(df.groupby(arm_col, sort=True)))
    if baseline not in arms:
        raise KeyError(f"baseline {baseline!r} not among the values of {arm_col}")
    base = arms[baseline]
    rb, vb = rmst(base[time], base[event], tau)
    rows = []
    for arm, g in arms.items():
        if arm == baseline:
            continue
        ra, va = rmst(g[time], g[event], tau)
        if admin:
            a = _restricted(g, time, tau).groupby(g[pair_on]).mean()
            b = _restricted(base, time, tau).groupby(base[pair_on]).mean()
            d = (a - b.reindex(a.index)).dropna()
            ci, tt = mean_ci(d.to_numpy(), level), t_test(d)
            mean, lo, hi, n = ci.mean, ci.lo, ci.hi, ci.n
        else:
            se = math.sqrt(va + vb)
            mean, z = ra - rb, stats.norm.ppf(0.5 + level / 2)
            lo, hi, n = mean - z * se, mean + z * se, min(len(g), len(base))
            p = 2 * stats.norm.sf(abs(mean) / se) if se > 0 else math.nan
            tt = {"se": se, "df": math.inf, "p": p}
        rows.append(
            {
                arm_col: arm,
                "metric": f"rmst_{tau:g}h",
                "baseline_mean": rb,
                "arm_mean": ra,
                "diff_mean": mean,
                "diff_lo": lo,
                "diff_hi": hi,
                "diff_n": n,
                **{f"diff_{k}": v for k, v in tt.items()},
                "relative": mean / rb if rb else math.nan,
                "significant": bool(n >= 2 and (lo > 0 or hi < 0)),
                "contained_share": float(g[event].mean()),
                "baseline_contained_share": float(base[event].mean()),
                "interval": "paired t" if admin else "unpaired normal",
            }
        )
    return pd.DataFrame(rows)


def rmst_by_group(df: pd.DataFrame, by: str, time: str, event: str, tau: float) -> pd.DataFrame:
    """Per group: runs, share contained, KM median time to contain (inf: never reached
    within the horizon) and RMST with its 95% normal interval (lifelines variance)."""
    rows = []
    z = stats.norm.ppf(0.5 + LEVEL / 2)
    for key, g in df.groupby(by, sort=True):
        r, v = rmst(g[time], g[event], tau)
        f = km(g[time], g[event])
        rows.append(
            {
                by: key,
                "runs": len(g),
                "contained": float(g[event].mean()),
                "median_h": float(f.median_survival_time_),
                "rmst_h": r,
                "lo": r - z * math.sqrt(v),
                "hi": r + z * math.sqrt(v),
            }
        )
    return pd.DataFrame(rows)
