"""Effects by channel in the study reports: why an arm moves the outcomes.

Every run's summary splits each side's position by the channel a strategy acts through
(``sim.summary.channels``): reach (reads of the side's posts), belief (believer-days per
user of its true claims, and of its false ones), attitude (mean opinion toward it) and
trust (change of users' mean trust in its sources over the run). A study report sets each
arm's paired difference from the baseline in each channel side by side, so a reader sees
whether a strategy works by reaching more people, by changing what they believe, by
moving attitudes or by protecting or eroding trust. Each channel is one Holm family over
the arms (listed in the report's Statistics section with the outcomes' families).
"""

from __future__ import annotations

import pandas as pd

from sim.analysis.multiplicity import Families
from sim.analysis.reports import adjusted_ci, md_table
from sim.analysis.sections import contrasts

# column of the study table -> (label, decimals)
CHANNELS = {
    "channels.home.reach": ("reach: reads of home's posts", 0),
    "channels.home.belief_true_days": ("belief: home's true claims (believer-days/user)", 4),
    "channels.rival.belief_false_days": ("belief: rival's false claims (believer-days/user)", 4),
    "channels.home.attitude": ("attitude toward home (mean opinion)", 4),
    "channels.home.trust_change": ("trust in home's sources (change)", 4),
    "channels.rival.trust_change": ("trust in rival's sources (change)", 4),
}


def channel_section(
    fams: Families,
    df: pd.DataFrame,
    arm_col: str,
    baseline,
    what: str | None = None,
    level: int = 2,
    subset: str = "",
) -> list[str]:
    """Each arm vs ``baseline`` in every channel the table has: the paired mean difference
    with its family-wise (Holm) interval, ``*`` where that interval excludes 0; ``subset``
    names the part of the study in the heading. Empty for sweeps run before summary.json
    had channels."""
    cols = {c: v for c, v in CHANNELS.items() if c in df and df[c].notna().any()}
    if not cols:
        return []
    df = df.assign(**{c: pd.to_numeric(df[c], errors="coerce") for c in cols})
    tables = contrasts(fams, df, arm_col, baseline, {c: v[0] for c, v in cols.items()}, what=what)
    arms = list(dict.fromkeys(a for t in tables.values() for a in t[arm_col]))
    rows = []
    for arm in arms:
        row = {arm_col: arm}
        for c, (label, nd) in cols.items():
            t = tables[c]
            hit = t[t[arm_col] == arm]
            row[label] = _cell(hit.iloc[0], nd) if len(hit) else "n/a"
        rows.append(row)
    return [
        f"{'#' * level} Effects by channel" + (f": {subset}" if subset else ""),
        "",
        f"Why each arm moves the outcomes: its paired difference from `{baseline}` in each "
        "channel (run summary `channels`, docs/model.md), with the family-wise 95% interval "
        "of a Holm family per channel over the arms; * marks an interval that excludes 0. "
        "Belief is in believer-days per user over the run; trust is the change of users' "
        "mean trust in a side's sources from the start to the end of the run.",
        "",
        *md_table(pd.DataFrame(rows)),
        "",
    ]


def _cell(r: pd.Series, nd: int) -> str:
    ci = adjusted_ci(r) if "adj_lo" in r else None
    if ci is None:
        return f"{r['diff_mean']:+.{nd}f}"
    star = " *" if r["significant_adj"] else ""
    return f"{ci.mean:+.{nd}f} [{ci.lo:+.{nd}f}, {ci.hi:+.{nd}f}]{star}"
