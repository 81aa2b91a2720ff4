"""What particular strategies do, step by step, and sanity checks of the model as a whole
(issue 4): a faster response lowers the misinformation area under the curve on average;
multilingual posting raises reach in audiences that do not speak the home language; a
low-quality, high-gaffe volunteer campaign can backfire. The sanity checks run many
paired seeds and are marked ``slow``.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest
from clirun import STORIES

from sim.crowd import SHARING, STOPPED
from sim.errors import ConfigError

TINY = STORIES
ALL_HOME = (
    "strategy@home=[rapid_response,multilingual,volunteer_campaign,training,platform_shutdown]"
)
ALL_RIVAL = "strategy@rival=[bot_flooding,account_hijack,deception]"


@pytest.fixture(scope="module")
def tiny():
    """A tiny world with no strategy, and the strategies' configs from their YAML."""
    from sim.cli import load

    cfg = load([*TINY, ALL_HOME, ALL_RIVAL])
    configs = {**cfg.strategies["home"], **cfg.strategies["rival"]}
    base = copy.deepcopy(cfg)
    base.strategies = {"home": {}, "rival": {}}
    return base, configs


def with_(tiny, seed: int = 0, home: dict | None = None, rival: dict | None = None):
    """A config with the named strategies, each ``name: {param: value}``."""
    base, configs = tiny
    cfg = copy.deepcopy(base)
    cfg.seed = seed
    for side, chosen in (("home", home or {}), ("rival", rival or {})):
        cfg.strategies[side] = {n: dataclasses.replace(configs[n], **p) for n, p in chosen.items()}
    return cfg


def model_of(cfg):
    from sim.model import InfoWarModel

    return InfoWarModel(cfg)


# -- selection and composition ------------------------------------------------------------
def test_sides_compose_and_report_each_strategy_cost(tiny) -> None:
    from sim.api import run

    res = run(
        with_(
            tiny,
            home={"rapid_response": {"delay_hours": 2}, "multilingual": {}},
            rival={"bot_flooding": {}},
        )
    )
    s = res.summary
    assert s["strategies"] == {
        "home": ["multilingual", "rapid_response"],
        "rival": ["bot_flooding"],
    }
    for side, names in s["strategies"].items():
        costs = s["cost"][side]["strategies"]
        assert sorted(costs) == names and all(v > 0 for v in costs.values())
        assert s["cost"][side]["strategy_total"] == pytest.approx(sum(costs.values()), abs=0.05)
        assert s["cost"][side]["unit"] == "staff-hours"
    assert s["strategy_reports"]["home/rapid_response"]["detected_hour"]["rival_fake"] == 2.0


def test_unknown_or_misplaced_strategy_is_refused() -> None:
    from sim.cli import load

    with pytest.raises(ConfigError, match="rapid_response") as e:
        load([*TINY, "strategy@home=[rapid_responce]"])
    assert "bot_flooding" in str(e.value)  # the message lists the known strategies
    with pytest.raises(ConfigError, match="strategy@home"):
        load([*TINY, "strategy@home=[bot_flooding]"])  # a hostile tactic, for the rival only
    with pytest.raises(ConfigError, match=r"home\.platform_shutdown\.platforms"):
        load(
            [
                *TINY,
                "strategy@home=[platform_shutdown]",
                "home.platform_shutdown.platforms=[myspace]",
            ]
        )
    with pytest.raises(ConfigError, match=r"home\.platform_shutdown\.end_day"):
        load(
            [
                *TINY,
                "strategy@home=[platform_shutdown]",
                "home.platform_shutdown.start_day=5",
                "home.platform_shutdown.end_day=2",
            ]
        )


def test_listing_order_does_not_matter(tiny) -> None:
    from sim.api import run

    a = {
        "volunteer_campaign": {"gaffe_prob": 0.3},
        "training": {"ramp_days": 0},
        "rapid_response": {},
    }
    b = dict(reversed(list(a.items())))
    ra, rb = run(with_(tiny, home=a)), run(with_(tiny, home=b))
    pd.testing.assert_frame_equal(ra.timeseries, rb.timeseries, check_exact=True)


# -- particular mechanisms ------------------------------------------------------------------
def test_platform_shutdown_blocks_own_domestic_users_for_the_window_only(tiny) -> None:
    m = model_of(
        with_(
            tiny,
            home={
                "platform_shutdown": {
                    "start_day": 1,
                    "end_day": 2,
                    "platforms": ["facebook"],
                    "vpn_share": 0.25,
                }
            },
        )
    )
    s, crowd, fb = m.strategies[0], m.crowd, np.uint8(1 << m.world.platforms.index("facebook"))
    domestic = np.flatnonzero(crowd.community == m.world.communities.index("home_domestic"))
    blocked = s.users
    assert 0.6 < len(blocked) / len(domestic) < 0.9  # about 1 - vpn_share of them
    for t in range(72):
        m.step()
        in_window = 24 <= t < 48
        on_fb = (crowd.eff_plats[blocked] & fb) != 0
        assert not on_fb.any() if in_window else np.array_equal(crowd.eff_plats, crowd.plats)
    assert s.report()["days_on"] == pytest.approx(1.0)
    assert s.cost == pytest.approx(20.0)


def test_account_hijack_locks_owner_out_and_posts_the_attackers_stories(tiny) -> None:
    m = model_of(
        with_(
            tiny, rival={"account_hijack": {"start_day": 0.5, "end_day": 1.0, "posts_per_day": 48}}
        )
    )
    s = m.strategies[0]
    rival_side = m.world.side_index("rival")
    for t in range(36):
        m.step()
        if t == 12:
            (taken,) = s.taken
            assert not m.accounts.active[taken]
            owner = m.actors[m.accounts.owner[taken]]
            assert owner.side != rival_side and owner.kind in ("embassy", "ministry")
    assert m.accounts.active[s.taken].all()  # owners back at day 1
    assert m.metrics.acc_posts[s.taken[0]] >= s.posted > 0


def test_multilingual_adds_languages_and_drops_them_when_the_money_runs_out(tiny) -> None:
    m = model_of(with_(tiny, home={"multilingual": {"budget": 8.0, "cost_per_language": 4.0}}))
    s = m.strategies[0]
    emb = next(a for a in m.actors if a.kind == "embassy" and a.side == 0)
    before = list(s.original[id(emb)])
    assert len(s.added) == 2 and set(s.added) <= set(emb.languages)
    for _ in range(72):
        m.step()
    assert emb.languages == before and s.cost == pytest.approx(8.0)
    assert s.report()["ended_day"] == pytest.approx(1.0, abs=0.05)


def test_rapid_response_detects_on_delay_or_threshold(tiny) -> None:
    from sim.api import run

    late = run(with_(tiny, home={"rapid_response": {"delay_hours": 30}})).summary
    early = run(
        with_(tiny, home={"rapid_response": {"delay_hours": 30, "threshold": 1e-6}})
    ).summary
    assert late["strategy_reports"]["home/rapid_response"]["detected_hour"] == {"rival_fake": 30.0}
    assert early["strategy_reports"]["home/rapid_response"]["detected_hour"]["rival_fake"] < 30.0


def test_rapid_response_threshold_counts_public_resharers_not_believers(tiny) -> None:
    """Detection fires at the first tick whose delivered reshares bring the users who
    publicly reshared the story to the threshold; believers (hidden) never enter."""
    m = model_of(with_(tiny, home={"rapid_response": {"delay_hours": 60, "threshold": 0.001}}))
    k = m.world.narratives.index("rival_fake")
    need = 0.001 * m.crowd.n  # 1.5 users: two
    expect, believed_first = None, None
    for _ in range(m.world.ticks):
        if expect is None and m.crowd.reshared[k].sum() >= need:
            expect = m.tick  # the reshares queued last tick are delivered this tick
        if believed_first is None and np.isin(m.crowd.state[k], (SHARING, STOPPED)).sum() >= need:
            believed_first = m.tick
        m.step()
    rr = next(s for s in m.enabled_strategies if s.name == "rapid_response")
    assert expect is not None and rr.detected[k] == expect
    assert believed_first is not None and believed_first < expect  # believers lead: distinct


def test_training_drops_the_volunteers_gaffes(tiny) -> None:
    m = model_of(
        with_(
            tiny,
            home={
                "volunteer_campaign": {"gaffe_prob": 1.0},
                "training": {"ramp_days": 0, "gaffe_reduction": 1.0},
            },
        )
    )
    seen = []
    read = m.read_feeds

    def spy():
        rd = read()
        seen.append(int(rd.posts.backfire.sum()))
        return rd

    m.read_feeds = spy
    for _ in range(24):
        m.step()
    vol, train = (
        next(s for s in m.strategies if s.name == n) for n in ("volunteer_campaign", "training")
    )
    assert vol.gaffes > 0 and train.gaffes_avoided == vol.gaffes and sum(seen) == 0


def test_deception_disguises_bots_until_the_upkeep_is_unpaid(tiny) -> None:
    from sim.config.schema import SOURCE_KINDS

    m = model_of(
        with_(
            tiny, rival={"deception": {"share": 1.0, "budget": 100.0, "upkeep_hours_per_day": 10.0}}
        )
    )
    s = m.strategies[0]
    m.step()
    media = SOURCE_KINDS.index("media")
    assert len(s.disguised) > 0 and (m.accounts.kind[s.disguised] == media).all()
    for _ in range(71):
        m.step()
    assert s.done and (m.accounts.kind[s.disguised] == SOURCE_KINDS.index("unknown")).all()
    assert s.cost <= 100.0 + 1e-9


# -- sanity checks of the model as a whole (slow) ------------------------------------------
# A contested world: the rival's bots have audiences and its false story is catchy.
SANITY = [
    "graph.n=4000",
    "world.horizon_days=6",
    "output.figures=false",
    "output.progress=false",
    "actors.groups.rival_bots.followers=0.02",
    "world.narratives.rival_fake.appeal=2.0",
]


@pytest.fixture(scope="module")
def sanity():
    from sim.cli import load

    cfg = load([*SANITY, "strategy@home=[rapid_response,multilingual,volunteer_campaign]"])
    configs = dict(cfg.strategies["home"])
    base = copy.deepcopy(cfg)
    base.strategies = {"home": {}, "rival": {}}
    return base, configs


def paired(sanity, home: dict, outcome, seeds: int = 10) -> np.ndarray:
    """outcome(with strategies) - outcome(without), one per seed."""
    from sim.api import run

    out = []
    for s in range(seeds):
        out.append(outcome(run(with_(sanity, s, home=home))) - outcome(run(with_(sanity, s))))
    return np.array(out)


def _reads(res, narrs, comms) -> float:
    ts = res.timeseries[res.timeseries["community"].isin(comms)]
    return float(sum(ts[f"reads_{k}"].sum() for k in narrs))


@pytest.mark.slow
def test_faster_response_lowers_misinformation_auc_on_average(sanity) -> None:
    """The AUC effect is small against seed noise (sd of a paired difference ~0.07): over 60
    seeds a fast response lowers it by ~3.4 standard errors and beats a 48-hour one by ~2;
    with 20 seeds the comparison failed for one seed block in three."""
    auc = lambda r: r.summary["misinformation"]["rival_fake"]["auc"]  # noqa: E731
    cell = {"budget": 3000, "posts_per_hour": 2, "translation_capacity": 6}
    fast = paired(sanity, {"rapid_response": {"delay_hours": 1, **cell}}, auc, seeds=60)
    slow = paired(sanity, {"rapid_response": {"delay_hours": 48, **cell}}, auc, seeds=60)
    assert fast.mean() < -2 * fast.std(ddof=1) / np.sqrt(len(fast))
    assert fast.mean() < slow.mean()


@pytest.mark.slow
def test_multilingual_raises_reach_where_the_home_language_is_not_spoken(sanity) -> None:
    home = ["home_claim", "home_fake", "debunk_rival_fake"]
    foreign = ["intl_turkey", "intl_russia", "intl_france"]  # neither az nor (much) en
    # per seed the gain is noisy (in some blocks of 10 seeds only half are positive); over
    # 20 seeds the mean gain stood 3.7 to 4.6 standard errors above 0 in every block tried
    d = paired(sanity, {"multilingual": {}}, lambda r: _reads(r, home, foreign), seeds=20)
    assert d.mean() > 2 * d.std(ddof=1) / np.sqrt(len(d))


@pytest.mark.slow
def test_low_quality_high_gaffe_volunteers_backfire(sanity) -> None:
    opinion = lambda r: r.summary["support"]["international"]["opinion_mean"]  # noqa: E731
    sloppy = paired(
        sanity,
        {
            "volunteer_campaign": {
                "volunteers": 300,
                "quality": 0.1,
                "gaffe_prob": 0.5,
                "budget": 1000,
            }
        },
        opinion,
    )
    careful = paired(
        sanity,
        {
            "volunteer_campaign": {
                "volunteers": 300,
                "quality": 0.7,
                "gaffe_prob": 0.0,
                "budget": 1000,
            }
        },
        opinion,
    )
    assert sloppy.mean() < 0 < careful.mean()
