"""Families of comparisons and their multiplicity corrections; stability of "best" picks.

A study that publishes a dozen intervals per outcome will show some "effects" by chance
alone, so each study declares its families (the comparisons that answer one question,
e.g. every arm against the baseline on one outcome) and every family is corrected as a
whole. P-values are adjusted with statsmodels' ``multipletests`` (Holm by default: it
controls the family-wise error rate under any dependence, and the arms here share seeds,
so they are dependent). Intervals are widened to the Bonferroni level 1 - alpha/m, the
simultaneous intervals that go with Holm: an interval excluding 0 implies a Holm
rejection, though Holm may reject a few more (it is step-down, the interval is not).
With ``method="fdr_bh"`` (Benjamini-Hochberg) the p-values control the false discovery
rate instead and the intervals are the false-coverage-rate intervals of Benjamini and
Yekutieli (level 1 - R alpha/m for the R selected comparisons).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from sim.analysis.stats import LEVEL

METHODS = {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonferroni": "Bonferroni"}


def adjust_p(p, method: str = "holm", alpha: float = 1 - LEVEL) -> np.ndarray:
    """Adjusted p-values of one family (NaN entries stay NaN and do not count in m)."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, math.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = multipletests(p[ok], alpha=alpha, method=method)[1]
    return out


def adjusted_level(m: int, selected: int, method: str, level: float = LEVEL) -> float:
    """Confidence level of a family's adjusted intervals (see the module docstring)."""
    alpha = 1 - level
    if m <= 1:
        return level
    if method == "fdr_bh":
        return 1 - max(selected, 1) * alpha / m
    return 1 - alpha / m


def adjust_table(t: pd.DataFrame, method: str = "holm", level: float = LEVEL) -> pd.DataFrame:
    """Add ``p_adj``, ``adj_lo``, ``adj_hi``, ``significant_adj`` and ``adj_level`` to a
    family table with ``diff_mean``, ``diff_se``, ``diff_df`` and ``diff_p`` columns."""
    t = t.copy()
    t["p_adj"] = adjust_p(t["diff_p"], method, 1 - level)
    m = int(np.isfinite(t["diff_p"].to_numpy(dtype=float)).sum())
    sel = int((t["p_adj"] < 1 - level).sum())
    lev = adjusted_level(m, sel, method, level)
    q = stats.t.ppf(0.5 + lev / 2, t["diff_df"].astype(float))
    half = q * t["diff_se"].astype(float)
    t["adj_lo"], t["adj_hi"] = t["diff_mean"] - half, t["diff_mean"] + half
    t["adj_level"] = lev
    t["significant_adj"] = (t["p_adj"] < 1 - level).fillna(False).astype(bool)
    t["adj_method"] = METHODS[method]
    return t


@dataclass
class Family:
    """One family: a name, the outcome it is on, and its adjusted table (one row per
    comparison). ``kind`` says what the rows are ("contrast", "rmst", "slope"), so the
    precision check can ask only the contrasts in an outcome's units."""

    name: str
    metric: str
    table: pd.DataFrame
    kind: str = "contrast"
    method: str = "holm"

    @property
    def size(self) -> int:
        return int(np.isfinite(self.table["diff_p"].to_numpy(dtype=float)).sum())


@dataclass
class Families:
    """The families a study declared, in report order; also carries the analysis options."""

    method: str = "holm"
    targets: dict[str, float] = field(default_factory=dict)
    items: list[Family] = field(default_factory=list)

    def add(self, name: str, metric: str, table: pd.DataFrame, kind: str = "contrast"):
        """Adjust ``table`` as one family, remember it and return the adjusted table."""
        adj = adjust_table(table, self.method) if len(table) else table
        self.items.append(Family(name, metric, adj, kind, self.method))
        return adj


def pick_stability(
    diffs: pd.DataFrame, sign: int, rng: np.random.Generator, n_boot: int = 2000
) -> pd.Series:
    """Share of bootstrap resamples of the seeds (rows; columns are arms, values are
    per-seed paired differences) in which each arm has the best mean (``sign`` = +1: the
    largest is best, -1: the smallest). Seeds are the resampled unit because every arm
    of a seed shares its random streams; a rule like "pick the maximum" is only as good
    as the share its pick keeps."""
    d = diffs.dropna(how="any")
    if d.empty or d.shape[1] == 0:
        return pd.Series(dtype=float)
    x = sign * d.to_numpy(dtype=float)
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    best = x[idx].mean(axis=1).argmax(axis=1)
    share = np.bincount(best, minlength=x.shape[1]) / n_boot
    return pd.Series(share, index=d.columns).sort_values(ascending=False)
