"""The karabakh2020 scenario: composes and validates, derives its size from real audiences,
carries the documents' actors and hashtags, runs a tiny scale for one day, and every
what-if arm and experiment config composes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.analysis.thesis import TABLE3, TABLE4

CONF = Path(__file__).resolve().parent.parent / "conf"
# narratives starting after day 1, moved to day 0, and no dated events, so a one-day run validates
ONE_DAY = [
    "world.horizon_days=1",
    *(
        f"~world.events.{e}"
        for e in (
            "ganja_4oct",
            "ganja_8oct",
            "ganja_11oct",
            "ganja_17oct",
            "barda_27oct",
            "barda_28oct",
            "agreement_10nov",
        )
    ),
    *(
        f"world.narratives.{k}.start_day=0"
        for k in (
            "stoparmenianterrorism",
            "prayforganja",
            "bardacity",
            "recognizeartsakh",
            "rival_fake",
            "debunk_rival_fake",
        )
    ),
]


def test_scenario_validates_with_real_audiences(make_cfg):
    cfg = make_cfg("scenario=karabakh2020")
    comms = cfg.population.communities
    total = sum(c.real_size for c in comms.values())
    assert (
        cfg.scenario == "karabakh2020"
        and cfg.world.horizon_days == 45  # the war's 44 days and the agreement's
        and cfg.world.tick_hours == 1
    )
    assert cfg.graph.n == round(cfg.world.scale * total)
    assert sum(c.share for c in comms.values()) == pytest.approx(1.0)
    # docs/sources.md
    assert comms["azerbaijan"].real_size == pytest.approx(0.42 * 8.32e6, rel=0.01)
    assert set(cfg.strategies["home"]) == {"platform_shutdown"}
    assert cfg.strategies["rival"]["platform_shutdown"].platforms == ["tiktok"]


def test_scenario_carries_the_documents(make_cfg):
    cfg = make_cfg("scenario=karabakh2020")
    groups = cfg.actors.groups
    for account, _, _ in TABLE3:
        if account != "Tcsavunma":
            assert account in groups, account
    labels = {n.label.lstrip("#") for n in cfg.world.narratives.values()}
    assert {t for t, _, _ in TABLE4} <= labels
    hos = [g for g in groups.values() if g.kind == "head_of_state" and g.side == "home"]
    assert sum(g.posts_per_day for g in hos) * 44 == pytest.approx(140, rel=0.05)  # ~140 posts
    assert len(groups["Nikolpashinyan"].languages) == 6  # Armenian plus five


def test_scale_rescales_and_rejects_nonsense(make_cfg):
    from sim.errors import ConfigError

    small = make_cfg("scenario=karabakh2020", "world.scale=0.001")
    assert small.graph.n == round(
        0.001 * sum(c.real_size for c in small.population.communities.values())
    )
    with pytest.raises(ConfigError, match="world.scale"):
        make_cfg("scenario=karabakh2020", "world.scale=-1")
    with pytest.raises(ConfigError, match="world.scale"):
        make_cfg("scenario=karabakh2020", "world.scale=1e-9")


def test_tiny_scale_one_day_runs(make_cfg):
    from sim.api import run

    cfg = make_cfg("scenario=karabakh2020", "world.scale=0.0003", "output.progress=false", *ONE_DAY)
    res = run(cfg)
    s = res.summary
    assert s["ticks"] == 24 and s["users"] == cfg.graph.n
    assert set(s["scorecard"]) == {"home", "rival"}
    from sim.analysis.thesis_targets import TARGETS

    # measured on Twitter alone (the scenario sets output.measure_platform)
    assert s["layer"]["platform"] == "twitter"
    assert set(s["calibration_targets"]) == {t.name for t in TARGETS}
    assert s["cost"]["home"]["strategies"]["platform_shutdown"] > 0
    from sim.report import format_summary

    text = format_summary(s)
    assert "thesis Table 3" in text and "thesis Table 4" in text and "scorecard" in text


@pytest.mark.parametrize("arm", sorted(p.stem for p in (CONF / "whatif").glob("*.yaml")))
def test_whatif_arms_compose(make_cfg, arm):
    cfg = make_cfg("scenario=karabakh2020", f"+whatif={arm}")
    assert "platform_shutdown" in cfg.strategies["home"]
    if arm == "no_shutdown":
        assert cfg.strategies["home"]["platform_shutdown"].budget == 0


@pytest.mark.parametrize(
    "name", ["compare_strategies", "duel", "languages", "response_delay", "volunteers", "whatif"]
)
def test_experiment_configs_compose(make_cfg, name):
    doc = yaml.safe_load((CONF / "experiment" / f"{name}.yaml").read_text())
    params = doc["hydra"]["sweeper"]["params"]
    assert "seed" in params and params["seed"].startswith("range(")
    make_cfg(f"+experiment={name}")  # the first job's config validates


def test_fitted_values_are_the_defaults(make_cfg):
    fitted = yaml.safe_load((CONF / "fitted" / "karabakh2020.yaml").read_text())
    cfg = make_cfg("scenario=karabakh2020")
    assert cfg.spread.beta == fitted["spread"]["beta"]
    assert (
        cfg.strategies["home"]["platform_shutdown"].vpn_share
        == fitted["home"]["platform_shutdown"]["vpn_share"]
    )
