"""The page's inputs and how they become Hydra overrides.

Every input is a keyword of ``DemoModel``; ``overrides`` turns one set of values into the
same command-line overrides a researcher would type, so ``sim.cli.load`` validates the
demo's worlds exactly like the CLI's. Strategy toggles come from the registry, so a new
strategy module appears on the page with no edit here; a slider bound to a strategy
parameter is shown only while that strategy (and that field) exists.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.cli import CONF_DIR, group_options
from sim.config.schema import SimConfig
from sim.strategies.base import ROLES, Strategy  # ROLES: the first and second side of any world

DEMO_N = 3000  # users in the demo world: a step takes about a millisecond (docs/teaching.md)


@dataclass(frozen=True)
class Knob:
    """A slider. Bound to ``strategy.field`` when ``strategy`` is set; the default is the
    strategy's default (its dataclass, or its optional YAML) so an untouched slider
    changes nothing."""

    key: str
    label: str
    lo: float
    hi: float
    step: float
    value: float = 0.0
    strategy: str = ""
    field: str = ""
    unit: str = ""  # shown after the value in the label
    help: str = ""  # one line under the slider, where the label alone could mislead

    @property
    def is_int(self) -> bool:
        return all(float(x).is_integer() for x in (self.lo, self.hi, self.step, self.value))


BOT_VOLUME = Knob(
    "bot_volume",
    "Bot volume",
    0.0,
    5.0,
    0.25,
    1.0,
    unit=" x",
    help="How much the bots post on an ordinary day (1 x = the scenario). Always on.",
)
STRATEGY_KNOBS = (
    Knob(
        "response_delay",
        "Response delay (rapid response)",
        0,
        48,
        1,
        strategy="rapid_response",
        field="delay_hours",
        unit=" h",
    ),
    Knob(
        "languages",
        "Languages added (multilingual)",
        0,
        4,
        1,
        strategy="multilingual",
        field="translation_capacity",
    ),
    Knob(
        "volunteers",
        "Volunteers (volunteer campaign)",
        0,
        200,
        10,
        strategy="volunteer_campaign",
        field="volunteers",
    ),
    Knob(
        "shutdown_end",
        "Platform shutdown ends on day",
        0,
        45,  # the 2020 scenario's war runs 45 days (27 Sep to 11 Nov)
        1,
        strategy="platform_shutdown",
        field="end_day",
        unit="",
    ),
    Knob(
        "bot_multiplier",
        "Bot flooding (rival strategy)",
        1,
        10,
        0.5,
        strategy="bot_flooding",
        field="multiplier",
        unit=" x",
        help="Extra factor on top of the bot volume, only while the rival's bot flooding "
        "campaign runs (tick 'Rival side: bot flooding').",
    ),
)


def registry() -> dict[str, type[Strategy]]:
    from sim.strategies import load_all

    return dict(sorted(load_all().items()))


def toggle_key(role: str, name: str) -> str:
    return f"{role}_{name}"


def toggles() -> list[tuple[str, str, str]]:
    """(key, role, strategy) for every strategy each side role may use."""
    out = []
    for role in ROLES:
        for name, cls in registry().items():
            if cls.meta.allows(role):
                out.append((toggle_key(role, name), role, name))
    return out


@functools.cache
def strategy_defaults(name: str) -> Any:
    """The strategy's defaults: its dataclass, merged with ``conf/strategy/<name>.yaml``
    where a contributor kept one (no Hydra compose)."""
    cls = registry()[name]
    node = OmegaConf.structured(cls.Config)
    path = CONF_DIR / "strategy" / f"{name}.yaml"
    if path.exists():
        data = OmegaConf.load(path)  # packaged under the strategy's name
        assert isinstance(data, DictConfig), f"{path} is not a mapping"
        node = OmegaConf.merge(node, data.get(name) or {})
    return OmegaConf.to_object(node)


def knobs() -> list[Knob]:
    """The strategy sliders whose strategy and field exist, with the strategy's default."""
    out = []
    for k in STRATEGY_KNOBS:
        if k.strategy not in registry():
            continue
        cfg = strategy_defaults(k.strategy)
        if k.field not in {f.name for f in dataclasses.fields(cfg)}:
            continue
        out.append(dataclasses.replace(k, value=float(getattr(cfg, k.field))))
    return out


def scenarios() -> list[str]:
    """The scenarios under conf/scenario (karabakh2020 appears once its file exists)."""
    names = group_options("scenario")
    return sorted(names, key=lambda s: (s != "default", s))


def model_params() -> dict[str, Any]:
    """Mesa's ``model_params``: one input per DemoModel keyword, in page order."""
    params: dict[str, Any] = {
        "world_scenario": {
            "type": "Select",
            "value": "default",
            "values": scenarios(),
            "label": "Scenario",
        },
        "seed": {"type": "SliderInt", "value": 0, "min": 0, "max": 20, "step": 1, "label": "Seed"},
    }
    for k in (BOT_VOLUME, *knobs()):
        params[k.key] = {
            "type": "SliderInt" if k.is_int else "SliderFloat",
            "label": k.label,
            "value": int(k.value) if k.is_int else k.value,
            "min": k.lo,
            "max": k.hi,
            "step": k.step,
            "unit": k.unit,
            "help": k.help,
        }
    reg = registry()
    for key, role, name in toggles():
        params[key] = {
            "type": "Checkbox",
            "value": False,
            "label": f"{role.capitalize()} side: {name.replace('_', ' ')}",
            "help": reg[name].meta.summary,  # the strategy's own one-line description
        }
    params["graph_n"] = DEMO_N  # fixed: not shown on the page
    return params


def _fmt(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return repr(v) if isinstance(v, str) else str(v)


def _knob_value(k: Knob, v: Any) -> str:
    """A slider value typed like the strategy's field (int fields stay ints)."""
    current = getattr(strategy_defaults(k.strategy), k.field)
    return _fmt(int(v) if isinstance(current, int) and not isinstance(current, bool) else float(v))


def overrides(values: dict[str, Any], base: SimConfig, size: tuple[str, ...]) -> list[str]:
    """The overrides for one set of page values; ``base`` is the scenario's own config at
    the demo size, which the overrides in ``size`` give it."""
    out = [
        f"scenario={values.get('world_scenario', 'default')}",
        f"seed={int(values.get('seed', 0))}",
        *size,
        "mode=infowar",
    ]
    volume = float(values.get("bot_volume", 1.0))
    for gname, g in base.actors.groups.items():
        if g.kind == "bots" and volume != 1.0:
            out.append(f"actors.groups.{gname}.posts_per_day={_fmt(g.posts_per_day * volume)}")
    for role_i, role in enumerate(ROLES):
        side = base.world.sides[role_i]
        # A box adds a strategy to those the scenario already uses (karabakh2020 starts
        # with its 2020 shutdowns on), so ticking one never drops the scenario's own.
        own = list(base.strategies.get(side, {}))
        ticked = [name for key, r, name in toggles() if r == role and values.get(key)]
        chosen = own + [n for n in ticked if n not in own]
        if len(chosen) > len(own):
            plus = "" if side in ROLES else "+"  # config.yaml declares strategy@home/@rival only
            out.append(f"{plus}strategy@{side}=[{','.join(chosen)}]")
        for k in knobs():
            if k.strategy in chosen and k.key in values and float(values[k.key]) != k.value:
                out.append(f"{side}.{k.strategy}.{k.field}={_knob_value(k, values[k.key])}")
    return out
