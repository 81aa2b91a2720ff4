"""Figures of one run (matplotlib, Agg backend): what a reader checks first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _palette(n: int) -> list:
    """Distinct colours for n series (tab10 repeats after ten, tab20 holds twenty)."""
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [cmap(i % cmap.N) for i in range(n)]


def _legend_outside(ax, ncol: int = 1) -> None:
    """Legend to the right of the axes, so it never hides a line."""
    ax.legend(fontsize=8, ncol=ncol, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


def believers(ts: pd.DataFrame, world, path: Path) -> Path:
    by_tick = ts.groupby("tick", observed=True).sum(numeric_only=True)
    days = ts.groupby("tick", observed=True)["day"].first()
    users = by_tick["users"]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    colors = _palette(len(world.narratives))
    for k, name in enumerate(world.narratives):
        style = "-" if world.narr_true[k] else "--"
        truth = "true" if world.narr_true[k] else "false"
        label = f"{world.narr_label[k]} ({world.sides[world.narr_side[k]]}, {truth})"
        ax.plot(
            days, 100 * by_tick[f"believers_{name}"] / users, style, color=colors[k], label=label
        )
    ax.set(
        xlabel="day",
        ylabel="believers (% of all users)",
        title="Believers of each narrative (dashed: false)",
    )
    _legend_outside(ax)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def opinion(ts: pd.DataFrame, world, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(10, 4.5))
    groups = list(ts.groupby("community", observed=True))
    for color, (name, g) in zip(_palette(len(groups)), groups):
        ax.plot(g["day"], g["opinion_mean"], color=color, label=str(name))
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(
        xlabel="day",
        ylabel=f"mean opinion (+1 = {world.sides[0]}, -1 = {world.sides[1]})",
        title="Opinion by community",
        ylim=(-1, 1),
    )
    _legend_outside(ax)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def top_accounts(summary: dict[str, Any], world, path: Path) -> Path:
    rows = summary.get("top_accounts", [])[::-1]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    colors = {s: f"C{i}" for i, s in enumerate(world.sides)}
    ax.barh(
        [r["account"] for r in rows],
        [r["reshares"] for r in rows],
        color=[colors.get(r["side"], "grey") for r in rows],
    )
    ax.set(xlabel="reshares received", title="Top accounts by reshares (colour = side)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colors.values()]
    ax.legend(handles, list(colors), fontsize=8)
    return _save(fig, path)


def make_figures(out: Path, ts: pd.DataFrame, actors, summary: dict[str, Any], world) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    if world is None:
        return []
    return [
        believers(ts, world, out / "believers.png"),
        opinion(ts, world, out / "opinion.png"),
        top_accounts(summary, world, out / "top_accounts.png"),
    ]
