"""Cascade figures of one run: CCDFs by narrative truth, depth against size, and where
adoptions came from (seed, users, actors, bots)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.cascades.recorder import PARENT_KINDS
from sim.colours import ARMS, AUDIENCE_COLOURS

TRUTH = ((True, "true", ARMS[0]), (False, "false", ARMS[1]))


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def ccdf(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, P(X >= x)) over the distinct values."""
    v = np.sort(values[np.isfinite(values)])
    x, first = np.unique(v, return_index=True)
    return x, 1.0 - first / max(len(v), 1)


def ccdfs(trees: pd.DataFrame, path: Path) -> Path:
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
    for ax, col in zip(axes, ("size", "depth", "virality")):
        for truth, label, color in TRUTH:
            v = trees.loc[trees["true"] == truth, col].to_numpy(float)
            if col == "virality":
                v = v[trees.loc[trees["true"] == truth, "size"].to_numpy() > 1]
            if len(v):
                x, p = ccdf(v)
                ax.step(x, p, where="post", color=color, label=f"{label} ({len(v)})")
        ax.set(xlabel=col, ylabel="P(X >= x)", yscale="log", title=f"CCDF of cascade {col}")
        if col == "size":
            ax.set_xscale("log")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    return _save(fig, path)


def depth_vs_size(trees: pd.DataFrame, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for truth, label, color in TRUTH:
        t = trees[trees["true"] == truth]
        ax.scatter(t["size"], t["depth"], s=8, alpha=0.4, color=color, label=label)
    ax.set(xscale="log", xlabel="cascade size (nodes)", ylabel="depth", title="Depth vs size")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def reach_sources(adopt: pd.DataFrame, narr_true: np.ndarray, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    truth = np.asarray(narr_true, bool)[adopt["narrative"].to_numpy()]
    kinds = adopt["parent_kind"].to_numpy()
    left = np.zeros(2)
    for j, name in enumerate(PARENT_KINDS):
        share = np.array(
            [((kinds == j) & (truth == t)).sum() / max((truth == t).sum(), 1) for t in (1, 0)]
        )
        ax.barh(["true", "false"], share, left=left, color=AUDIENCE_COLOURS[j], label=name)
        left += share
    ax.set(xlabel="share of adoptions", title="Who the adopting post came from", xlim=(0, 1))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return _save(fig, path)


def make_cascade_figures(
    out: Path, adopt: pd.DataFrame, trees: pd.DataFrame, narr_true: np.ndarray
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    return [
        ccdfs(trees, out / "cascade_ccdf.png"),
        depth_vs_size(trees, out / "cascade_depth_size.png"),
        reach_sources(adopt, narr_true, out / "cascade_sources.png"),
    ]
