"""Figures of one run (matplotlib, Agg backend): what a reader checks first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from sim.colours import audience_colour, narrative_style, side_colour, side_colour_by_name


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _title(text: str, summary: dict[str, Any]) -> str:
    """A figure title naming the run it comes from (scenario and seed)."""
    return f"{text}\n{summary.get('scenario', '?')}, seed {summary.get('seed', '?')}"


def _narrative_label(world, k: int) -> str:
    truth = "true" if world.narr_true[k] else "false"
    return f"{world.narr_label[k]} ({world.sides[world.narr_side[k]]}, {truth})"


def _legend_outside(ax, ncol: int = 1) -> None:
    """Legend to the right of the axes, so it never hides a line."""
    ax.legend(fontsize=8, ncol=ncol, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


def _by_tick(ts: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    return ts.groupby("tick", observed=True).sum(numeric_only=True), ts.groupby(
        "tick", observed=True
    )["day"].first()


def believers(ts: pd.DataFrame, world, summary: dict[str, Any], path: Path) -> Path:
    by_tick, days = _by_tick(ts)
    users = by_tick["users"]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    for k, name in enumerate(world.narratives):
        style = narrative_style(world.narr_side, world.narr_true, k)
        ax.plot(
            days,
            100 * by_tick[f"believers_{name}"] / users,
            label=_narrative_label(world, k),
            **style,
        )
    ax.set(
        xlabel="day",
        ylabel="believers (% of all users)",
        title=_title("Believers of each narrative (colour: side; dashed: false)", summary),
    )
    _legend_outside(ax)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def opinion(ts: pd.DataFrame, world, summary: dict[str, Any], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(10, 4.5))
    for c, (name, g) in enumerate(ts.groupby("community", observed=True, sort=False)):
        ax.plot(g["day"], g["opinion_mean"], color=audience_colour(c), label=str(name))
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(
        xlabel="day",
        ylabel=f"mean opinion (+1 = {world.sides[0]}, -1 = {world.sides[1]})",
        title=_title("Opinion by community", summary),
        ylim=(-1, 1),
    )
    _legend_outside(ax)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def top_accounts(summary: dict[str, Any], world, path: Path) -> Path:
    rows = summary.get("top_accounts", [])[::-1]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    colors = {s: side_colour(i) for i, s in enumerate(world.sides)}
    ax.barh(
        [r["account"] for r in rows],
        [r["reshares"] for r in rows],
        color=[side_colour_by_name(world.sides, r["side"]) for r in rows],
    )
    ax.set(
        xlabel="reshares received",
        title=_title("Top accounts by reshares (colour = side)", summary),
    )
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colors.values()]
    ax.legend(handles, list(colors), fontsize=8)
    return _save(fig, path)


def reach(ts: pd.DataFrame, world, summary: dict[str, Any], path: Path) -> Path:
    """Cumulative posts read of each side's narratives; dashed: its false narratives only."""
    by_tick, days = _by_tick(ts)
    fig, ax = plt.subplots(figsize=(10, 4.5))
    for s, side in enumerate(world.sides):
        mine = [k for k in range(len(world.narratives)) if world.narr_side[k] == s]
        cols = [f"reads_{world.narratives[k]}" for k in mine]
        fake = [f"reads_{world.narratives[k]}" for k in mine if not world.narr_true[k]]
        ax.plot(days, by_tick[cols].sum(axis=1).cumsum(), color=side_colour(s), label=side)
        if fake:
            ax.plot(
                days,
                by_tick[fake].sum(axis=1).cumsum(),
                color=side_colour(s),
                linestyle="--",
                label=f"{side}: false narratives",
            )
    ax.set(
        xlabel="day",
        ylabel="posts read (cumulative)",
        title=_title("Reach of each side's narratives (dashed: false ones)", summary),
    )
    _legend_outside(ax)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def make_figures(out: Path, ts: pd.DataFrame, actors, summary: dict[str, Any], world) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    if world is None:
        return []
    return [
        believers(ts, world, summary, out / "believers.png"),
        opinion(ts, world, summary, out / "opinion.png"),
        reach(ts, world, summary, out / "reach.png"),
        top_accounts(summary, world, out / "top_accounts.png"),
    ]
