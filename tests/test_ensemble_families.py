"""The ensemble what-ifs' Holm families (sim.analysis.ensemble_families) on effects with
known t statistics: p-values, the Holm step-down, family-wise intervals, the report rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.ensemble_families import families, family_table, outcome_table, statistics_lines
from sim.analysis.multiplicity import adjust_p


def _eff() -> pd.DataFrame:
    rows = []
    for arm, mean, se in (("a", 1.0, 0.2), ("b", 0.5, 0.2), ("c", 0.0, 0.0), ("d", 0.3, 0.0)):
        rows.append(
            {"arm": arm, "outcome": "support", "mean": mean, "se": se, "df": 4.0, "n_eff": 5.0}
        )
        rows[-1] |= {"lo": mean - 1, "hi": mean + 1, "range_lo": 0.0, "range_hi": 0.0}
        rows[-1] |= {"share_positive": 1.0, "sign_flips": False}
    return pd.DataFrame(rows)


def test_family_p_values_and_holm() -> None:
    t = family_table(_eff(), "support")
    p_a, p_b = (2 * stats.t.sf(x / 0.2, 4) for x in (1.0, 0.5))
    # a constant effect: p 1 at zero, 0 elsewhere (no spread to test against)
    assert list(t["diff_p"]) == pytest.approx([p_a, p_b, 1.0, 0.0])
    fam = families(_eff(), {"support": "support"}).items[0]
    assert fam.size == 4 and fam.name == "support: each arm vs baseline"
    assert list(fam.table["p_adj"]) == pytest.approx(list(adjust_p([p_a, p_b, 1.0, 0.0])))
    half = stats.t.ppf(1 - 0.05 / 8, 4) * 0.2  # Bonferroni level 1 - 0.05/4, two-sided
    assert fam.table["adj_hi"].iloc[0] == pytest.approx(1.0 + half)
    # a: p 0.0085 x 3 = 0.026 < 0.05 differs; b: p 0.067 does not
    assert list(fam.table["significant_adj"]) == [True, False, False, True]


def test_report_rows_star_only_adjusted_differences() -> None:
    eff = _eff()
    fams = families(eff, {"support": "support"})
    adj = fams.items[0].table.set_index("arm")
    text = "\n".join(outcome_table(eff, "support", adj, []))
    assert "| a | +1 * |" in text and "| b | +0.5 |" in text  # only Holm decides the star
    assert "p (Holm)" in text and "family-wise CI" in text
    stat = "\n".join(statistics_lines(fams))
    assert "members needed" in stat and "`support` 0.0025" in stat
    assert np.isfinite(fams.items[0].table["adj_lo"]).all()
