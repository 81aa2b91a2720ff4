"""The model behind the page: ``InfoWarModel`` built from the page's inputs.

Mesa's SolaraViz rebuilds a model by calling its class with the page's values as
keywords, so ``DemoModel`` takes keywords, turns them into Hydra overrides and loads them
through ``sim.cli.load`` (the CLI's own validation). A bad combination never breaks the
page: the model falls back to the scenario's defaults and shows the error line instead.
It also stops at the world's horizon (the metric tables end there) and times its steps.
"""

from __future__ import annotations

import copy
import functools
import time
from typing import Any

from sim.cli import load
from sim.config.schema import SimConfig
from sim.demo.controls import DEMO_N, overrides
from sim.demo.network import NetworkView, build_view
from sim.errors import ConfigError
from sim.model import InfoWarModel


@functools.cache
def size_overrides(scenario: str, n: int) -> tuple[str, ...]:
    """Overrides giving the scenario about ``n`` users. A world scaled from real audience
    sizes (``world.scale`` > 0) derives its size from the scale, so the scale is set."""
    cfg = load([f"scenario={scenario}"])
    if cfg.world.scale > 0:
        real = sum(c.real_size for c in cfg.population.communities.values())
        return (f"world.scale={n / real:.6g}",)
    return (f"graph.n={n}",)


@functools.cache
def base_config(scenario: str, n: int) -> SimConfig:
    """The scenario as its yaml defines it, at the demo size (cached: read-only use)."""
    return load([f"scenario={scenario}", *size_overrides(scenario, n)])


def demo_config(values: dict[str, Any]) -> tuple[SimConfig, list[str], str]:
    """(config, overrides used, error line or ''). Falls back to simpler worlds on error."""
    n = int(values.get("graph_n", DEMO_N))
    scenario = str(values.get("world_scenario", "default"))
    try:
        base = base_config(scenario, n)
    except ConfigError as e:
        base, scenario = base_config("default", n), "default"
        values = {**values, "world_scenario": "default"}
        error = e.line()
    else:
        error = ""
    ov = overrides(values, base, size_overrides(scenario, n))
    try:
        return load(ov), ov, error
    except ConfigError as e:
        # a copy: the cached base must never be shared by two sessions' models
        return copy.deepcopy(base), [f"scenario={scenario}", *size_overrides(scenario, n)], e.line()


class DemoModel(InfoWarModel):
    """One classroom world; every keyword is an input on the page (see controls.py)."""

    def __init__(
        self,
        world_scenario: str = "default",
        seed: int = 0,
        graph_n: int = DEMO_N,
        bot_volume: float = 1.0,
        scenario: Any = None,
        **inputs: Any,
    ) -> None:
        # ``scenario`` is Mesa's own Scenario object, passed back on every reset; the
        # world's scenario is ``world_scenario``. ``inputs`` are strategy toggles and sliders.
        self.values = {
            "world_scenario": world_scenario,
            "seed": seed,
            "graph_n": graph_n,
            "bot_volume": bot_volume,
            **inputs,
        }
        cfg, self.overrides, self.error = demo_config(self.values)
        super().__init__(cfg)
        self.view: NetworkView = build_view(self)  # sampled and laid out once per model
        self.step_ms: list[float] = []

    def step(self) -> None:
        if self.tick >= self.world.ticks:
            self.running = False
            return
        t0 = time.perf_counter()
        super().step()
        self.step_ms.append((time.perf_counter() - t0) * 1000.0)
        if self.tick >= self.world.ticks:
            self.running = False

    def strategy_names(self) -> dict[str, list[str]]:
        return {side: list(chosen) for side, chosen in self.cfg.strategies.items() if chosen}
