"""Figures of the studies: forest plots, paired-seed plots, curves with CI bands, heatmaps.

Every figure has a title, axis labels with units, a legend where several series appear,
and 95% intervals drawn wherever a mean is shown. Written atomically as PNG.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.colours import ARM, BASELINE, NOT_SIGNIFICANT, SIGNIFICANT
from sim.outputs import atomic_path

NEVER_HOURS = 10_000.0  # a delay this long means "never" (the study's no-response reference)


def save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, suffix=".png") as tmp:  # savefig reads the format from the name
        fig.savefig(tmp, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def forest(tables: dict[str, pd.DataFrame], arm_col: str, title: str, path: Path) -> Path:
    """One panel per metric: each arm's paired difference vs baseline with its 95% CI."""
    n = len(tables)
    fig, axes = plt.subplots(
        1,
        n,
        figsize=(4.2 * n, 0.45 * max(len(t) for t in tables.values()) + 1.8),
        sharey=True,
        squeeze=False,
    )
    for ax, (label, t) in zip(axes[0], tables.items()):
        y = np.arange(len(t))
        colors = [SIGNIFICANT if s else NOT_SIGNIFICANT for s in t["significant"]]
        for yi, (_, r), c in zip(y, t.iterrows(), colors):
            if np.isfinite(r["diff_lo"]):
                ax.plot([r["diff_lo"], r["diff_hi"]], [yi, yi], color=c, lw=2)
        ax.scatter(t["diff_mean"], y, c=colors, zorder=3)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, t[arm_col].astype(str))
        ax.set_title(textwrap.fill(label, 34), fontsize=9)
        ax.set_xlabel("change vs baseline (arm - baseline)")
        ax.grid(axis="x", alpha=0.3)
    handles = [
        plt.Line2D([], [], color=c, marker="o", lw=2, label=lab)
        for c, lab in ((SIGNIFICANT, "95% CI excludes 0"), (NOT_SIGNIFICANT, "95% CI includes 0"))
    ]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8, bbox_to_anchor=(0.5, -0.04))
    fig.suptitle(title + " (paired by seed, mean and 95% CI)")
    fig.tight_layout()
    return save(fig, path)


def paired_seeds(
    df: pd.DataFrame, arm_col: str, baseline, arm, metrics: dict[str, str], title: str, path: Path
) -> Path:
    """Per-seed baseline vs arm values for each metric, lines joining a seed's pair."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.4 * len(metrics), 3.4), squeeze=False)
    for ax, (col, label) in zip(axes[0], metrics.items()):
        piv = df.pivot_table(index="seed", columns=arm_col, values=col, aggfunc="mean")
        if baseline not in piv or arm not in piv:
            continue
        for _, r in piv[[baseline, arm]].iterrows():
            ax.plot([0, 1], [r[baseline], r[arm]], color=NOT_SIGNIFICANT, alpha=0.4, lw=0.8)
        ax.scatter(np.zeros(len(piv)), piv[baseline], color=BASELINE, s=12, label="baseline")
        ax.scatter(np.ones(len(piv)), piv[arm], color=ARM, s=12, label=str(arm))
        from sim.analysis.stats import paired_diff

        d = paired_diff(piv[arm], piv[baseline])
        ax.set_xticks([0, 1], ["baseline", str(arm)])
        ax.set_title(textwrap.fill(label, 32) + f"\nchange {d.fmt(3)}", fontsize=8)
        ax.set_xlim(-0.4, 1.4)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(fontsize=7)
    fig.suptitle(
        title + " (one line per seed; change = mean paired difference [95% CI])", fontsize=10
    )
    fig.tight_layout()
    return save(fig, path)


def curve(
    stats: pd.DataFrame,
    x: str,
    xlabel: str,
    ylabel: str,
    title: str,
    path: Path,
    baseline: tuple[float, float, float] | None = None,
    group: str | None = None,
) -> Path:
    """Mean with a shaded 95% CI band against ``x`` (one line per ``group``). A level of
    ``NEVER_HOURS`` or more is not a point on the axis: it is drawn apart, as a dashed
    reference line with its band, labelled "never"."""
    fig, ax = plt.subplots(figsize=(6, 4))
    xv = pd.to_numeric(stats[x], errors="coerce")
    never = stats[xv >= NEVER_HOURS]
    stats = stats[~(xv >= NEVER_HOURS)]
    groups = stats.groupby(group) if group else [(None, stats)]
    for g, s in groups:
        s = s.sort_values(x)
        lab = f"{group} = {g}" if group else "mean over seeds"
        ax.plot(s[x], s["mean"], marker="o", label=lab)
        ax.fill_between(s[x], s["lo"], s["hi"], alpha=0.2)
    if baseline is not None:
        m, lo, hi = baseline
        ax.axhline(m, color="black", ls="--", lw=1, label="baseline (strategy off)")
        if np.isfinite(lo):
            ax.axhspan(lo, hi, color="black", alpha=0.08)
    if group is None and len(never):
        r = never.iloc[0]
        ax.axhline(r["mean"], color=BASELINE, ls=":", lw=1.5, label=f"never ({r[x]:,.0f} h)")
        if np.isfinite(r["lo"]):
            ax.axhspan(r["lo"], r["hi"], color=BASELINE, alpha=0.1)
    xs = stats[x].to_numpy(dtype=float)
    if len(xs) and xs.min() > 0 and xs.max() / xs.min() > 50:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title + " (95% CI band)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save(fig, path)


def heatmap(
    mat: pd.DataFrame,
    title: str,
    cbar: str,
    path: Path,
    fmt: str = "{:.3f}",
    marks: pd.DataFrame | None = None,
    center: float | None = None,
) -> Path:
    """A matrix with its values written in the cells; ``marks`` (bool) adds a star."""
    fig, ax = plt.subplots(figsize=(1.4 * mat.shape[1] + 2.5, 0.7 * mat.shape[0] + 1.8))
    v = mat.to_numpy(dtype=float)
    cmap, vmin, vmax = "viridis", None, None
    if center is not None and np.isfinite(v).any():
        m = float(np.nanmax(np.abs(v - center))) or 1.0
        cmap, vmin, vmax = "RdBu", center - m, center + m
    im = ax.imshow(v, aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax)
    for i in range(v.shape[0]):
        for j in range(v.shape[1]):
            star = "*" if marks is not None and bool(marks.iat[i, j]) else ""
            shade = float(np.asarray(im.norm(v[i, j]))) if np.isfinite(v[i, j]) else 0.5
            dark = abs(shade - 0.5) > 0.3 if center is not None else shade < 0.6
            ax.text(
                j,
                i,
                fmt.format(v[i, j]) + star,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
            )
    ax.set_xticks(range(mat.shape[1]), [str(c) for c in mat.columns], rotation=30, ha="right")
    ax.set_yticks(range(mat.shape[0]), [str(r) for r in mat.index])
    ax.set_xlabel(str(mat.columns.name or ""))
    ax.set_ylabel(str(mat.index.name or ""))
    fig.colorbar(im, ax=ax, label=cbar)
    ax.set_title(title)
    return save(fig, path)
