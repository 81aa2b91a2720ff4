"""The generic findings section names what differs after each family's adjustment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.headline import family_line, findings_section, label_columns, with_findings
from sim.analysis.multiplicity import Families


def _table(means: list[float], se: float = 0.01) -> pd.DataFrame:
    from scipy import stats

    m = np.array(means)
    df = 19.0
    p = 2 * stats.t.sf(np.abs(m / se), df)
    return pd.DataFrame(
        {
            "strategy@home": [f"a{i}" for i in range(len(m))],
            "tactic": "bots",
            "metric": "support",
            "diff_mean": m,
            "diff_se": se,
            "diff_df": df,
            "diff_p": p,
            "diff_n": 20,
            "significant": p < 0.05,
        }
    )


def test_names_only_what_survives_the_adjustment_largest_first() -> None:
    fams = Families()
    # 0.05 and -0.08 are 5 and 8 SEs: they survive Holm over 3; 0.018 (p ~ 0.09) does not
    fams.add("support: each defence vs none", "support", _table([0.05, 0.018, -0.08]))
    line = family_line(fams.items[0])
    assert line.startswith("- support: each defence vs none: 2 of 3 differ (Holm, 3 comparisons")
    assert line.index("`a2`") < line.index("`a0`") and "`a1`" not in line
    assert "tactic bots" in line and "-0.0800 [" in line


def test_a_family_with_nothing_detectable_says_so() -> None:
    fams = Families()
    fams.add("auc", "auc", _table([0.001, -0.002]))
    assert (
        family_line(fams.items[0])
        == "- auc: none differs from 0 after adjustment (Holm, 2 comparisons)."
    )


def test_label_columns_skip_the_statistics() -> None:
    assert label_columns(_table([0.1])) == ["strategy@home", "tactic"]


def test_own_findings_are_kept_and_others_get_the_generic_ones() -> None:
    fams = Families()
    fams.add("auc", "auc", _table([0.001]))
    own = ["## Findings", "", "- mine.", ""]
    assert with_findings(["# t"], own, fams) == ["# t", *own]
    out = with_findings(["# t"], ["## Body"], fams)
    assert out[:3] == ["# t", "## Findings", ""] and out[-1] == "## Body"
    assert findings_section(Families()) == []
