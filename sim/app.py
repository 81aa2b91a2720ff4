"""The classroom demo page (Mesa's controller on a Solara page). Serve it with ``./demo.sh``.

Each browser session builds its own ``DemoModel`` inside ``Page`` (a memo per session),
so two students never share a world. Mesa supplies the controls (reset, play/pause, step);
the settings are ours (``sim.demo.inputs``: values in the labels, a line of help under
each strategy) and the pictures sit in a fixed grid, without SolaraViz's page tabs, thread
switch and millisecond slider that mean nothing to a student. A changed setting takes
effect on Reset, which rebuilds the model through ``sim.cli.load``. Pictures are
matplotlib PNGs drawn on the server: the page needs nothing from the internet (see
scripts/demo_assets.sh).
"""

from __future__ import annotations

import reacton.ipywidgets as rw
import solara
from mesa.visualization.solara_viz import ModelController
from mesa.visualization.utils import update_counter

from sim.demo.controls import model_params
from sim.demo.inputs import Inputs, initial_values
from sim.demo.model import DemoModel
from sim.demo.views import OPINION, PICTURES, NetworkPicture, colour_options

TITLE = "Information war: classroom demo"


def status_lines(model: DemoModel) -> tuple[str, str, str]:
    """(tick, settings, strategies) as shown above the network."""
    w = model.world
    tick = f"Tick {model.tick} of {w.ticks} · day {model.tick * w.tick_hours / 24:.1f}"
    v = model.values
    settings = (
        f"Scenario {model.cfg.scenario} · seed {model.cfg.seed} · {model.crowd.n} users"
        f" · bot volume x{float(v.get('bot_volume', 1.0)):g}"
    )
    chosen = model.strategy_names()
    strategies = "Strategies: " + (
        "; ".join(
            f"{side}: {', '.join(s.replace('_', ' ') for s in names)}"
            for side, names in chosen.items()
        )
        if chosen
        else "none"
    )
    return tick, settings, strategies


@solara.component
def Picture(picture, tick: int, name: str):
    """A picture's current PNG; rendered only when the tick (or the picture) changes."""
    png = solara.use_memo(picture.png, [picture, tick])
    with solara.Div(classes=[f"demo-chart-{name}"]):
        rw.Image(value=png, format="png")


@solara.component
def NetworkPanel(model: DemoModel):
    update_counter.get()
    colour, set_colour = solara.use_state(OPINION)
    options = colour_options(model)
    colour = colour if colour in options else OPINION
    picture = solara.use_memo(lambda: NetworkPicture(model, colour), [model, colour])
    tick, settings, strategies = status_lines(model)
    with solara.Column(gap="4px"):
        with solara.Div(classes=["demo-status"]):
            solara.Text(tick, classes=["demo-tick"], style={"font-weight": "bold"})
            with solara.Div(style={"font-size": "0.85em"}):
                solara.Text(settings + " · ", classes=["demo-settings"])
                solara.Text(strategies, classes=["demo-strategies"])
        if model.error:
            solara.Warning(f"Input not accepted, showing the scenario's defaults: {model.error}")
        solara.Select("Colour users by", value=colour, values=options, on_value=set_colour)
        Picture(picture, model.tick, "network")


def _chart(name: str):
    """A page component for one of the live charts (believers, opinion, reach)."""

    @solara.component
    def Chart(model: DemoModel):
        update_counter.get()
        picture = solara.use_memo(lambda: PICTURES[name](model), [model])
        Picture(picture, model.tick, name)

    Chart.__name__ = f"{name.capitalize()}Chart"
    return Chart


BelieversChart, OpinionChart, ReachChart = (_chart(n) for n in ("believers", "opinion", "reach"))


COMPONENTS = [NetworkPanel, BelieversChart, OpinionChart, ReachChart]


PLAY_INTERVAL_MS = 100


@solara.component
def Page():
    first = solara.use_memo(DemoModel, [])  # built per browser session, inside the page
    model: solara.Reactive[DemoModel] = solara.use_reactive(first)
    params = solara.use_memo(model_params, [])
    values = solara.use_reactive(initial_values(params))
    render = solara.use_reactive(1)
    play = solara.use_reactive(PLAY_INTERVAL_MS)  # fixed: no millisecond slider for students
    threads = solara.use_reactive(False)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Controls"):
            solara.SliderInt(
                f"Redraw every: {render.value} tick(s)", value=render, min=1, max=48, step=1
            )
            ModelController(
                model,
                model_parameters=values,
                play_interval=play,
                render_interval=render,
                use_threads=threads,
            )
        with solara.Card("Settings (press Reset to apply)"):
            Inputs(params, values)
    with solara.GridFixed(columns=2):
        for component in COMPONENTS:
            component(model.value)
