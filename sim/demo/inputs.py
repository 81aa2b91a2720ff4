"""The page's settings drawn by us instead of Mesa's ``ModelCreator``, for a classroom:
every slider's label carries its current value, a label sits above its slider (so a long
label never shortens the track), and a strategy box or an easily confused slider has a
one-line description below it (``help`` in ``controls.model_params``)."""

from __future__ import annotations

from typing import Any

import solara

CSS = """
.demo-inputs .v-input__slider .v-input__slot { flex-wrap: wrap; }
.demo-inputs .v-input__slider .v-label { flex: 0 0 100%; max-width: 100%; margin-bottom: 4px; }
.demo-help { display: block; font-size: 0.8em; line-height: 1.25; opacity: 0.75;
             margin: -4px 0 12px 0; }
"""
SLIDERS = {"SliderInt": solara.SliderInt, "SliderFloat": solara.SliderFloat}


def shown(v: Any) -> str:
    """A slider value as a student reads it (2.0 -> 2, 0.25 -> 0.25)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return f"{v:g}" if isinstance(v, float) else str(v)


def slider_label(opt: dict[str, Any], value: Any) -> str:
    return f"{opt['label']}: {shown(value)}{opt.get('unit', '')}"


def initial_values(params: dict[str, Any]) -> dict[str, Any]:
    """What Mesa's ModelCreator starts from: fixed values and each input's default."""
    return {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}


@solara.component
def Inputs(params: dict[str, Any], values: solara.Reactive[dict[str, Any]]):
    """One input per entry of ``params`` (a change takes effect on Reset)."""
    solara.Style(CSS)

    def setter(name: str):
        return lambda v: values.set({**values.value, name: v})

    with solara.Div(classes=["demo-inputs"]):
        for name, opt in params.items():
            if not isinstance(opt, dict):
                continue  # a fixed value (graph_n)
            v: Any = values.value.get(name, opt["value"])  # int, float, str or bool by kind
            kind = opt["type"]
            if kind in SLIDERS:
                SLIDERS[kind](
                    slider_label(opt, v),
                    value=v,
                    on_value=setter(name),
                    min=opt["min"],
                    max=opt["max"],
                    step=opt["step"],
                )
            elif kind == "Select":
                solara.Select(opt["label"], value=v, values=opt["values"], on_value=setter(name))
            else:
                solara.Checkbox(label=opt["label"], value=v, on_value=setter(name))
            if opt.get("help"):
                solara.Text(opt["help"], classes=["demo-help"])
