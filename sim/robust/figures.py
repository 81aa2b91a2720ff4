"""Figures of the robust-decision report: PRIM box pairs, regret bars, the Pareto front.

Colours only from ``sim.colours``: failures in ``SIGNIFICANT``, successes in
``NOT_SIGNIFICANT``, boxes and references in ``BASELINE``, policies in ``ARM``.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis.figures import save
from sim.colours import ARM, BASELINE, FEASIBLE, NOT_SIGNIFICANT, SIGNIFICANT
from sim.robust.discovery import Box
from sim.robust.space import key


def _codes(s: pd.Series) -> tuple[np.ndarray, list[str] | None]:
    """Numbers to plot, and the category names when the column is categorical."""
    if isinstance(s.dtype, pd.CategoricalDtype) or s.dtype == object:
        cats = sorted(map(str, s.astype(str).unique()))
        return s.astype(str).map({c: i for i, c in enumerate(cats)}).to_numpy(float), cats
    return s.to_numpy(float), None


def _span(lim: object, values: np.ndarray, cats: list[str] | None) -> tuple[float, float]:
    if isinstance(lim, set):
        idx = [cats.index(str(c)) for c in lim] if cats else [0]
        return min(idx) - 0.4, max(idx) + 0.4
    lo, hi = lim if isinstance(lim, tuple) else (None, None)
    return (values.min() if lo is None else lo, values.max() if hi is None else hi)


def box_pairs(x: pd.DataFrame, y: np.ndarray, box: Box, title: str, path: Path) -> Path:
    """Scatter of every pair of the box's restricted dimensions (one dimension: against the
    scenario index), failures and successes, with the box drawn over them."""
    dims = list(box.limits)[:4] or list(x.columns[:2])
    pairs = list(itertools.combinations(dims, 2)) if len(dims) > 1 else [(dims[0], None)]
    n = len(pairs)
    cols = min(n, 3)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.8 * rows), squeeze=False)
    for ax, (a, b) in zip(axes.flat, pairs):
        xa, ca = _codes(x[a])
        yb, cb = _codes(x[b]) if b is not None else (np.arange(len(x), dtype=float), None)
        for mask, colour, label in ((~y, NOT_SIGNIFICANT, "holds"), (y, SIGNIFICANT, "fails")):
            ax.scatter(xa[mask], yb[mask], s=14, c=colour, label=label, alpha=0.8)
        x0, x1 = _span(box.limits.get(a), xa, ca)
        y0, y1 = _span(box.limits.get(b), yb, cb) if b is not None else (yb.min(), yb.max())
        ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec=BASELINE, lw=1.5))
        ax.set_xlabel(key(a))
        ax.set_ylabel(key(b) if b is not None else "scenario number")
        if ca:
            ax.set_xticks(range(len(ca)), ca, rotation=30)
        if cb:
            ax.set_yticks(range(len(cb)), cb)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="best", fontsize=8)
    fig.suptitle(
        f"{title}\n{box.method} box: coverage {box.coverage:.2f}, density {box.density:.2f}"
    )
    fig.tight_layout()
    return save(fig, path)


def regret_bars(rank: pd.DataFrame, quantile: float, path: Path) -> Path:
    """Per policy: satisficing share with its interval, and regret (quantile bar, worst
    case marker) on misinformation and support."""
    fig, axes = plt.subplots(1, 3, figsize=(13, 0.42 * len(rank) + 2.0), sharey=True)
    ypos = np.arange(len(rank))[::-1]
    ax = axes[0]
    sat = rank["satisficing"].to_numpy()
    err = [sat - rank["sat_lo"].to_numpy(), rank["sat_hi"].to_numpy() - sat]
    ax.barh(ypos, sat, color=FEASIBLE, xerr=err, ecolor=BASELINE, capsize=3)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of scenarios where it holds (95% CI)")
    ax.set_yticks(ypos, rank["policy"])
    for ax, name, unit in (
        (axes[1], "misinformation", "peak share of users"),
        (axes[2], "support", "share of international users"),
    ):
        ax.barh(ypos, rank[f"{name}_regret_q"], color=ARM, label=f"{quantile:.0%} of scenarios")
        ax.scatter(
            rank[f"{name}_regret_max"],
            ypos,
            color=BASELINE,
            marker="|",
            s=160,
            label="worst scenario",
        )
        ax.set_xlabel(f"regret on {name} ({unit})")
    axes[1].legend(loc="lower right", fontsize=8)
    fig.suptitle("Robustness of each policy across the uncertainty sample")
    fig.tight_layout()
    return save(fig, path)


def pareto(front: pd.DataFrame, picked: pd.DataFrame, rank: pd.DataFrame, path: Path) -> Path:
    """The search's front in the reference scenario (cost against misinformation and
    against support), and the picked policies' means over the whole sample."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    again = rank[rank["policy"].str.startswith("pareto_")]
    for ax, name in zip(axes, ("misinformation", "support")):
        ax.scatter(
            front["cost"], front[name], c=NOT_SIGNIFICANT, s=18, label="Pareto front (reference)"
        )
        ax.scatter(picked["cost"], picked[name], c=ARM, s=36, label="re-evaluated policies")
        ax.scatter(
            again["mean_cost"],
            again[f"mean_{name}"],
            c=BASELINE,
            marker="x",
            s=36,
            label="their mean over the sample",
        )
        ax.set_xlabel("home staff-hours spent")
        ax.set_ylabel(name)
    axes[0].legend(fontsize=8)
    fig.suptitle("Cost, misinformation and support: the search's trade-off")
    fig.tight_layout()
    return save(fig, path)
