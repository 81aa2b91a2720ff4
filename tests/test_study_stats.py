"""The study statistics of issue 16 on synthetic data with known answers: Holm and
Benjamini-Hochberg on a worked example, RMST differences, a known slope, power and
precision counts, the stability of a "best" pick, and the precision options."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.multiplicity import Families, adjust_p, adjust_table, pick_stability
from sim.analysis.power import seeds_for_half_width, seeds_for_power
from sim.analysis.survival import rmst, rmst_table
from sim.analysis.trend import page_p, slope, trend_table

P = [0.01, 0.04, 0.03, 0.005]


def test_holm_worked_example():
    # sorted p 0.005, 0.01, 0.03, 0.04 times m-i+1 = 4, 3, 2, 1 -> 0.02, 0.03, 0.06, 0.04,
    # made monotone (0.04 -> 0.06); back in the original order:
    assert adjust_p(P, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # Benjamini-Hochberg: p m / rank = 0.02, 0.02, 0.04, 0.04 (step-up minimum)
    assert adjust_p(P, "fdr_bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert np.isnan(adjust_p([0.01, math.nan], "holm")[1])
    assert adjust_p([0.01, math.nan], "holm")[0] == pytest.approx(0.01)  # m counts finite p


def test_family_intervals_are_bonferroni_wide():
    t = pd.DataFrame(
        {"diff_mean": [1.0] * 4, "diff_se": [0.2] * 4, "diff_df": [9.0] * 4, "diff_p": P}
    )
    a = adjust_table(t, "holm")
    half = stats.t.ppf(1 - 0.05 / 8, 9) * 0.2
    assert a["adj_hi"].iloc[0] == pytest.approx(1 + half)
    assert a["adj_level"].iloc[0] == pytest.approx(1 - 0.05 / 4)
    assert list(a["significant_adj"]) == [True, False, False, True]


def test_rmst_of_exponential_times_matches_the_formula():
    rng = np.random.default_rng(1)
    lam, tau = 0.05, 30.0
    t = rng.exponential(1 / lam, 1000)
    d, e = np.minimum(t, tau + 10), (t <= tau + 10).astype(int)  # censored after tau
    est, var = rmst(d, e, tau)
    assert est == pytest.approx((1 - math.exp(-lam * tau)) / lam, abs=4 * math.sqrt(var))
    assert est == pytest.approx(np.minimum(t, tau).mean())  # no censoring before tau
    assert var == pytest.approx(np.minimum(t, tau).var() / len(t), rel=0.05)


def _censored_pairs(shift: float = 5.0, tau: float = 30.0) -> pd.DataFrame:
    rows = []
    for seed in range(25):
        for arm, t in (("none", 10.0 + seed), ("a", 10.0 + seed + shift)):
            rows.append({"seed": seed, "arm": arm, "t": min(t, tau), "ev": int(t < tau)})
    return pd.DataFrame(rows)


def test_rmst_difference_known_answer():
    # baseline min(T, 30): 10..29 and five 30s -> 21.6; arm: 15..29 and ten 30s -> 25.2
    df = _censored_pairs()
    r = rmst_table(df, "arm", "none", "t", "ev", 30.0).iloc[0]
    assert r["baseline_mean"] == pytest.approx(21.6) and r["arm_mean"] == pytest.approx(25.2)
    assert r["diff_mean"] == pytest.approx(3.6) and r["interval"] == "paired t"
    d = np.minimum(np.arange(25) + 15.0, 30) - np.minimum(np.arange(25) + 10.0, 30)
    lo, hi = stats.ttest_1samp(d, 0).confidence_interval(0.95)
    assert (r["diff_lo"], r["diff_hi"]) == (pytest.approx(lo), pytest.approx(hi))
    # a run censored before tau: the unpaired interval from lifelines' variances
    df.loc[0, ["t", "ev"]] = [5.0, 0]
    u = rmst_table(df, "arm", "none", "t", "ev", 30.0).iloc[0]
    assert u["interval"] == "unpaired normal" and u["diff_df"] == math.inf
    assert u["diff_mean"] == pytest.approx(u["arm_mean"] - u["baseline_mean"])


def _dose(beta: float, noise: float, seeds: int = 10) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    rows = []
    for s in range(seeds):
        u = rng.normal(0, 5)  # a large seed effect, removed by the seed intercepts
        for x in range(6):
            rows.append({"seed": s, "x": x, "y": 1 + beta * x + u + rng.normal(0, noise)})
    return pd.DataFrame(rows)


def test_known_slope_with_seed_intercepts():
    assert slope(_dose(0.3, 0.0), "x", "y")["slope"] == pytest.approx(0.3)
    s = slope(_dose(0.3, 0.05), "x", "y")
    assert s["lo"] < 0.3 < s["hi"] and s["hi"] - s["lo"] < 0.05 and s["df"] == 9
    flat = slope(_dose(0.0, 0.05), "x", "y")
    assert flat["p"] > 0.01
    assert page_p(_dose(0.3, 0.05), "x", "y") < 1e-4
    assert page_p(_dose(-0.3, 0.05), "x", "y") < 1e-4  # two-sided
    t = trend_table(_dose(0.3, 0.05), "x", {"y": "y"}, "unit")
    assert t["diff_mean"].iloc[0] == pytest.approx(s["slope"])


def test_power_and_precision_counts():
    assert seeds_for_power(1.0, 0.5) == 34  # Cohen: d = 0.5, paired, 80% power, 5%: n = 34
    assert seeds_for_power(2.0, 1.0) == 34
    assert seeds_for_power(1.0, 0.5, alpha=0.05 / 4) > 34


def test_power_counts_for_large_effects():
    # d = 9.2 at 0.05/8: power 0.10 at 2 pairs, 0.795 at 3, 0.9998 at 4 (noncentral t); the
    # old root finder said 2 here and n/a for larger effects
    assert seeds_for_power(0.002175, 0.02, alpha=0.05 / 8) == 4
    assert seeds_for_power(1.0, 50.0) == 2
    assert seeds_for_power(1.0, 1e-4) == -1  # beyond MAX_SEEDS


def test_power_counts_fall_as_effects_grow():
    for alpha in (0.05, 0.05 / 8, 0.05 / 13):
        n = [seeds_for_power(0.002175, e, alpha) for e in np.geomspace(1e-4, 0.5, 40)]
        assert all(k > 0 for k in n) and n == sorted(n, reverse=True), (alpha, n)
    # t(0.975, 17) / sqrt(18) = 0.497 <= 0.5 < t(0.975, 16) / sqrt(17) = 0.514
    assert seeds_for_half_width(1.0, 0.5) == 18
    assert seeds_for_half_width(1.0, 0.0) == -1


def test_pick_stability():
    rng = np.random.default_rng(2)
    d = pd.DataFrame({"a": rng.normal(1.0, 0.1, 20), "b": rng.normal(0.0, 0.1, 20)})
    share = pick_stability(d, +1, rng, 500)
    assert share["a"] == 1.0 and share["b"] == 0.0
    assert pick_stability(d, -1, rng, 500)["b"] == 1.0
    tie = pd.DataFrame({"a": rng.normal(0, 1, 30), "b": rng.normal(0, 1, 30)})
    assert 0.05 < pick_stability(tie, +1, rng, 2000)["a"] < 0.95


def test_families_collect_adjusted_tables():
    f = Families()
    t = pd.DataFrame({"diff_mean": [1.0], "diff_se": [0.1], "diff_df": [5.0], "diff_p": [0.02]})
    out = f.add("one", "y", t)
    assert f.items[0].size == 1 and out["p_adj"].iloc[0] == pytest.approx(0.02)


def test_bad_target_exits_2(capsys):
    from sim.analysis.precision import parse_targets

    assert parse_targets(["support=0.01"]) == {"support.international.support_home": 0.01}
    for bad in ("speed=1", "support=-1", "support=x"):
        with pytest.raises(SystemExit) as e:
            parse_targets([bad])
        assert e.value.code == 2
    assert "--target" in capsys.readouterr().err


def test_response_delay_report_end_to_end(tmp_path):
    """A made-up delay study: support falls 0.01 per doubling of the delay, the story is
    contained only at short delays; the report gives the slope, RMST and KM curves."""
    from sim.analysis.precision import report_lines
    from sim.analysis.studies import ANALYSES, prepare

    rng = np.random.default_rng(4)
    rows = []
    for seed in range(6):
        u = rng.normal(0.45, 0.03)
        for delay in (1, 2, 4, 8, 10000):
            x = math.log2(min(delay, 16))
            rows.append(
                {
                    "seed": seed,
                    "days": 5.0,
                    "home.rapid_response.delay_hours": delay,
                    "support.international.support_home": u - 0.01 * x,
                    "misinformation.rival_fake.auc": 0.1 + rng.normal(0, 0.01),
                    "misinformation.rival_fake.hours_to_contain": 20 + 10 * x if x < 3 else None,
                    "cost.home.actors": 100.0,
                    "cost.home.strategy_total": 50.0,
                }
            )
    fams = Families(targets={"support.international.support_home": 0.5})
    text = "\n".join(ANALYSES["response_delay"](prepare(pd.DataFrame(rows)), tmp_path, fams))
    assert (
        "| final support for home, international users (share) | -0.0100 [-0.0100, -0.0100]" in text
    )
    assert "RMST over the first 120 h" in text and (tmp_path / "response_delay_km.png").is_file()
    assert (tmp_path / "response_delay_trend.png").is_file()
    rm = next(f for f in fams.items if f.kind == "rmst").table.set_index("_x")
    assert rm.loc[8, "diff_mean"] == pytest.approx(120 - 20)  # never vs 20 h, every seed
    stats_text = "\n".join(report_lines(fams, fams.targets))
    assert "| yes |" in stats_text and "seeds for 80% power" in stats_text


def _two_arm_study(seeds: int) -> pd.DataFrame:
    rows = []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)  # a seed's values do not change as seeds are added
        b, d = rng.normal(0.4, 0.05), rng.normal(0.01, 0.02)
        for arm, y in (("[]", b), ('["a"]', b + d)):
            rows.append(
                {
                    "seed": seed,
                    "strategy@home": arm,
                    "days": 5.0,
                    "support.international.support_home": y,
                    "misinformation.rival_fake.auc": 0.1 + d,
                    "misinformation.rival_fake.hours_to_contain": 50.0 if seed % 2 else None,
                    "cost.home.actors": 100.0,
                }
            )
    return pd.DataFrame(rows)


def test_add_seeds_loop_stops_at_target_or_cap(monkeypatch, tmp_path):
    import sim.analysis.precision as pr
    import sim.sweep.store as st

    (tmp_path / "multirun.yaml").write_text(
        "hydra: {overrides: {task: ['+experiment=x', 'seed=range(0,3)'],"
        " hydra: ['hydra.sweep.dir=/a', 'hydra.launcher.n_jobs=2', 'hydra.mode=MULTIRUN']}}"
    )
    assert pr._overrides(tmp_path) == (["+experiment=x"], ["hydra.launcher.n_jobs=2"])
    seeds, calls = [3], []

    def fake_add(sweep, start, count):
        calls.append((start, count))
        seeds[0] += count

    monkeypatch.setattr(st, "load_study", lambda p: _two_arm_study(seeds[0]))
    monkeypatch.setattr(pr, "add_seeds", fake_add)
    target = {"support.international.support_home": 0.012}
    n = pr.extend("compare_strategies", tmp_path, target, batch=4, cap=10)
    assert n == 10 and calls == [(3, 4), (7, 3)]  # capped: the last batch is cut to the cap
    calls.clear()
    n = pr.extend("compare_strategies", tmp_path, target, batch=4, cap=200)
    fams = Families(targets=target)
    from sim.analysis.studies import ANALYSES, prepare

    ANALYSES["compare_strategies"](prepare(_two_arm_study(n)), tmp_path, fams)
    assert pr.all_met(fams, target) and n < 200 and all(c == 4 for _, c in calls)
    fams = Families(targets=target)
    ANALYSES["compare_strategies"](prepare(_two_arm_study(n - 4)), tmp_path, fams)
    assert not pr.all_met(fams, target)  # it stopped at the first batch that met it


def test_analysis_cli_refuses_bad_precision_options(tmp_path, capsys):
    from sim.analysis.__main__ import main

    study = tmp_path / "study.parquet"
    _two_arm_study(3).to_parquet(study)
    assert main(["compare_strategies", str(study), "--add-seeds", "3"]) == 2
    assert "--add-seeds" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:  # a study table, not a sweep: nothing to extend
        main(["compare_strategies", str(tmp_path), "--target", "support=0.01", "--add-seeds", "2"])
    assert e.value.code == 2 and "multirun.yaml" in capsys.readouterr().err
    out = tmp_path / "out"
    argv = ["compare_strategies", str(study), "--out", str(out), "--target", "auc=1"]
    assert main([*argv, "--effect", "support=0.0123"]) == 0
    text = (out / "report.md").read_text()
    assert "| yes |" in text and "| 0.0123 |" in text  # the AUC target of 1 is met


def test_report_states_default_targets_when_none_given(tmp_path):
    """Without --target a report still states a target per outcome, and checks it."""
    from sim.analysis.precision import DEFAULT_TARGETS, report_lines
    from sim.analysis.studies import ANALYSES, prepare

    fams = Families(targets=DEFAULT_TARGETS)
    ANALYSES["compare_strategies"](prepare(_two_arm_study(6)), tmp_path, fams)
    text = "\n".join(report_lines(fams, fams.targets, default=True))
    assert "the defaults: half the smallest effect" in text
    assert "`support.international.support_home` 0.0025" in text
    assert "| n/a |" not in text.split("### Power table")[0]


def test_best_pick_names_no_arm_when_none_beats_the_baseline():
    from sim.analysis.sections import best_pick

    df = pd.DataFrame(
        {
            "seed": [0, 1, 2] * 3,
            "arm": ["base"] * 3 + ["a"] * 3 + ["b"] * 3,
            "y": [1.0, 2.0, 3.0] * 2 + [1.5, 2.5, 3.5],  # a ties the baseline, b is worse
        }
    )
    line = best_pick(df, "arm", "base", "y", -1, "y")  # lower is better
    assert line == "- Best on y: no arm does better than base on average (closest: `a`, +0.0000)."
    better = best_pick(df, "arm", "base", "y", 1, "y")  # higher is better: b wins
    assert better.startswith("- Best on y: `b` (+0.5000 vs base); picked in 100%")


def test_growth_lines_state_target_seeds_and_why_it_stopped(tmp_path):
    from sim.analysis.precision import growth_lines
    from sim.analysis.studies import ANALYSES, prepare

    for d in ("seeds12-15", "seeds8-11"):
        (tmp_path / d).mkdir()
    for target, stop in ((0.5, "every targeted family met its target at 16 seeds"),
                         (1e-6, "the cap of 16 seeds was reached with 1 of 1 targeted")):  # fmt: skip
        t = {"support.international.support_home": target}
        fams = Families(targets=t)
        ANALYSES["compare_strategies"](prepare(_two_arm_study(16)), tmp_path, fams)
        text = " ".join(growth_lines(tmp_path, fams, t, 4, 16))
        assert stop in text and "`--add-seeds 4 --max-seeds 16`" in text
        assert "16 seeds used, the study's own 8 then `seeds8-11/`, `seeds12-15/`" in text


def test_compare_report_quotes_pooled_crn_ratios(tmp_path):
    from sim.analysis.crn_summary import crn_lines

    assert crn_lines(tmp_path) == []  # no crn_gain.csv: nothing quoted
    pd.DataFrame(
        {
            "outcome": ["support"] * 2 + ["auc"] * 2,
            "arm": ["a", "b"] * 2,
            "pairs_after": [20] * 4,
            "half_before": [1.0, 1.0, 2.0, 2.0],
            "half_after": [0.5, 0.5, 0.0, 2.0],  # auc: sqrt((0 + 4) / 2 / 4) = 0.7071
        }
    ).to_csv(tmp_path / "crn_gain.csv", index=False)
    text = "\n".join(crn_lines(tmp_path))
    assert "| support | 2 | 0.5 | 0.5 | 2 of 2 |" in text
    assert "| auc | 2 | 0.7071 | 0.5 | 1 of 2 |" in text and "same 20 seeds" in text


def test_report_opens_with_statistics_in_brief(tmp_path):
    from sim.analysis.__main__ import main

    study = tmp_path / "study.parquet"
    _two_arm_study(6).to_parquet(study)
    out = tmp_path / "out"
    assert main(["compare_strategies", str(study), "--out", str(out), "--target", "auc=1"]) == 0
    text = (out / "report.md").read_text()
    head = text[: text.index("## Findings")]
    assert "**Statistics in brief.** Seeds used: 6 per comparison, paired by seed." in head
    assert "Holm-adjusted within each family" in head and "(`--target`): met in 1 of 1" in head
    assert "time to contain by Kaplan-Meier and RMST" in head
    assert "--target auc=1`." in head  # the report's command carries the precision options
