"""The demo's model side, without a browser: inputs -> overrides -> validated model,
the network laid out once, the live pictures, the stop at the horizon."""

from __future__ import annotations

import numpy as np
import pytest

from sim.cli import CONF_DIR, load
from sim.demo import controls
from sim.demo.model import DemoModel, base_config, size_overrides
from sim.demo.views import OPINION, PICTURES, NetworkPicture
from sim.strategies import load_all

N = controls.DEMO_N


@pytest.fixture(scope="module")
def model() -> DemoModel:
    return DemoModel()


def test_every_registered_strategy_has_a_toggle_per_allowed_side():
    params = controls.model_params()
    for name, cls in load_all().items():
        for role in controls.ROLES:
            allowed = cls.meta.allows(role)
            assert (controls.toggle_key(role, name) in params) == allowed, (role, name)
    assert all(
        p.get("type") in (None, "Select", "SliderInt", "SliderFloat", "Checkbox")
        for p in params.values()
        if isinstance(p, dict)
    )


def test_strategy_sliders_default_to_the_yaml_values():
    knobs = {k.key: k for k in controls.knobs()}
    assert {"response_delay", "languages", "volunteers", "shutdown_end"} <= set(knobs)
    for k in knobs.values():
        assert k.lo <= k.value <= k.hi, k
        assert getattr(controls.strategy_defaults(k.strategy), k.field) == k.value


def test_untouched_inputs_give_the_plain_scenario():
    base = base_config("default", N)
    assert controls.overrides({}, base, ("graph.n=3000",)) == [
        "scenario=default",
        "seed=0",
        "graph.n=3000",
        "mode=infowar",
    ]
    # a slider of a strategy that is off changes nothing
    assert len(controls.overrides({"response_delay": 2}, base, ())) == 3


def test_inputs_become_validated_overrides():
    base = base_config("default", N)
    values = {
        "bot_volume": 2.0,
        "home_rapid_response": True,
        "response_delay": 2,
        "rival_bot_flooding": True,
        "home_volunteer_campaign": True,
        "volunteers": 40,
    }
    ov = controls.overrides(values, base, size_overrides("default", N))
    assert "strategy@home=[rapid_response,volunteer_campaign]" in ov
    assert "strategy@rival=[bot_flooding]" in ov
    assert (
        "home.rapid_response.delay_hours=2" in ov and "home.volunteer_campaign.volunteers=40" in ov
    )
    cfg = load(ov)
    bots = [g for g in cfg.actors.groups if base.actors.groups[g].kind == "bots"]
    assert bots and all(
        cfg.actors.groups[g].posts_per_day == 2 * base.actors.groups[g].posts_per_day for g in bots
    )
    assert cfg.strategies["home"]["rapid_response"].delay_hours == 2
    assert cfg.strategies["home"]["volunteer_campaign"].volunteers == 40


@pytest.mark.parametrize("role", controls.ROLES)
def test_all_toggles_of_a_side_at_once_make_a_valid_config(role):
    values = {key: True for key, r, _ in controls.toggles() if r == role}
    cfg = load(controls.overrides(values, base_config("default", N), ("graph.n=3000",)))
    side = cfg.world.sides[controls.ROLES.index(role)]
    assert sorted(cfg.strategies[side]) == sorted(n for _, r, n in controls.toggles() if r == role)


def test_bad_input_falls_back_with_one_line():
    m = DemoModel(home_volunteer_campaign=True, volunteers=-5)
    assert m.error.startswith("error: home.volunteer_campaign.volunteers")
    assert m.strategy_names() == {}  # the scenario's own defaults
    m.step()
    assert m.tick == 1


def test_unknown_scenario_falls_back_to_default():
    m = DemoModel(world_scenario="atlantis")
    assert "atlantis" in m.error and m.cfg.scenario == "default"


def test_scenario_list_follows_the_files():
    names = controls.scenarios()
    assert names[0] == "default"
    assert ("karabakh2020" in names) == (CONF_DIR / "scenario" / "karabakh2020.yaml").exists()


@pytest.mark.skipif(
    not (CONF_DIR / "scenario" / "karabakh2020.yaml").exists(),
    reason="conf/scenario/karabakh2020.yaml not present",
)
def test_scaled_scenario_is_shrunk_to_the_demo_size():
    m = DemoModel(world_scenario="karabakh2020")
    assert m.error == "" and m.cfg.scenario == "karabakh2020"
    assert 0.9 * N <= m.crowd.n <= 1.1 * N


def test_layout_is_computed_once(model):
    view, xy = model.view, model.view.user_xy.copy()
    for _ in range(3):
        model.step()
    assert model.view is view and np.array_equal(model.view.user_xy, xy)
    assert len(view.users) >= 200 and len(view.accounts) == len(model.accounts)
    assert set(np.unique(model.crowd.community[view.users])) == set(
        range(len(model.world.communities))
    )


def test_same_inputs_same_world():
    a, b = DemoModel(seed=3), DemoModel(seed=3)
    for _ in range(5):
        a.step()
        b.step()
    assert np.array_equal(a.crowd.state, b.crowd.state)
    assert np.array_equal(a.view.user_xy, b.view.user_xy)


def test_pictures_follow_the_model(model):
    net = NetworkPicture(model, OPINION)
    story = NetworkPicture(model, model.world.narr_label[0])
    charts = [cls(model) for cls in PICTURES.values()]
    before = [p.png() for p in (net, story, *charts)]
    for _ in range(12):
        model.step()
    after = [p.png() for p in (net, story, *charts)]
    assert all(x != y for x, y in zip(before, after))
    assert all(
        np.size(line.get_xdata()) == model.metrics.ticks_done for p in charts for line in p.lines
    )
    colours = net.users.get_array()
    assert colours is not None and np.allclose(colours, model.crowd.opinion[model.view.users])


def test_stops_at_the_horizon():
    m = DemoModel()
    for _ in range(m.world.ticks):
        m.step()
    assert not m.running and m.metrics.ticks_done == m.world.ticks
    m.step()  # a further press is harmless
    assert m.tick == m.world.ticks


@pytest.mark.skipif(
    not (CONF_DIR / "scenario" / "karabakh2020.yaml").exists(),
    reason="conf/scenario/karabakh2020.yaml not present",
)
def test_a_box_adds_to_the_scenarios_own_strategies():
    base = base_config("karabakh2020", N)
    own = list(base.strategies["home"])
    assert own and "rapid_response" not in own
    values = {"world_scenario": "karabakh2020", "home_rapid_response": True}
    cfg = load(controls.overrides(values, base, size_overrides("karabakh2020", N)))
    assert list(cfg.strategies["home"]) == [*own, "rapid_response"]
    assert list(cfg.strategies["rival"]) == list(base.strategies["rival"])


def test_demo_sh_rejects_unknown_options():
    import subprocess

    from sim.demo.browser import ROOT

    r = subprocess.run(
        [str(ROOT / "demo.sh"), "--bogus"], capture_output=True, text=True, timeout=30
    )
    assert r.returncode == 2 and "--public" in r.stderr
    r = subprocess.run(
        [str(ROOT / "demo.sh"), "--help"], capture_output=True, text=True, timeout=30
    )
    assert r.returncode == 0 and "127.0.0.1" in r.stdout and "--public" in r.stdout
