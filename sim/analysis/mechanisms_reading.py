"""The prebunking figure and the closing "reading" section of the mechanism study's
report (``sim.analysis.mechanisms``): what the numbers say about each mechanism, and why
an effect can be absent. Claims that depend on the numbers are chosen from them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.mechanisms import _diff, _diff_day, _say, _trend
from sim.analysis.mechanisms_lying import caught_words
from sim.analysis.mechanisms_seen import seen_words
from sim.analysis.stats import CI


def figure(days, curves: dict[str, list[CI]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.5))
    from sim.colours import ARMS

    for (arm, cis), color in zip(curves.items(), ARMS):
        m = np.array([c.mean for c in cis]) * 100
        lo, hi = np.array([c.lo for c in cis]) * 100, np.array([c.hi for c in cis]) * 100
        ax.plot(days, m, color=color, label=arm.replace("_", " "))
        ax.fill_between(days, lo, hi, color=color, alpha=0.2)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("day")
    ax.set_ylabel("believers of the rival fake\nvs none (pp)")
    ax.legend(frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _flood_words(runs: pd.DataFrame) -> str:
    """Whether speed matters for a story flooded by the rival's bots (section 1)."""
    if "rapid_response_1h_flood" not in set(runs.arm):
        return "A story that spreads within hours would be the test of speed."
    whole = _trend(runs, "fake_believer_days", "_flood")
    early = _trend(runs, "fake_believer_days_early", "_flood")
    if whole.excludes_zero() or early.excludes_zero():
        ci = early if early.excludes_zero() else whole
        return (
            "Against a story flooded by the rival's bots the delay does matter: "
            f"{ci.fmt(4)} believer-days per user per doubling of the delay"
            f" ({'days 2-5' if ci is early else 'whole run'})."
        )
    return (
        "Even against a story flooded by the rival's bots the delay makes no detectable "
        f"difference ({whole.fmt(4)} per doubling over the run, {early.fmt(4)} over days "
        "2-5). That corrections rarely convince the readers a fake wins over would account "
        "for this too; the study does not test that explanation separately."
    )


def reading_section(runs: pd.DataFrame, daily: pd.DataFrame) -> list[str]:
    """What the numbers say about the mechanisms, and why an effect can be absent."""
    curve = daily[daily.arm == "none"].groupby("day").believers.mean() * 100
    at = {d: curve.get(d, np.nan) for d in (5, 10, 14)}
    slope = _trend(runs, "fake_believer_days", "_unlimited")
    rr = _diff(runs, "fake_believer_days", "rapid_response_6h_unlimited", "none")
    trust = _diff(runs, "rival_trust", "rapid_response_6h", "none")
    claim = _diff(runs, "claim_believer_days", "rapid_response_6h", "none")
    gaffes = 2 * runs[runs.arm == "training"].get("report_gaffes_avoided", pd.Series([0])).mean()
    pre = [
        _diff_day(daily, "prebunking", "none", d).excludes_zero()
        for d in sorted(daily.day.unique())
    ]
    return [
        "## 6. Reading the results",
        "",
        f"- **Speed.** Without a response the rival fake is believed by {at[5]:.1f} % of users "
        f"on day 5, {at[10]:.1f} % on day 10 and {at[14]:.1f} % on day 14: pushed by the "
        "rival's bots and officials all along, it grows over about ten days and then holds "
        "as new adopters replace those who forget or are corrected. Rapid response lowers "
        f"its believer-days (6 h, unlimited budget: {rr.fmt(4)}), but "
        + (
            "the delay within 1 to 72 hours makes no detectable difference "
            f"({slope.fmt(4)} per doubling). "
            if not slope.excludes_zero()
            else f"the delay matters ({slope.fmt(4)} per doubling). "
        )
        + "Three days are short against a ten-day rise, the response runs to the end in every "
        "arm, and a correction rarely convinces the readers the fake wins over (those "
        "leaning to the rival: bounded confidence, as W20 reports for corrections against "
        "prior attitudes), so what a response does is set mostly by how long and how much "
        "it corrects, not when it starts. With the default budget the response runs out "
        "(hours not done in section 1), and an early start spends the budget early. "
        + _flood_words(runs),
        *seen_words(runs),
        "- **Credibility.** "
        + _say(trust, "Accepted corrections (6 h response) change trust in the rival's sources")
        + "; "
        + _say(claim, "belief in the rival's own true claim changes")
        + ". Few users accept a correction, each loses a fifth of its trust, and trust "
        "drifts back with a 30-day half-life.",
        *caught_words(runs),
        f"- **Gaffes.** At the default per-kind rates home's officials make about {gaffes:.0f} "
        "gaffes a run (twice the number training avoids); section 3 shows what they cost at "
        "those rates and at ten times them, and what training recovers. The rates have no "
        "source (docs/parameters.md), so the size of this cost is open.",
        "- **Prebunking.** Its warnings inoculate a small share of users before the fake "
        "arrives, and an inoculated reader is only 30 % less likely to believe (R22: modest "
        "effects), so the expected effect is small against the seed noise of a daily count; "
        + (
            "no effect on believers is detectable on any day. "
            if not any(pre)
            else f"an effect is detectable on {sum(pre)} of {len(pre)} days. "
        )
        + "Waning itself shows in the inoculated share (section 4).",
        "- **Persuasion.** Attitude moves by thousandths in every arm: adopting a claim "
        "pulls opinion only 2 % of the way (KB18, E23, B20), so strategies act on what "
        "people believe and whom they trust far more than on whom they support.",
        "",
    ]
