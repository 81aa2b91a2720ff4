"""The mechanism report's statistics section (issue 16 "Done when"): families declared,
Holm-adjusted, with a stated target, on synthetic runs with a known answer."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.mechanisms_stats import family_table, statistics_section


def _runs() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for seed in range(8):
        base = rng.normal(1.0, 0.2)
        for arm, eff in (("none", 0.0), ("rapid_response_6h", -0.1), ("prebunking", 0.0)):
            rows.append(
                {
                    "seed": seed,
                    "arm": arm,
                    "fake_believer_days": base + eff,
                    "home_support": 0.4 + rng.normal(0, 0.01),
                    "home_trust": 0.5,
                }
            )
    return pd.DataFrame(rows)


def test_family_table_pairs_by_seed_and_skips_absent_arms() -> None:
    t = family_table(_runs(), "fake_believer_days", [("rapid_response_6h", "none"), ("x", "none")])
    assert list(t["comparison"]) == ["rapid_response_6h vs none"]
    assert np.isclose(t.loc[0, "diff_mean"], -0.1) and np.isclose(t.loc[0, "diff_hi"], -0.1)


def test_section_states_families_adjustment_and_target() -> None:
    text = "\n".join(statistics_section(_runs()))
    assert "Holm-adjusted" in text and "8 paired seeds" in text
    assert "| rapid_response_6h vs none | -0.1 [-0.1, -0.1]" in text
    assert "`fake_believer_days` 0.005" in text  # the target is stated
    assert "| prebunking vs none | +0 [+0, +0]" in text


def test_section_power_table_covers_its_contrast_families() -> None:
    text = "\n".join(statistics_section(_runs()))
    assert "(no contrast families)" not in text
    power = text[text.index("### Power table") :]
    assert "| fake_believer_days: each channel strategy vs none |" in power
