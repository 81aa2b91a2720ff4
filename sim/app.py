"""The classroom demo page (Mesa SolaraViz). Serve it with ``./demo.sh``.

Each browser session builds its own ``DemoModel`` inside ``Page`` (a memo per session),
so two students never share a world. Mesa supplies the controls (reset, play/pause, step)
and the inputs from ``model_params``; a changed input takes effect on Reset, which
rebuilds the model through ``sim.cli.load``. Pictures are matplotlib PNGs drawn on the
server: the page needs nothing from the internet (see scripts/demo_assets.sh).
"""

from __future__ import annotations

import reacton.ipywidgets as rw
import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.demo.controls import model_params
from sim.demo.model import DemoModel
from sim.demo.views import OPINION, PICTURES, NetworkPicture, colour_options

TITLE = "Information war: classroom demo"


def status_lines(model: DemoModel) -> tuple[str, str, str]:
    """(tick, settings, strategies) as shown above the network."""
    w = model.world
    recent = model.step_ms[-20:]
    speed = f" · step {sum(recent) / len(recent):.1f} ms" if recent else ""
    tick = f"Tick {model.tick} of {w.ticks} · day {model.tick * w.tick_hours / 24:.1f}{speed}"
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


@solara.component
def Page():
    model = solara.use_memo(DemoModel, [])  # built per browser session, inside the page
    params = solara.use_memo(model_params, [])
    SolaraViz(model, components=COMPONENTS, model_params=params, name=TITLE, play_interval=100)
