"""The page's pictures as matplotlib figures rendered to PNG on the server, so the browser
needs no charting library from a CDN. Each picture is built once per model (axes, legend,
the network's layout and edges) and later steps only update data and colours: a redraw
costs a PNG encode, not a new figure. Plain classes of the model: testable without a browser.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from sim.colours import EDGE, audience_colour, narrative_style, side_colour
from sim.colours import STATE_COLOURS as STATE_COLOUR_LIST
from sim.crowd import SHARING, STATE_NAMES, STOPPED

if TYPE_CHECKING:
    from sim.model import InfoWarModel

STATE_COLOURS = np.array(STATE_COLOUR_LIST)  # STATE_NAMES
KIND_MARKERS = {
    "head_of_state": "*",
    "ministry": "s",
    "embassy": "D",
    "diaspora": "^",
    "ngo": "p",
    "bots": "X",
    "media": "h",
    "factchecker": "P",
}
OPINION = "opinion"
LEGEND_FONT = 10  # points: readable from the back of a classroom on a projector
DPI = 80
SIZE = (5.6, 4.0)  # inches at DPI: one cell of SolaraViz's grid
NETWORK_SIZE = (5.6, 3.3)  # leaves room for the status lines above it


def colour_options(model: InfoWarModel) -> list[str]:
    """What the network can be coloured by: opinion, or one narrative's states."""
    return [OPINION, *model.world.narr_label]


class Picture:
    """A figure whose static part (axes, labels, legend, edges) is rendered once and kept as
    a background; a frame redraws only the changing artists over it (blitting), which
    skips all text layout and is several times cheaper than a full redraw."""

    fig: Figure

    def artists(self) -> list:
        """The artists that change from frame to frame."""
        raise NotImplementedError

    def update(self) -> bool:
        """Refresh the artists' data; True when the background must be redrawn too."""
        raise NotImplementedError

    def png(self) -> bytes:
        canvas = self.fig.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(self.fig)
        if self.update() or getattr(self, "_background", None) is None:
            for a in self.artists():
                a.set_visible(False)
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            for a in self.artists():
                a.set_visible(True)
        canvas.restore_region(self._background)
        for a in self.artists():
            a.axes.draw_artist(a)
        size = canvas.get_width_height()
        img = Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        img.save(buf, format="png", compress_level=1)
        return buf.getvalue()


class NetworkPicture(Picture):
    """Sampled users (coloured by opinion or one narrative's state) and actor accounts,
    drawn by kind (marker) and side (colour); a removed account turns white."""

    def __init__(self, model: InfoWarModel, colour_by: str = OPINION) -> None:
        v, w = model.view, model.world
        self.model, self.k = (
            model,
            (w.narr_label.index(colour_by) if colour_by in w.narr_label else -1),
        )
        self.fig = Figure(figsize=NETWORK_SIZE, dpi=DPI)
        self.fig.subplots_adjust(left=0.0, right=0.66, bottom=0.0, top=0.93)
        ax = self.fig.add_subplot()
        ax.add_collection(LineCollection(v.segments, colors=EDGE, linewidths=0.3, alpha=0.35))
        ux, uy = v.user_xy.T
        self.users = ax.scatter(
            ux, uy, s=14, c=np.zeros(len(v.users)), linewidths=0, cmap="RdBu", vmin=-1, vmax=1
        )
        handles = (
            [
                Line2D([], [], ls="", marker="o", color=c, label=s)
                for s, c in zip(STATE_NAMES, STATE_COLOURS)
            ]
            if self.k >= 0
            else []
        )
        if self.k < 0:
            cax = self.fig.add_axes((0.70, 0.06, 0.025, 0.42))
            self.fig.colorbar(self.users, cax=cax).set_label(
                f"opinion (+1 {w.sides[0]})", fontsize=LEGEND_FONT
            )
            cax.tick_params(labelsize=LEGEND_FONT - 1)
        self.kinds = []
        for kind, marker in KIND_MARKERS.items():
            idx = np.flatnonzero(np.array(v.account_kind) == kind)
            if len(idx):
                ax_, ay_ = v.account_xy[idx].T
                pc = ax.scatter(
                    ax_,
                    ay_,
                    s=30 if kind == "bots" else 70,
                    marker=marker,
                    edgecolors="black",
                    linewidths=0.6,
                    zorder=3,
                )
                self.kinds.append((idx, pc))
                handles.append(
                    Line2D(
                        [],
                        [],
                        ls="",
                        marker=marker,
                        color="black",
                        mfc="white",
                        label=kind.replace("_", " "),
                    )
                )
        ax.legend(
            handles=handles,
            fontsize=LEGEND_FONT,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            frameon=False,
        )
        ax.set_title(
            f"{len(v.users)} sampled users, {len(v.accounts)} accounts; "
            f"colour: {'opinion' if self.k < 0 else colour_by}",
            fontsize=LEGEND_FONT,
            loc="left",  # the axes start at the figure's edge: a centred title is clipped
        )
        ax.set_aspect("equal", adjustable="datalim")
        ax.autoscale_view()
        ax.set_axis_off()

    def artists(self) -> list:
        return [self.users, *(pc for _, pc in self.kinds)]

    def update(self) -> bool:
        m, v = self.model, self.model.view
        if self.k >= 0:
            self.users.set_array(None)
            self.users.set_facecolor(STATE_COLOURS[m.crowd.state[self.k, v.users]])
        else:
            self.users.set_array(m.crowd.opinion[v.users])
        active = m.accounts.active
        for idx, pc in self.kinds:
            pc.set_facecolor(
                [side_colour(s) if active[i] else "white" for i, s in zip(idx, v.account_side[idx])]
            )
        return False


class LinePicture(Picture):
    """A live line chart over days; subclasses say what the lines are."""

    title, ylabel, legend_outside = "", "", False

    def __init__(self, model: InfoWarModel) -> None:
        self.model = model
        self.fig = Figure(figsize=SIZE, dpi=DPI)
        self.fig.subplots_adjust(
            left=0.14, right=0.66 if self.legend_outside else 0.97, bottom=0.13, top=0.91
        )
        ax = self.ax = self.fig.add_subplot()
        self.lines = [ax.plot([], [], **style)[0] for style in self.styles()]
        ax.set_title(self.title, fontsize=11)
        ax.set_xlabel("day", fontsize=10)
        ax.set_ylabel(self.ylabel, fontsize=10)
        w = model.world
        ax.set_xlim(0, w.ticks * w.tick_hours / 24.0)
        ax.tick_params(labelsize=9)
        ax.grid(alpha=0.3)
        if self.legend_outside:
            ax.legend(
                fontsize=LEGEND_FONT, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False
            )
        else:
            ax.legend(fontsize=LEGEND_FONT, loc="upper left", frameon=False, handlelength=3)

    def styles(self) -> list[dict]:
        raise NotImplementedError

    def series(self) -> np.ndarray:
        """(ticks done, lines) values."""
        raise NotImplementedError

    def artists(self) -> list:
        return self.lines

    def update(self) -> bool:
        m = self.model
        t = m.metrics.ticks_done
        x = np.arange(1, t + 1) * m.world.tick_hours / 24.0
        y = self.series()
        for i, line in enumerate(self.lines):
            line.set_data(x, y[:, i])
        old = self.ax.get_ylim()
        self.ylim(float(np.nanmax(y)) if t else 0.0)
        return self.ax.get_ylim() != old

    def ylim(self, hi: float) -> None:
        """Grow the y axis in steps (1, 2, 5 x 10^k) so the background is seldom redrawn."""
        top = 1.0
        while top < hi:
            top *= 2.5 if str(top).startswith("2") else 2.0
        self.ax.set_ylim(0.0, top)


class BelieversPicture(LinePicture):
    """Share of users who believe each narrative (false stories dashed)."""

    title, ylabel = "Believers of each narrative", "% of users"

    def styles(self) -> list[dict]:
        w = self.model.world
        return [
            {
                "label": label,
                **narrative_style(w.narr_side, w.narr_true, k),
                "lw": 1.6,
            }
            for k, label in enumerate(w.narr_label)
        ]

    def series(self) -> np.ndarray:
        m = self.model
        st = m.metrics.states[: m.metrics.ticks_done]
        return 100.0 * (st[:, :, SHARING] + st[:, :, STOPPED]).sum(axis=2) / max(m.crowd.n, 1)


class OpinionPicture(LinePicture):
    """Mean opinion of each community (+1 = fully with the first side)."""

    ylabel, legend_outside = "mean opinion", True

    def __init__(self, model: InfoWarModel) -> None:
        self.title = f"Opinion by community (+1 {model.world.sides[0]}, -1 {model.world.sides[1]})"
        super().__init__(model)
        self.ax.axhline(0, color="black", lw=0.5)

    def styles(self) -> list[dict]:
        return [
            {"label": name, "color": audience_colour(c), "lw": 1.4}
            for c, name in enumerate(self.model.world.communities)
        ]

    def series(self) -> np.ndarray:
        m = self.model
        return m.metrics.opinion[: m.metrics.ticks_done, 0]

    def ylim(self, hi: float) -> None:
        self.ax.set_ylim(-1, 1)


class ReachPicture(LinePicture):
    """Posts of each side read per hour (6-hour moving mean)."""

    title, ylabel = "Reach of each side", "posts read per hour"

    def styles(self) -> list[dict]:
        return [
            {"label": side, "color": side_colour(s), "lw": 1.4}
            for s, side in enumerate(self.model.world.sides)
        ]

    def series(self) -> np.ndarray:
        m, w = self.model, self.model.world
        t = m.metrics.ticks_done
        per_hour = m.metrics.reach_side[:t].astype(float) / w.tick_hours
        win = max(1, int(round(6 / w.tick_hours)))
        csum = np.cumsum(np.vstack([np.zeros((1, per_hour.shape[1])), per_hour]), axis=0)
        lo = np.maximum(np.arange(1, t + 1) - win, 0)
        return (csum[1:] - csum[lo]) / (np.arange(1, t + 1) - lo)[:, None]


PICTURES = {"believers": BelieversPicture, "opinion": OpinionPicture, "reach": ReachPicture}
