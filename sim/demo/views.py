"""The page's pictures as plain matplotlib figures (rendered to PNG on the server, so the
browser needs no charting library from a CDN). Pure functions of the model: testable
without a browser.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.crowd import SHARING, STATE_NAMES, STOPPED

if TYPE_CHECKING:
    from sim.model import InfoWarModel

SIDE_COLOURS = ("#1f5fbf", "#c8302b")  # first side blue, second red (as in the opinion map)
OTHER_SIDE = "#7f7f7f"
STATE_COLOURS = ("#d4d4d4", "#f06a0c", "#f7b77a", "#8064b4", "#2e9e4f")  # by STATE_NAMES
KIND_MARKERS = {"head_of_state": "*", "ministry": "s", "embassy": "D", "diaspora": "^",
                "ngo": "p", "bots": "X", "media": "h", "factchecker": "P"}
OPINION = "opinion"
SIZE = (5.6, 4.0)
DPI = 80


def side_colour(side: int) -> str:
    return SIDE_COLOURS[side] if side < len(SIDE_COLOURS) else OTHER_SIDE


def colour_options(model: "InfoWarModel") -> list[str]:
    """What the network can be coloured by: opinion, or one narrative's states."""
    return [OPINION, *model.world.narr_label]


def days(model: "InfoWarModel") -> np.ndarray:
    return np.arange(1, model.metrics.ticks_done + 1) * model.world.tick_hours / 24.0


def _figure() -> tuple[Figure, object]:
    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    return fig, fig.add_subplot()


def network_figure(model: "InfoWarModel", colour_by: str = OPINION) -> Figure:
    """Sampled users (coloured by opinion or a narrative's state) and actor accounts."""
    v = model.view
    fig, ax = _figure()
    ax.add_collection(LineCollection(v.segments, colors="#9a9a9a", linewidths=0.3, alpha=0.35))
    labels = model.world.narr_label
    if colour_by in labels:
        state = model.crowd.state[labels.index(colour_by), v.users]
        ax.scatter(*v.user_xy.T, s=14, c=np.array(STATE_COLOURS)[state], linewidths=0)
        handles = [Line2D([], [], ls="", marker="o", color=c, label=s)
                   for s, c in zip(STATE_NAMES, STATE_COLOURS)]
    else:
        sc = ax.scatter(*v.user_xy.T, s=14, c=model.crowd.opinion[v.users], cmap="RdBu",
                        vmin=-1, vmax=1, linewidths=0)
        fig.colorbar(sc, ax=ax, shrink=0.6, label=f"opinion (+1 {model.world.sides[0]})")
        handles = []
    active = model.accounts.active
    for kind, marker in KIND_MARKERS.items():
        idx = np.array([i for i, k in enumerate(v.account_kind) if k == kind], dtype=np.int64)
        if len(idx) == 0:
            continue
        face = [side_colour(s) if active[i] else "white" for i, s in zip(idx, v.account_side[idx])]
        ax.scatter(*v.account_xy[idx].T, s=70 if kind != "bots" else 30, marker=marker, c=face,
                   edgecolors="black", linewidths=0.6, zorder=3)
        handles.append(Line2D([], [], ls="", marker=marker, color="black", mfc="white",
                              label=kind.replace("_", " ")))
    ax.legend(handles=handles, fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(f"{len(v.users)} sampled users and {len(v.accounts)} accounts: "
                 f"{'opinion' if colour_by == OPINION else colour_by}", fontsize=8)
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.set_axis_off()
    return fig


def believers_figure(model: "InfoWarModel") -> Figure:
    """Share of users who believe each narrative, per day (false stories dashed)."""
    fig, ax = _figure()
    m, w, t = model.metrics, model.world, model.metrics.ticks_done
    n = max(model.crowd.n, 1)
    for k, label in enumerate(w.narr_label):
        believers = (m.states[:t, k, SHARING] + m.states[:t, k, STOPPED]).sum(axis=1)
        ax.plot(days(model), 100.0 * believers / n, label=label, color=side_colour(int(w.narr_side[k])),
                ls="-" if w.narr_true[k] else "--", lw=1.4)
    _axes(ax, "Believers of each narrative", "% of users", model)
    ax.legend(fontsize=6, loc="upper left", frameon=False)
    return fig


def opinion_figure(model: "InfoWarModel") -> Figure:
    """Mean opinion of each community over time (+1 = fully with the first side)."""
    fig, ax = _figure()
    m, w, t = model.metrics, model.world, model.metrics.ticks_done
    cmap = ("#1f5fbf", "#c8302b", "#6fa0e8", "#ec8a86", "#8c564b", "#9467bd", "#2ca02c", "#bcbd22")
    for c, name in enumerate(w.communities):
        ax.plot(days(model), m.opinion[:t, 0, c], label=name, color=cmap[c % len(cmap)], lw=1.2)
    ax.axhline(0, color="black", lw=0.5)
    ax.set_ylim(-1, 1)
    _axes(ax, f"Opinion by community (+1 {w.sides[0]}, -1 {w.sides[1]})", "mean opinion", model)
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def reach_figure(model: "InfoWarModel") -> Figure:
    """Posts of each side read per hour (6-hour moving mean)."""
    fig, ax = _figure()
    m, w, t = model.metrics, model.world, model.metrics.ticks_done
    per_hour = m.reach_side[:t] / w.tick_hours
    win = max(1, int(round(6 / w.tick_hours)))
    for s, side in enumerate(w.sides):
        ser = per_hour[:, s].astype(float)
        smooth = np.convolve(ser, np.ones(win) / win, mode="full")[:t] if t else ser
        ax.plot(days(model), smooth, label=side, color=side_colour(s), lw=1.4)
    _axes(ax, "Reach of each side", "posts read per hour", model)
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    return fig


def _axes(ax, title: str, ylabel: str, model: "InfoWarModel") -> None:
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("day", fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_xlim(0, model.world.ticks * model.world.tick_hours / 24.0)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
