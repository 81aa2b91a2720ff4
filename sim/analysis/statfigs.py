"""Figures of the survival and trend statistics: Kaplan-Meier curves of time to contain
and an outcome's trend over a level. Kept apart from ``figures`` (the per-study plots)
so each stays small; same conventions: titles, units, legends, 95% bands."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.analysis.figures import save
from sim.analysis.survival import km
from sim.colours import ARM, BASELINE, SIGNIFICANT


def km_panels(
    df: pd.DataFrame,
    arm_col: str,
    baseline,
    time: str,
    event: str,
    tau: float,
    title: str,
    path: Path,
) -> Path:
    """One panel per arm: its Kaplan-Meier curve of "story not yet contained" with a 95%
    band, over the baseline's curve; censored runs (never contained) end at the horizon."""
    arms = [a for a in sorted(df[arm_col].unique(), key=str) if a != baseline]
    cols = min(4, max(len(arms), 1))
    rows = math.ceil(max(len(arms), 1) / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(3.3 * cols, 2.7 * rows + 0.6), sharex=True, sharey=True, squeeze=False
    )
    base = df[df[arm_col] == baseline]
    fb = km(base[time], base[event], label=f"{baseline} (baseline)")
    for ax, arm in zip(axes.flat, arms):
        g = df[df[arm_col] == arm]
        fb.plot_survival_function(ax=ax, ci_show=False, color=BASELINE, lw=1, ls="--")
        km(g[time], g[event], label=str(arm)).plot_survival_function(
            ax=ax, color=ARM, show_censors=True, censor_styles={"ms": 4}
        )
        ax.set_xlim(0, tau)
        ax.set_ylim(0, 1.02)
        ax.set_title(str(arm), fontsize=9)
        ax.xaxis.set_tick_params(labelbottom=True)  # panels above a hidden one keep their axis
        ax.set_xlabel("hours since the story started")
        ax.set_ylabel("share not yet contained")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")
    for ax in list(axes.flat)[len(arms) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"{title}: Kaplan-Meier curves of time to contain (95% band; + = never contained "
        f"within the {tau:g} h horizon)",
        fontsize=10,
    )
    fig.tight_layout()
    return save(fig, path)


def trend_panels(
    d: pd.DataFrame,
    x: str,
    labels: dict[str, str],
    fits: pd.DataFrame,
    xlabel: str,
    title: str,
    path: Path,
) -> Path:
    """One panel per outcome: the mean at each level (95% CI bars) and the fitted slope
    through the data's centre, with the lines of the slope's 95% limits (dashed)."""
    from sim.analysis.stats import group_ci

    fig, axes = plt.subplots(1, len(labels), figsize=(3.8 * len(labels), 3.4), squeeze=False)
    for ax, (m, label), (_, f) in zip(axes[0], labels.items(), fits.iterrows()):
        g = group_ci(d, x, m)
        ax.errorbar(g[x], g["mean"], yerr=[g["mean"] - g["lo"], g["hi"] - g["mean"]], fmt="o",
                    color=ARM, capsize=3, label="mean per level (95% CI)")  # fmt: skip
        xs = np.linspace(g[x].min(), g[x].max(), 20)
        cx, cy = float(d[x].mean()), float(d[m].mean())
        ax.plot(xs, cy + f["diff_mean"] * (xs - cx), label="fitted slope", color=SIGNIFICANT)
        for k in ("diff_lo", "diff_hi"):
            ax.plot(xs, cy + f[k] * (xs - cx), color=SIGNIFICANT, ls="--", lw=0.8)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(textwrap.fill(label, 40), fontsize=8)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=7)
    fig.suptitle(f"{title}: dose-response (slope with seed intercepts; dashed: 95% limits)")
    fig.tight_layout()
    return save(fig, path)
