"""karabakh2020 as inference: Twitter-layer statistics, the ensemble file, scale rules."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis import thesis_targets as tt
from sim.analysis.ensemble import (
    Param,
    draw_members,
    fitted_block,
    identifiability,
    read_ensemble,
    weighted_quantile,
    write_ensemble,
)
from sim.errors import ConfigError


def _accounts() -> list[dict]:
    # Table 3 names with hand-picked reshares; two extra accounts outside Table 3
    rs = {
        "Azpresident": 400,
        "Tcsavunma": 100,
        "Ceyhunasirov": 90,
        "operativ_mm": 80,
        "Presidentaz": 70,
        "Hikmethajiyev": 60,
        "artak_beglaryan": 50,
        "Nikolpashinyan": 40,
        "Shstepanyan": 30,
        "anca_dc": 20,
        "TC_Disisleri": 200,
        "mod_az": 10,
    }
    posts = {"Azpresident": 70, "Presidentaz": 70, "azembassyus": 44, "azconsulatela": 22}
    names = sorted(set(rs) | set(posts))
    return [{"account": a, "reshares": rs.get(a, 0), "posts": posts.get(a, 0)} for a in names]


def test_account_statistics_on_a_hand_made_case() -> None:
    s = tt.account_stats(_accounts(), days=44.0)
    assert s["head_margin"] == pytest.approx(400 / 200)  # TC_Disisleri is the best other
    assert s["head_rank"] == 1.0
    # ranked: 400 200 100 90 80 70 60 50 40 30 -> the tenth is Shstepanyan (30)
    assert s["concentration"] == pytest.approx(400 / 30)
    assert s["top10_overlap"] == 9.0  # anca_dc (20) drops out for TC_Disisleri
    assert s["rival_share"] == pytest.approx((50 + 40 + 30 + 20) / 940)
    assert s["rt_Tcsavunma"] == pytest.approx(0.25)
    assert s["head_tweets"] == 140.0
    assert s["embassy_us_per_month"] == pytest.approx(44 * 30 / 44)


def test_hashtag_volume_counts_a_simulated_user_as_one_over_scale_people() -> None:
    rows: list[dict[str, Any]] = [
        {"hashtag": "#karabakhisazerbaijan", "actor_posts": 100, "user_posts": 10},
        {"hashtag": "#artsakh", "actor_posts": 600, "user_posts": 2},
        {"hashtag": "#armenia", "actor_posts": 0, "user_posts": 1},
    ]
    s = tt.hashtag_stats(rows, scale=0.01)
    # home 100 + 10 / 0.01 = 1100; rival 600 + 200 = 800; with #armenia 900
    assert s["hashtag_ratio"] == pytest.approx(1100 / 800)
    assert s["hashtag_ratio_neutral_rival"] == pytest.approx(1100 / 900)
    assert s["tag_artsakh"] == pytest.approx(800 / 1100)
    # twice the users at twice the scale: the same volume in people's posts
    double = [dict(r, user_posts=2 * r["user_posts"]) for r in rows]
    assert tt.hashtag_stats(double, scale=0.02) == pytest.approx(s)


def test_targets_have_one_role_each_and_the_thesis_figures() -> None:
    assert {t.role for t in tt.TARGETS} == {"fitted", "held out", "input"}
    assert len({t.name for t in tt.TARGETS}) == len(tt.TARGETS)
    assert tt.BY_NAME["head_margin"].thesis == pytest.approx(396926 / 95251)
    assert tt.BY_NAME["hashtag_ratio"].thesis == pytest.approx(2.55, abs=0.01)
    assert set(tt.FITTED).isdisjoint(tt.HELD_OUT)
    assert math.isnan(tt.layer_stats({})["head_margin"])


def _layer_model(platforms: list[str], measure: str, n: int) -> Any:
    """The three attributes of a model that Layer reads."""
    return SimpleNamespace(
        cfg=SimpleNamespace(output=SimpleNamespace(measure_platform=measure)),
        world=SimpleNamespace(platforms=platforms),
        crowd=SimpleNamespace(n=n),
    )


def test_layer_counts_only_posts_on_the_measured_platform() -> None:
    from sim.metrics import Layer
    from sim.posts import Posts

    n, n_acc, k = 10, 3, 2
    ly = Layer(_layer_model(["facebook", "twitter"], "twitter", n), n_acc, k)  # bit 2
    queued = Posts.make(
        src=[0, 1, 2, 3],
        narr=[0, 0, 1, 1],
        origin=[n + 0, n + 0, n + 2, 5],  # the last reshare started with user 5
        plats=[2, 1, 3, 2],  # twitter, facebook only, both, twitter
        count=1,
    )
    ly.count_reshares(queued)
    assert ly.reshares.tolist() == [1, 0, 1]
    assert ly.user_posts.tolist() == [1, 2]
    actor = Posts.make(src=[0, 1, 2], narr=[0, 1, 1], count=[3, 4, 5], plats=[2, 1, 2])
    ly.count_actor_posts(actor, 3)
    assert ly.actor_posts.tolist() == [3, 5]
    assert ly.acc_posts.tolist() == [3, 0, 5]
    off = Layer(_layer_model(["twitter"], "", n), n_acc, k)
    off.count_reshares(queued)
    assert off.reshares.sum() == 0


def test_an_unknown_measured_platform_is_one_line(make_cfg) -> None:
    with pytest.raises(ConfigError, match="output.measure_platform"):
        make_cfg("scenario=karabakh2020", "output.measure_platform=myspace")


def test_ensemble_file_round_trip(tmp_path) -> None:
    params = pd.DataFrame({"spread.beta": [0.1, 0.2, 0.3], "graph.hub_exponent": [2.0, 2.5, 2.9]})
    path = tmp_path / "ens.csv"
    write_ensemble(params, np.array([1.0, 1.0, 2.0]), path)
    back = read_ensemble(path)
    assert back["weight"].tolist() == pytest.approx([0.25, 0.25, 0.5])
    assert back["member"].tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(back[list(params)], params)
    with pytest.raises(ValueError):
        write_ensemble(params, np.array([1.0, -1.0, 1.0]), path)
    (tmp_path / "bad.csv").write_text("member,weight,x\n0,0.3,1\n1,0.3,2\n")
    with pytest.raises(ConfigError, match="sum to 1"):
        read_ensemble(tmp_path / "bad.csv")
    with pytest.raises(ConfigError, match="does not exist"):
        read_ensemble(tmp_path / "none.csv")


def test_members_are_drawn_in_proportion_to_their_weights() -> None:
    df = pd.DataFrame({"member": [0, 1, 2], "weight": [0.1, 0.6, 0.3], "x": [1, 2, 3]})
    draws = draw_members(df, 100, np.random.default_rng(0))
    assert np.bincount(draws, minlength=3).tolist() == pytest.approx([10, 60, 30], abs=1)


def test_weighted_quantile_and_identifiability_verdicts() -> None:
    x, w = np.arange(1.0, 101.0), np.ones(100)
    assert weighted_quantile(x, w, 0.5) == pytest.approx(50.5)
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {
            "weight": np.full(400, 1 / 400),
            "narrow": rng.uniform(0.45, 0.55, 400),
            "wide": rng.uniform(0, 1, 400),
        }
    )
    space = [Param("narrow", 0.0, 1.0, False), Param("wide", 0.0, 1.0, False)]
    v = identifiability(df, space).set_index("parameter")["verdict"]
    assert v["narrow"] == "pinned" and v["wide"] == "not identified"


def test_fitted_block_is_nested_yaml() -> None:
    block = fitted_block({"spread.beta": 0.123456, "actors.groups.Azpresident.followers": 0.3}, "x")
    assert block.startswith("# @package _global_\n")
    assert yaml.safe_load(block) == {
        "spread": {"beta": 0.1235},
        "actors": {"groups": {"Azpresident": {"followers": 0.3}}},
    }


def _per_user(make_cfg, scale: float, seeds: int) -> np.ndarray:
    """Expected actor posts reaching a user per tick, mean out-degree, and the in-degree
    law's second moment over the squared mean (what sets how far a story spreads), for
    karabakh2020 at ``scale``: the mean over ``seeds`` worlds."""
    from sim.model import InfoWarModel

    rows = []
    for seed in range(3, 3 + seeds):
        m = InfoWarModel(make_cfg("scenario=karabakh2020", f"world.scale={scale}", f"seed={seed}"))
        owner = np.array(m.accounts.owner)
        rate = np.array([m.actors[o].rate for o in owner])
        posts = float((rate * m.accounts.n_followers()).sum() / m.crowd.n)
        indeg = np.diff(m.followers.indptr).astype(float)
        rows.append((posts, m.followers.nnz / m.crowd.n, (indeg**2).mean() / indeg.mean() ** 2))
    return np.mean(rows, axis=0)


def test_scale_rules_keep_what_a_user_sees_per_tick(make_cfg) -> None:
    small, large = _per_user(make_cfg, 0.001, 3), _per_user(make_cfg, 0.004, 3)
    assert small[0] == pytest.approx(large[0], rel=0.04)  # actor posts per user per tick
    assert small[1] == pytest.approx(large[1], rel=0.02)  # follows per user
    # the follower law's spread, mean of 3 graphs: one graph's value varies by about 10%
    # from seed to seed at these sizes (3.18 to 3.61 at 0.004 with the fitted hub exponent)
    assert small[2] == pytest.approx(large[2], rel=0.1)


def test_fitness_cap_bounds_hubs_independently_of_n(make_cfg) -> None:
    from sim.population import build_world

    def spread(n: int, cap: float) -> float:
        cfg = make_cfg(f"graph.n={n}", "graph.hub_exponent=2.2", f"graph.fitness_cap={cap}")
        indeg = np.diff(build_world(cfg).followers.indptr).astype(float)
        return float((indeg**2).mean() / indeg.mean() ** 2)

    assert spread(40000, 0) > 2 * spread(10000, 0)  # uncapped: hubs grow with n
    # capped: the same law once the crowd is large enough to hold its hubs (below about
    # 20,000 users the default world's small language x platform pools saturate)
    assert spread(80000, 30) == pytest.approx(spread(40000, 30), rel=0.05)


def _whatif_module() -> Any:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "experiments" / "whatif2020.py"
    spec = importlib.util.spec_from_file_location("whatif2020", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_whatif_effects_are_paired_by_member_and_seed_and_flag_sign_flips() -> None:
    wi = _whatif_module()
    rows = []
    for member, effect in ((0, 0.02), (1, -0.01)):
        for seed in (0, 1):
            base = {
                "mis_auc": 1.0,
                "hours_to_contain": 10.0,
                "contained": 1,
                "horizon_h": 100.0,
                "cost_home": 5.0,
            }
            noise = 0.1 * seed + member  # shared by both arms of a pair: cancels out
            rows.append(
                {"member": member, "seed": seed, "arm": "baseline", **base, "support": 0.5 + noise}
            )
            rows.append(
                {
                    "member": member,
                    "seed": seed,
                    "arm": "a",
                    **base,
                    "support": 0.5 + noise + effect,
                }
            )
    eff = wi.effects(pd.DataFrame(rows), np.array([0, 1, 1])).set_index(["arm", "outcome"])
    sup = eff.loc[("a", "support")]
    assert sup["mean"] == pytest.approx((0.02 - 0.01 - 0.01) / 3)
    assert sup["share_positive"] == pytest.approx(1 / 3)
    assert bool(sup["sign_flips"])
    assert eff.loc[("a", "mis_auc"), "mean"] == 0.0
    assert not bool(eff.loc[("a", "mis_auc"), "sign_flips"])


def test_whatif_time_to_contain_is_an_rmst_difference_censored_at_the_horizon(tmp_path) -> None:
    """Never contained = censored at the horizon (100 h): member 0's arm contains at 40 h on
    both seeds, member 1's never does, the baseline never does. The RMST difference is then
    -60 h for member 0 and 0 for member 1, weighted by the draws [0, 1, 1]; a mean of
    durations with the horizon standing in would say the same here, but the table also
    gives the Kaplan-Meier share contained and median, and the report says what is censored."""
    import argparse

    wi = _whatif_module()
    rows = []
    for member in (0, 1):
        for seed in (0, 1):
            common = {"member": member, "seed": seed, "support": 0.5, "mis_auc": 1.0}
            common |= {"cost_home": 5.0, "horizon_h": 100.0}
            rows.append({**common, "arm": "baseline", "hours_to_contain": 100.0, "contained": 0})
            hit = member == 0
            rows.append(
                {
                    **common,
                    "arm": "a",
                    "hours_to_contain": 40.0 if hit else 100.0,
                    "contained": int(hit),
                }
            )
    draws = np.array([0, 1, 1])
    eff = wi.effects(pd.DataFrame(rows), draws).set_index(["arm", "outcome"])
    t = eff.loc[("a", "hours_to_contain")]
    assert t["mean"] == pytest.approx(-20.0, abs=1e-6)
    assert t["lo"] < -20 < t["hi"]
    assert t["range_lo"] == pytest.approx(-54.0)  # 5% quantile of -60, 0, 0
    assert t["contained_share"] == pytest.approx(2 / 6) and t["baseline_contained_share"] == 0
    assert math.isinf(t["km_median"]) and t["tau"] == 100.0
    args = argparse.Namespace(members=3, seeds=2)
    text = wi.write_report(eff.reset_index(), args, tmp_path / "w.md", draws).read_text()
    assert "restricted" in text and "censored at the horizon (100 h)" in text
    assert "| a | -20" in text and "0.33 / 0.00 | inf |" in text
    with pytest.raises(SystemExit, match="contained"):
        wi.effects(pd.DataFrame(rows).drop(columns=["contained"]), draws)
