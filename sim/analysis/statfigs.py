"""Figures of the survival and trend statistics: Kaplan-Meier curves of time to contain
and an outcome's trend over a level. Kept apart from ``figures`` (the per-study plots)
so each stays small; same conventions: titles, units, legends, 95% bands."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from sim.analysis.figures import save
from sim.analysis.survival import km


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
        fb.plot_survival_function(ax=ax, ci_show=False, color="black", lw=1, ls="--")
        km(g[time], g[event], label=str(arm)).plot_survival_function(
            ax=ax, color="tab:red", show_censors=True, censor_styles={"ms": 4}
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
