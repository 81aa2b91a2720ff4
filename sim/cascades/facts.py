"""Stylized facts of cascades, one value per run; experiments/stylized_facts.py pools
them over seeds. Thresholds for the verdicts are fixed here, before any run is seen."""

from __future__ import annotations

import contextlib
import io
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

TARGET_CONCENTRATION = 396926 / 44889  # docs/karabakh2020.md: top account's retweets / tenth's
TOP_SHARE = 0.01  # "a few large": the largest 1 % of cascades


def heavy_tail(sizes: np.ndarray) -> dict[str, float]:
    """Discrete power-law fit (``powerlaw`` package, xmin by KS distance) and its
    normalized log-likelihood ratios: power law vs lognormal, lognormal vs exponential
    (R > 0 favours the first; p is the significance of the sign)."""
    import powerlaw

    sizes = sizes[sizes >= 1].astype(float)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        with contextlib.redirect_stderr(io.StringIO()):
            fit = powerlaw.Fit(sizes, discrete=True, verbose=False)
            r_pl_ln, p_pl_ln = fit.distribution_compare(
                "power_law", "lognormal", normalized_ratio=True
            )
            r_ln_exp, p_ln_exp = fit.distribution_compare(
                "lognormal", "exponential", normalized_ratio=True
            )
    return {
        "alpha": float(fit.power_law.alpha),
        "xmin": float(fit.power_law.xmin),
        "n_tail": int((sizes >= fit.power_law.xmin).sum()),
        "R_pl_vs_ln": float(r_pl_ln),
        "p_pl_vs_ln": float(p_pl_ln),
        "R_ln_vs_exp": float(r_ln_exp),
        "p_ln_vs_exp": float(p_ln_exp),
        "max_over_median": float(sizes.max() / np.median(sizes)),
    }


def skew(sizes: np.ndarray, users: np.ndarray) -> dict[str, float]:
    """How small the typical cascade is and how much the largest few carry."""
    order = np.argsort(-sizes, kind="stable")
    top = max(1, int(math.ceil(TOP_SHARE * len(sizes))))
    return {
        "median_size": float(np.median(sizes)),
        "share_size_le_3": float((sizes <= 3).mean()),
        "top1pct_share_of_adoptions": float(users[order[:top]].sum() / max(users.sum(), 1)),
    }


def virality_vs_size(trees: pd.DataFrame) -> dict[str, float]:
    """Spearman correlation of size and structural virality over cascades of 3+ nodes
    (smaller trees have only one possible shape)."""
    t = trees[trees["size"] >= 3]
    rho = stats.spearmanr(t["size"], t["virality"]).statistic if len(t) > 3 else np.nan
    big = trees.loc[trees["size"] >= 100, "virality"]
    return {
        "spearman_size_virality": float(rho),
        "virality_median_size_3_9": float(t.loc[t["size"] < 10, "virality"].median()),
        "virality_median_size_ge_100": float(big.median()) if len(big) else np.nan,
    }


def concentration(reshares: list[float]) -> float:
    r = sorted(reshares, reverse=True)
    return r[0] / r[9] if len(r) >= 10 and r[9] > 0 else np.nan


def false_vs_true(trees: pd.DataFrame, tick_hours: float) -> dict[str, float]:
    """False over true: mean size, depth, breadth, virality; median hours to 100 users."""
    out = {}
    f, t = trees[~trees["true"]], trees[trees["true"]]
    for col in ("size", "depth", "max_breadth", "virality"):
        a, b = f[col].mean(), t[col].mean()
        out[f"{col}_ratio"] = float(a / b) if b > 0 else np.nan
    a, b = f["ticks_to_100"].median(), t["ticks_to_100"].median()
    out["hours_to_100_ratio"] = float(a / b) if b > 0 else np.nan
    out["hours_to_100_false"] = float(a * tick_hours)
    out["hours_to_100_true"] = float(b * tick_hours)
    return out


def run_facts(trees: pd.DataFrame, reshares: list[float], tick_hours: float) -> dict[str, Any]:
    """Every per-run fact value (one flat dict)."""
    sizes, users = trees["size"].to_numpy(), trees["users"].to_numpy()
    return {
        **{f"tail_{k}": v for k, v in heavy_tail(sizes).items()},
        **skew(sizes, users),
        **virality_vs_size(trees),
        "concentration": concentration(reshares),
        **false_vs_true(trees, tick_hours),
    }


def mean_ci(x: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-interval over seeds (NaNs dropped)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return (float(x.mean()) if len(x) else np.nan, np.nan, np.nan)
    h = stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return float(x.mean()), float(x.mean() - h), float(x.mean() + h)
