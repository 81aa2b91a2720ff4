"""The contract every registered strategy must pass (issue 4, "Tests for every registered
strategy"). Parametrized over the registry, so a new strategy is tested as soon as its
module exists; its expected effect is declared next to its class (``meta.effect``, see
``sim/strategies/effects.py``) and checked here against its behaviour.

Runs are in-process on a tiny world (2,000 users, 3 days) where every strategy has
something to act on: the rival's false story starts early and is catchy, embassies and
bots have audiences worth the name. Configs are composed once through Hydra (every
strategy's option at once) and varied as dataclasses.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf

from sim.doctables.strategies import strategy_tables
from sim.errors import ConfigError
from sim.strategies import REGISTRY, load_all
from sim.strategies.base import StrategyConfig, StrategyMeta
from sim.strategies.effects import Effect

ROOT = Path(__file__).resolve().parent.parent
NAMES = sorted(load_all())
WORLD = [
    "graph.n=2000",
    "world.horizon_days=3",
    "output.figures=false",
    "output.progress=false",
    "world.narratives.rival_fake.start_day=0.25",
    "world.narratives.rival_fake.appeal=2.0",
    "world.narratives.home_fake.start_day=0.5",
    "world.narratives.debunk_rival_fake.start_day=3",
    "actors.groups.home_embassy.followers=0.15",
    "actors.groups.rival_bots.followers=0.02",
]
# paired: the same seed with and without the strategy. Eight, not four: with per-user draws
# multilingual's effect on its own international reads is +275 reads (SE 146, 16 seeds) in
# this tiny world, and seeds 0-3 alone happen to average -306.
SEEDS = (0, 1, 2, 3, 4, 5, 6, 7)


def side_of(name: str) -> str:
    return "home" if REGISTRY[name].meta.allows("home") else "rival"


def effect_of(name: str) -> Effect:
    effect = REGISTRY[name].meta.effect
    assert effect is not None, f"declare the expected effect of '{name}' in its meta.effect"
    return effect


# -- runs (cached: the contract tests share baselines and runs) --------------------------
_RUNS: dict[tuple, object] = {}


@pytest.fixture(scope="module")
def world():
    """The tiny world with no strategy, and every strategy's config from its YAML."""
    from sim.cli import load

    home = [n for n in NAMES if side_of(n) == "home"]
    rival = [n for n in NAMES if side_of(n) == "rival"]
    cfg = load([*WORLD, f"strategy@home=[{','.join(home)}]", f"strategy@rival=[{','.join(rival)}]"])
    configs = {**cfg.strategies["home"], **cfg.strategies["rival"]}
    base = copy.deepcopy(cfg)
    base.strategies = {side: {} for side in cfg.strategies}
    return base, configs


def configure(world, chosen: dict, seed: int):
    """The test world with the ``chosen`` strategies (name -> parameters)."""
    base, configs = world
    cfg = copy.deepcopy(base)
    cfg.seed = seed
    for name, params in chosen.items():
        cfg.strategies[side_of(name)][name] = dataclasses.replace(configs[name], **params)
    return cfg


def run(world, chosen: dict, seed: int):
    from sim.api import run as api_run

    key = (seed, repr(sorted((n, sorted(p.items())) for n, p in chosen.items())))
    if key not in _RUNS:
        _RUNS[key] = api_run(configure(world, chosen, seed))
    return _RUNS[key]


def arms(name: str, **extra) -> tuple[dict, dict]:
    """(without, with) strategy selections for the paired comparison of ``name``."""
    e = effect_of(name)
    alongside = {n: dict(p) for n, p in e.alongside.items()}
    return alongside, {**alongside, name: {**e.params, **extra}}


# -- metadata and config ----------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_has_metadata_and_docs(name: str) -> None:
    cls = REGISTRY[name]
    assert isinstance(cls.meta, StrategyMeta)
    for field in ("summary", "changes", "cost_model"):
        assert getattr(cls.meta, field).strip(), f"{name}: meta.{field} is empty"
    assert set(cls.meta.sides) <= {"home", "rival", "any"} and cls.meta.sides
    if cls.meta.hostile:
        assert not cls.meta.allows("home")
    assert isinstance(effect_of(name), Effect)
    assert dataclasses.is_dataclass(cls.Config) and issubclass(cls.Config, StrategyConfig)
    assert Path(inspect.getfile(cls)).stem == name, "one module per strategy, named after it"
    assert f"| `{name}` |" in strategy_tables(), "missing from the generated docs table"


@pytest.mark.parametrize("name", NAMES)
def test_hydra_option_gives_the_config_defaults(name: str, world) -> None:
    """Without a YAML file the Hydra option ``strategy/<name>`` is the dataclass itself."""
    if (ROOT / "conf" / "strategy" / f"{name}.yaml").is_file():
        pytest.skip("has its own YAML file")
    assert world[1][name] == REGISTRY[name].Config()


def _numeric_fields(cfg) -> list[str]:
    return [
        f.name
        for f in dataclasses.fields(cfg)
        if isinstance(getattr(cfg, f.name), (int, float))
        and not isinstance(getattr(cfg, f.name), bool)
    ]


@pytest.mark.parametrize("name", NAMES)
def test_config_checks_every_number(name: str) -> None:
    """Defaults pass; -1 and NaN are refused for every numeric parameter, naming the key."""
    cfg = REGISTRY[name].Config()
    cfg.check(f"home.{name}")
    assert "budget" in _numeric_fields(cfg)
    for f in _numeric_fields(cfg):
        bad_values = [-1] + ([math.nan] if isinstance(getattr(cfg, f), float) else [])
        for bad in bad_values:
            with pytest.raises(ConfigError, match=rf"home\.{name}\.{f}"):
                dataclasses.replace(cfg, **{f: bad}).check(f"home.{name}")


@pytest.mark.parametrize("name", NAMES)
def test_validation_wires_the_check(name: str) -> None:
    """The config door (sim.config.validate) runs the strategy's check: exit 2 material."""
    from sim.config.schema import WorldConfig
    from sim.config.validate import _strategies

    side = side_of(name)
    ok = OmegaConf.create({side: {name: {}}})
    assert isinstance(
        _strategies(ok, ["home", "rival"], WorldConfig())[side][name], REGISTRY[name].Config
    )
    bad = OmegaConf.create({side: {name: {"budget": -5.0}}})
    with pytest.raises(ConfigError, match=rf"{side}\.{name}\.budget"):
        _strategies(bad, ["home", "rival"], WorldConfig())


# -- behaviour --------------------------------------------------------------------------
def _same_outputs(a, b) -> None:
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.actors, b.actors, check_exact=True)
    skip = {"timing", "cost", "strategies", "strategy_reports"}
    assert {k: v for k, v in a.summary.items() if k not in skip} == {
        k: v for k, v in b.summary.items() if k not in skip
    }


@pytest.mark.parametrize("name", NAMES)
def test_zero_budget_is_bit_identical_to_off(name: str, world) -> None:
    without, zero_arm = arms(name, budget=0.0)
    zero = run(world, zero_arm, SEEDS[0])
    _same_outputs(zero, run(world, without, SEEDS[0]))
    assert zero.summary["cost"][side_of(name)]["strategies"][name] == 0


def _stream_states(model, own: str) -> dict:
    st = {n: model.streams.get(n).bit_generator.state for n in model.streams.names() if n != own}
    st["<mesa rng>"] = model.rng.bit_generator.state
    st["<mesa random>"] = model.random.getstate()
    return st


@pytest.mark.parametrize("name", NAMES)
def test_own_stream_only_deterministic_and_costed(name: str, world) -> None:
    """Common random numbers: building the world draws the same with the strategy on, and
    its hooks draw from its own stream only. Same config twice: same bits. It spends,
    within its budget."""
    from sim.model import InfoWarModel

    without, with_ = arms(name)
    side = side_of(name)
    own = f"strategy/{side}/{name}"
    off = InfoWarModel(configure(world, without, SEEDS[0]))
    model = InfoWarModel(configure(world, with_, SEEDS[0]))
    assert set(model.streams.names()) == set(off.streams.names()) | {own}
    assert _stream_states(model, own) == _stream_states(off, own), (
        "setup() drew from another stream"
    )
    for a, b in (
        (model.crowd.opinion, off.crowd.opinion),
        (model.followers.indices, off.followers.indices),
    ):
        assert np.array_equal(a, b)
    strat = next(s for s in model.strategies if s.name == name)
    for hook in ("act", "revise"):
        inner = getattr(strat, hook)

        def guarded(inner=inner, hook=hook) -> None:
            before = _stream_states(model, own)
            inner()
            assert _stream_states(model, own) == before, f"{hook}() drew from another stream"

        setattr(strat, hook, guarded)
    model.run()
    again = run(world, with_, SEEDS[0])
    pd.testing.assert_frame_equal(model.metrics.timeseries(), again.timeseries, check_exact=True)
    spent = again.summary["cost"][side]["strategies"][name]
    assert 0 < spent <= strat.cfg.budget + 1e-6
    assert spent == pytest.approx(strat.cost, abs=0.01)


@pytest.mark.parametrize("name", NAMES)
def test_effect_has_the_expected_direction(name: str, world) -> None:
    """Over paired seeds, the mean change of the declared outcome has the declared sign."""
    e = effect_of(name)
    side = ["home", "rival"].index(side_of(name))
    without, with_ = arms(name)
    diffs = [
        e.measure(run(world, with_, s), side) - e.measure(run(world, without, s), side)
        for s in SEEDS
    ]
    assert e.sign * np.mean(diffs) > 0, f"{name}: paired differences {np.round(diffs, 4)}"


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in NAMES
        if any(
            f.metadata.get("choices") is not None for f in dataclasses.fields(REGISTRY[n].Config)
        )
    ],
)
def test_config_checks_every_name_with_choices(name: str) -> None:
    """A string (or list of strings) declared with choices refuses a name outside them."""
    cfg = REGISTRY[name].Config()
    for f in dataclasses.fields(cfg):
        if f.metadata.get("choices") is None:
            continue
        bad = ["no_such_name"] if isinstance(getattr(cfg, f.name), list) else "no_such_name"
        with pytest.raises(ConfigError, match=rf"home\.{name}\.{f.name}"):
            dataclasses.replace(cfg, **{f.name: bad}).check(f"home.{name}")


def test_model_offers_the_view_strategies_see(world) -> None:
    """``InfoWarModel`` has every handle of ``ModelView``, and the strategies package never
    imports the model (not even for typing): the view is all a strategy may use."""
    from sim.model import InfoWarModel
    from sim.strategies.view import ModelView

    model = InfoWarModel(configure(world, {}, SEEDS[0]))
    missing = [a for a in ModelView.__annotations__ if not hasattr(model, a)]
    assert not missing, f"InfoWarModel lacks {missing}"
    for path in (ROOT / "sim" / "strategies").glob("*.py"):
        assert "sim.model" not in path.read_text(), f"{path.name} imports sim.model"
