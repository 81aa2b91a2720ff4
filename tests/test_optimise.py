"""The strategy-mix search's statistics (issue 16 item 7) on synthetic data with known
answers: the Pareto front, the sequential-seed stopping rule, pairing with the baseline,
the search space from the registry and the fresh-seed re-run."""

from __future__ import annotations

import numpy as np
import optuna
import pandas as pd
import pytest

from sim.sweep import optimise as opt


def _study(points: list[tuple[dict, list[float]]], attrs: list[dict] | None = None) -> optuna.Study:
    study = optuna.create_study(directions=["minimize", "maximize", "minimize"])
    dist: dict[str, optuna.distributions.BaseDistribution] = {
        "a": optuna.distributions.IntDistribution(0, 10),
        "b": optuna.distributions.IntDistribution(0, 10),
    }
    for i, (params, values) in enumerate(points):
        study.add_trial(
            optuna.trial.create_trial(
                params=params,
                distributions=dist,
                values=values,
                user_attrs=attrs[i] if attrs else None,
            )
        )
    return study


def test_pareto_front_known_answer_and_duplicates_once() -> None:
    study = _study(
        [
            ({"a": 0, "b": 0}, [0.0, 0.0, 0.0]),  # free, no effect: on the front
            ({"a": 5, "b": 0}, [5.0, 0.02, -0.1]),  # on the front
            ({"a": 5, "b": 0}, [5.0, 0.02, -0.1]),  # the same mix again: listed once
            ({"a": 9, "b": 9}, [9.0, 0.01, -0.05]),  # dominated by trial 1
            ({"a": 2, "b": 8}, [6.0, 0.03, 0.0]),  # on the front (best support)
        ]
    )
    front = opt.pareto_front(study)
    assert [t.number for t in front] == [0, 1, 4]  # by cost, first of each mix


def test_sequential_stops_when_target_met() -> None:
    """A stream whose per-seed differences alternate +-s around 0.1: with n seeds the
    half-width is t(n-1) * s * sqrt(n / (n - 1)) / sqrt(n) for even n; the rule must stop
    at the first batch whose half-width is under the target, and never pass the cap."""
    s = 0.02

    def draw(seeds: list[int]) -> pd.DataFrame:
        x = [0.1 + (s if k % 2 else -s) for k in seeds]
        return pd.DataFrame({"support": x, "misinfo": x, "cost": [1.0] * len(seeds)}, index=seeds)

    def hw(n: int) -> float:
        from scipy import stats

        sd = np.std([0.1 + (s if k % 2 else -s) for k in range(n)], ddof=1)
        return float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n))

    target = 0.012
    est = opt.sequential(draw, {"support": target}, start=2, batch=2, cap=40)
    n = len(est.seeds)
    assert est.met and est.half["support"] <= target < hw(n - 2)
    assert est.seeds == list(range(n)) and est.mean["support"] == pytest.approx(0.1)
    capped = opt.sequential(draw, {"support": 1e-6}, start=2, batch=3, cap=7)
    assert not capped.met and len(capped.seeds) == 7


def test_objective_frame_pairs_by_seed() -> None:
    rows = pd.DataFrame(
        {opt.COST: [10.0, 20.0], opt.SUPPORT: [0.5, 0.7], opt.MISINFO: [0.1, 0.3]}, index=[3, 4]
    )
    base = pd.DataFrame(
        {opt.COST: [0.0, 0.0], opt.SUPPORT: [0.6, 0.4], opt.MISINFO: [0.2, 0.2]}, index=[4, 3]
    )
    f = opt.objective_frame(rows, base)
    assert f.loc[3, "support"] == pytest.approx(0.1) and f.loc[4, "support"] == pytest.approx(0.1)
    assert f.loc[4, "misinfo"] == pytest.approx(0.1) and f.loc[3, "cost"] == 10.0


def test_search_space_is_every_budgeted_home_strategy() -> None:
    from sim.strategies import load_all

    names = opt.budgeted_home_strategies()
    reg = load_all()
    assert names == sorted(n for n, c in reg.items() if c.meta.allows("home"))
    assert "bot_flooding" not in names and len(names) >= 10


def test_fresh_rerun_uses_unseen_seeds_with_intervals() -> None:
    study = _study([({"a": 1, "b": 0}, [1.0, 0.01, 0.0])])
    seen: list[int] = []

    def draw(params: dict, seeds: list[int]) -> pd.DataFrame:
        seen.extend(seeds)
        x = np.array(seeds, dtype=float) % 2  # 0, 1, 0, 1: mean 0.5
        return pd.DataFrame({"cost": x, "support": x, "misinfo": x}, index=seeds)

    t = opt.fresh_table(opt.pareto_front(study), draw, 4)
    assert min(seen) >= opt.FRESH_SEED0 and len(t) == 1
    assert t.loc[0, "support_mean"] == pytest.approx(0.5)
    assert t.loc[0, "support_lo"] < 0.5 < t.loc[0, "support_hi"]


def test_report_states_targets_and_fresh_intervals(tmp_path) -> None:
    from types import SimpleNamespace

    from sim.sweep.optuna_report import pareto_report

    study = _study(
        [({"a": 0, "b": 0}, [0.0, 0.0, 0.0]), ({"a": 4, "b": 0}, [4.0, 0.02, -0.1])],
        [{"seeds": 4, "met": True}, {"seeds": 8, "met": False}],
    )
    front = opt.pareto_front(study)
    fresh = pd.DataFrame(
        [
            {
                "trial": t.number,
                **{
                    f"{k}_{s}": v
                    for k in opt.OBJECTIVES
                    for s, v in (("mean", 0.01), ("lo", -0.01), ("hi", 0.03))
                },
            }
            for t in front
        ]
    )
    args = SimpleNamespace(
        out=tmp_path, sampler="tpe", target_support=0.01, target_misinfo=0.1,
        min_seeds=4, batch=4, max_seeds=16, fresh_seeds=20,
    )  # fmt: skip
    text = pareto_report(study, ["a", "b"], front, fresh, args, 1.0).read_text()
    assert "half-width <= 0.01 on the support change" in text
    assert "1 of 2 trials met both targets" in text
    assert "| 1 | a 4 | 8 |" in text and "+0.0100 [-0.0100, +0.0300]" in text
    assert (tmp_path / "pareto.png").is_file() and (tmp_path / "front.csv").is_file()


def _fresh_draw(params: dict, seeds: list[int]) -> pd.DataFrame:
    """Effects that depend only on a's budget capped at 5: a=5 and a=9 behave the same."""
    a = min(params.get("a", 0), 5)
    x = np.arange(len(seeds), dtype=float) % 3 - 1.0  # -1, 0, 1, ...: mean about 0
    return pd.DataFrame(
        {"cost": 10.0 * a + x, "support": 0.01 * a + 0.001 * x, "misinfo": 0.001 * x},
        index=seeds,
    )


def test_identical_front_mixes_merge_and_effects_are_holm_adjusted(tmp_path) -> None:
    from types import SimpleNamespace

    from sim.sweep.optuna_report import pareto_report
    from sim.sweep.optuna_stats import families, merged

    study = _study(
        [
            ({"a": 1, "b": 0}, [10.0, 0.01, 0.0]),
            ({"a": 5, "b": 0}, [50.0, 0.05, 0.0]),
            ({"a": 9, "b": 1}, [50.0, 0.05, 0.0]),  # same values, another mix: also on the front
        ],
        [{"seeds": 4, "met": True}] * 3,
    )
    front = opt.pareto_front(study)
    fresh = opt.fresh_table(front, _fresh_draw, 6)
    assert list(fresh["same_as"]) == [0, 1, 1]  # trial 2 behaves exactly as trial 1
    rows = merged(fresh)
    assert [list(t) for t in rows["trials"]] == [[0], [1, 2]]
    fams = families(rows)
    sup = next(f for f in fams.items if f.metric == "support")
    assert sup.size == 2 and bool(sup.table["significant_adj"].all())
    mis = next(f for f in fams.items if f.metric == "misinfo")
    assert not bool(mis.table["significant_adj"].any())  # effects of mean ~0
    args = SimpleNamespace(
        out=tmp_path, sampler="tpe", target_support=0.1, target_misinfo=0.1,
        min_seeds=4, batch=4, max_seeds=16, fresh_seeds=6,
    )  # fmt: skip
    text = pareto_report(study, ["a", "b"], front, fresh, args, 1.0).read_text()
    assert "| 1 / 2 | a 5 **or** a 9, b 1 |" in text
    assert "support p (Holm)" in text and "(2 distinct in behaviour" in text
    assert "targets were too wide" in text and "support 0.1 vs largest |effect| 0.0500" in text
