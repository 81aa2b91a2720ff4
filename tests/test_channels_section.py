"""The study reports' effects-by-channel section on synthetic runs with known effects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.channels import channel_section
from sim.analysis.multiplicity import Families


def _runs() -> pd.DataFrame:
    """Arm 'a' adds exactly 100 reads and nothing else; arm 'b' lowers trust in the rival's
    sources by 0.01 with seed noise; 'none' is the baseline (10 paired seeds)."""
    rng = np.random.default_rng(3)
    rows = []
    for seed in range(10):
        base = {
            "channels.home.reach": 1000.0 + 50 * seed,
            "channels.home.attitude": 0.1 + 0.01 * seed,
            "channels.rival.trust_change": -0.02 + 0.001 * rng.standard_normal(),
        }
        rows.append({"seed": seed, "arm": "none", **base})
        rows.append(
            {
                "seed": seed,
                "arm": "a",
                **base,
                "channels.home.reach": base["channels.home.reach"] + 100,
            }
        )
        b = base["channels.rival.trust_change"] - 0.01 + 0.001 * rng.standard_normal()
        rows.append({"seed": seed, "arm": "b", **base, "channels.rival.trust_change": b})
    return pd.DataFrame(rows)


def test_channel_section_reports_known_effects_with_holm_families():
    fams = Families()
    lines = channel_section(fams, _runs(), "arm", "none")
    table = {ln.split(" | ")[0].strip("| "): ln for ln in lines if ln.startswith(("| a ", "| b "))}
    # a: +100 reads exactly (a zero-width interval that excludes 0), attitude unchanged
    assert "| +100 [+100, +100] * |" in table["a"]
    assert "+0.0000 [+0.0000, +0.0000] |" in table["a"]
    # b: trust in the rival's sources falls by about 0.01, resolved after Holm
    cell = table["b"].rstrip(" |").split(" | ")[-1]
    assert cell.startswith("-0.01") and cell.endswith("*")
    # one Holm family per channel present in the table, two arms in each
    assert [f.metric for f in fams.items] == [
        "channels.home.reach",
        "channels.home.attitude",
        "channels.rival.trust_change",
    ]
    assert all(len(f.table) == 2 and f.method == "holm" for f in fams.items)


def test_no_section_for_runs_without_channels():
    df = _runs().drop(columns=[c for c in _runs() if c.startswith("channels.")])
    assert channel_section(Families(), df, "arm", "none") == []
