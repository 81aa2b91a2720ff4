"""The stylized-facts battery: fact functions on data with known answers, and a tiny
end-to-end run of experiments/stylized_facts.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.cascades import facts


def test_heavy_tail_tells_pareto_from_exponential() -> None:
    rng = np.random.default_rng(1)
    pareto = np.floor(rng.pareto(1.5, 3000) + 1)  # discrete, alpha about 2.5
    expo = np.floor(rng.exponential(3.0, 3000) + 1)
    heavy, thin = facts.heavy_tail(pareto), facts.heavy_tail(expo)
    assert heavy["alpha"] == pytest.approx(2.5, abs=0.3)
    assert heavy["R_ln_vs_exp"] > 0 and heavy["p_ln_vs_exp"] < 0.1
    assert heavy["max_over_median"] > 10 * thin["max_over_median"]


def test_skew_and_concentration() -> None:
    sizes = np.array([100] + [2] * 99)
    s = facts.skew(sizes, sizes - 1)
    assert s["median_size"] == 2 and s["share_size_le_3"] == 0.99
    assert s["top1pct_share_of_adoptions"] == pytest.approx(99 / (99 + 99))
    assert facts.concentration([90, 50, 40, 30, 20, 19, 18, 17, 16, 10, 1]) == 9.0
    assert np.isnan(facts.concentration([5, 4]))


def test_false_vs_true_and_ci() -> None:
    t = pd.DataFrame(
        {
            "true": [True, True, False, False],
            "size": [2, 4, 6, 6],
            "depth": [1, 1, 2, 2],
            "max_breadth": [1, 3, 2, 2],
            "virality": [1.0, 1.5, 2.0, 2.5],
            "ticks_to_100": [10, 30, 5, np.nan],
        }
    )
    r = facts.false_vs_true(t, tick_hours=2.0)
    assert r["size_ratio"] == 2.0 and r["depth_ratio"] == 2.0
    assert r["hours_to_100_ratio"] == 0.25 and r["hours_to_100_true"] == 40.0
    m, lo, hi = facts.mean_ci(np.array([1.0, 2.0, 3.0, np.nan]))
    assert m == 2.0 and lo < 2.0 < hi


def test_battery_end_to_end(tmp_path) -> None:
    from experiments.stylized_facts import main

    main(
        ["--seeds", "2", "--kb-seeds", "0", "--n", "1500", "--workers", "1", "--out", str(tmp_path)]
    )
    report = (tmp_path / "report.md").read_text()
    assert report.count("| default |") >= 5  # one row per fact
    assert "**" in report and (tmp_path / "size_ccdf.png").exists()
    assert len(pd.read_csv(tmp_path / "facts.csv")) == 2


def _facts_frame(spearman: np.ndarray) -> pd.DataFrame:
    cols = [
        "tail_alpha",
        "tail_xmin",
        "tail_max_over_median",
        "tail_R_ln_vs_exp",
        "tail_p_ln_vs_exp",
        "tail_R_pl_vs_ln",
        "tail_p_pl_vs_ln",
        "median_size",
        "share_size_le_3",
        "top1pct_share_of_adoptions",
        "virality_median_size_3_9",
        "virality_median_size_ge_100",
        "concentration",
        "size_ratio",
        "depth_ratio",
        "max_breadth_ratio",
        "virality_ratio",
        "hours_to_100_ratio",
    ]
    f = pd.DataFrame({c: np.ones(len(spearman)) for c in cols})
    return f.assign(spearman_size_virality=spearman, scenario="s")


def test_fact_table_judges_each_verdict_again_at_the_family_wise_level() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from experiments.stylized_facts_report import FACTS, fact_table

    z = np.array([-1.5, -1.0, -0.5, 0.0, 0.0, 0.5, 1.0, 1.5])
    x = 0.12 + 0.12 * z / z.std(ddof=1)  # mean 0.12, sd 0.12 over 8 seeds
    # 95%: 0.12 - 2.365 x 0.0424 = 0.020 > 0 (reproduced); family-wise 1 - 0.05/5 = 99%:
    # 0.12 - 3.499 x 0.0424 = -0.028 (not reproduced)
    text = "\n".join(fact_table(_facts_frame(x)))
    row = next(line for line in text.splitlines() if line.startswith("| Structural virality"))
    assert "| **reproduced** | **not reproduced** (changes) |" in row
    assert f"Family: the {len(FACTS)} verdicts" in text and "family-wise level 99%" in text
    steady = "\n".join(fact_table(_facts_frame(0.9 + 0.01 * z)))
    assert "(changes)" not in steady.split("Structural virality")[1].splitlines()[0]
