"""The analysis layer on synthetic data: paired CI math, per-cost effects, the thesis's
statistics, scorecard scores, and a study report end to end from a made-up table."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.stats import group_ci, mean_ci, paired_diff, paired_table
from sim.analysis.thesis import THESIS_TARGETS, concentration, hashtag_ratio, targets


def test_mean_ci_matches_student_t():
    x = np.array([0.3, 0.5, 0.2, 0.9, 0.4, 0.6])
    ci = mean_ci(x)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert ci.n == 6 and ci.mean == pytest.approx(x.mean())
    assert ci.lo == pytest.approx(lo) and ci.hi == pytest.approx(hi)


def test_mean_ci_degenerate_cases():
    assert mean_ci([]).n == 0 and math.isnan(mean_ci([]).mean)
    one = mean_ci([2.0, float("nan")])
    assert one.n == 1 and one.mean == 2.0 and math.isnan(one.lo) and not one.excludes_zero()


def test_paired_diff_equals_paired_t_interval():
    rng = np.random.default_rng(1)
    base = pd.Series(rng.normal(0, 1, 12), index=range(12))
    arm = base + 0.3 + pd.Series(rng.normal(0, 0.1, 12), index=range(12))
    d = paired_diff(arm, base)
    ci = stats.ttest_rel(arm, base).confidence_interval(0.95)
    assert d.mean == pytest.approx((arm - base).mean())
    assert d.lo == pytest.approx(ci.low) and d.hi == pytest.approx(ci.high)
    # pairing removes the seed noise: the unpaired interval is far wider
    assert d.half < mean_ci(arm).half / 3


def test_paired_diff_aligns_on_seed_not_position():
    base = pd.Series([1.0, 2.0, 3.0], index=[0, 1, 2])
    arm = pd.Series([4.0, 2.5, 1.5], index=[2, 0, 1])  # listed in another seed order
    d = paired_diff(arm, base)
    assert d.mean == pytest.approx(((2.5 - 1) + (1.5 - 2) + (4 - 3)) / 3)


def _study(effect: float = 0.05, extra_cost: float = 200.0) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for seed in range(20):
        b = rng.normal(0.4, 0.05)
        rows.append({"seed": seed, "arm": "none", "y": b, "cost": 1000.0})
        rows.append({"seed": seed, "arm": "a", "y": b + effect, "cost": 1000.0 + extra_cost})
        rows.append({"seed": seed, "arm": "b", "y": b + rng.normal(0, 0.01), "cost": 1000.0})
    return pd.DataFrame(rows)


def test_paired_table_effects_and_cost():
    t = paired_table(_study(), "arm", "none", "y", cost="cost").set_index("arm")
    a = t.loc["a"]
    assert a["diff_mean"] == pytest.approx(0.05) and a["diff_lo"] == pytest.approx(0.05)
    assert bool(a["significant"]) and a["diff_n"] == 20
    assert a["extra_cost"] == pytest.approx(200.0)
    assert a["per_1000_mean"] == pytest.approx(0.05 / 200 * 1000)
    assert not bool(t.loc["b"]["significant"]) or abs(t.loc["b"]["diff_mean"]) < 0.01
    assert math.isnan(t.loc["b"]["per_1000_mean"])  # no extra cost: no per-cost effect
    with pytest.raises(KeyError):
        paired_table(_study(), "arm", "missing", "y")


def test_group_ci_one_row_per_group():
    g = group_ci(_study(), "arm", "y")
    assert list(g["arm"]) == ["a", "b", "none"] and (g["n"] == 20).all()


def test_thesis_statistics_match_facts():
    assert THESIS_TARGETS["concentration"] == pytest.approx(396926 / 44889)
    assert THESIS_TARGETS["hashtag_ratio"] == pytest.approx(2.55, abs=0.01)
    assert THESIS_TARGETS["hashtag_ratio_neutral_rival"] == pytest.approx(1.84, abs=0.01)
    assert math.isnan(concentration([5, 4, 3]))  # fewer than ten accounts
    assert math.isnan(hashtag_ratio({"a": 1.0}, {"a": "home"}, False))  # no rival volume


def test_targets_from_a_summary():
    top = [
        {"account": f"a{i}", "side": "home", "kind": "x", "reshares": 900 if i == 0 else 100}
        for i in range(10)
    ]
    tags = [
        {"hashtag": "#karabakhisazerbaijan", "side": "home", "posts": 50},
        {"hashtag": "#prayforganja", "side": "home", "posts": 10},
        {"hashtag": "#artsakh", "side": "rival", "posts": 20},
        {"hashtag": "#armenia", "side": "rival", "posts": 10},
        {"hashtag": "#rivalfake", "side": "rival", "posts": 999},
    ]  # not a Table 4 tag
    s = targets({"top_accounts": json.dumps(top), "hashtags": tags})
    assert s == {
        "concentration": 9.0,
        "head_share": 0.0,
        "hashtag_ratio": 3.0,
        "hashtag_ratio_neutral_rival": 2.0,
    }
    top[1]["account"] = "Azpresident"
    assert targets({"top_accounts": top, "hashtags": tags})["head_share"] == pytest.approx(
        100 / 900, abs=1e-4
    )


def test_scorecard_scores():
    from sim.analysis.scorecard import scores

    sc = scores(
        {"vocality": {"home": 10.0, "rival": 5.0}, "momentum": {"home": -2.0, "rival": 4.0}}
    )
    assert sc["home"]["vocality"] == 100 and sc["rival"]["vocality"] == 50
    assert sc["home"]["momentum"] == 25 and sc["rival"]["momentum"] == 100
    assert sc["home"]["index"] == pytest.approx(62.5)


def test_whatif_report_end_to_end(tmp_path):
    from sim.analysis.studies import ANALYSES, prepare

    rng = np.random.default_rng(3)
    rows = []
    for seed in range(8):
        base = rng.normal(0.5, 0.05)
        for arm, eff in (("baseline", 0.0), ("rapid_2h", 0.03)):
            rows.append(
                {
                    "seed": seed,
                    "whatif": arm,
                    "days": 44.0,
                    "support.international.support_home": base + eff,
                    "misinformation.rival_fake.auc": 1.0 - 10 * eff + rng.normal(0, 0.01),
                    "misinformation.rival_fake.hours_to_contain": None,
                    "cost.home.actors": 2500.0,
                    "cost.home.strategy_total": 880.0 + 500 * (eff > 0),
                }
            )
    lines = ANALYSES["whatif"](prepare(pd.DataFrame(rows)), tmp_path)
    text = "\n".join(lines)
    assert "`rapid_2h` 0.0300 [0.0300, 0.0300]" in text  # paired: seed noise cancels exactly
    assert (tmp_path / "whatif_summary.png").is_file() and (
        tmp_path / "whatif_rapid_2h.png"
    ).is_file()
    assert "| 1,056 | 1,056 |" in text  # never contained: censored at the horizon, 44 days


def test_compare_strategies_report_quotes_and_links_the_crn_gain_table(tmp_path):
    """experiments/crn_gain.py writes crn_gain.csv and .md next to the study's report; the
    report, regenerated, quotes the pooled ratios and links the table (and says nothing of
    it when it is absent)."""
    from sim.analysis.crn_summary import CSV, MD
    from sim.analysis.studies import ANALYSES, prepare

    rng = np.random.default_rng(5)
    rows = [
        {
            "seed": seed,
            "strategy@home": arm,
            "days": 10.0,
            "support.international.support_home": 0.4 + 0.02 * (arm != "[]") + rng.normal(0, 0.01),
            "misinformation.rival_fake.auc": 0.2 + rng.normal(0, 0.02),
            "misinformation.rival_fake.hours_to_contain": None,
            "cost.home.actors": 100.0,
            "cost.home.strategy_total": 50.0 * (arm != "[]"),
        }
        for seed in range(6)
        for arm in ("[]", '["prebunking"]')
    ]
    df = prepare(pd.DataFrame(rows))
    assert MD not in "\n".join(ANALYSES["compare_strategies"](df, tmp_path))
    gain = {"outcome": ["support"], "arm": ["a"], "pairs_after": [6]}
    pd.DataFrame({**gain, "half_before": [0.4], "half_after": [0.1]}).to_csv(tmp_path / CSV)
    text = "\n".join(ANALYSES["compare_strategies"](df, tmp_path))
    assert f"]({MD})" in text and "| support | 1 | 0.25 | 0.25 | 1 of 1 |" in text
