"""The mechanism report's "lying caught" section (``sim.analysis.mechanisms``): does
filtering one's own fakes (``coordination``) pay once the rival can expose them?

In the default world nobody debunks home's false story, so lying costs home nothing and
coordination can only cost reach. The study's ``home_fake_debunked`` arms give the rival a
debunk of it and a 6-hour rapid response; coordination's benefit is then the paired
difference with and without the desk, against the same difference where lying is free.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.mechanisms import _diff, _say, _table

ARMS = ("coordination", "home_fake_debunked", "home_fake_debunked_coordination")
OUTCOMES = {
    "home_belief_false_days": ("belief: home fake believer-days per user", 4),
    "home_trust": ("trust: mean trust in home sources", 4),
    "home_support": ("attitude: share supporting home", 4),
    "home_attitude": ("attitude: mean opinion toward home", 4),
    "home_reach": ("reach: home posts read", 0),
}
PAIRS = (
    ("coordination", "none"),
    ("home_fake_debunked", "none"),
    ("home_fake_debunked_coordination", "home_fake_debunked"),
)


def caught_section(runs: pd.DataFrame) -> list[str]:
    """Section 2b; empty where the runs lack its arms."""
    if not set(ARMS) <= set(runs.arm):
        return []
    rows = [
        [label, *[_diff(runs, col, a, b).fmt(nd) for a, b in PAIRS]]
        for col, (label, nd) in OUTCOMES.items()
    ]
    base = runs[runs.arm == "none"].home_belief_false_days.mean()
    caught = runs[runs.arm == "home_fake_debunked"]
    detected = float(np.nanmean(caught.home_fake_detected))
    stopped = runs[runs.arm == "home_fake_debunked_coordination"].report_posts_stopped.mean()
    free = _diff(runs, "home_trust", "coordination", "none")
    cost = _diff(runs, "home_trust", "home_fake_debunked", "none")
    gain = _diff(runs, "home_trust", "home_fake_debunked_coordination", "home_fake_debunked")
    support = _diff(runs, "home_support", "home_fake_debunked_coordination", "home_fake_debunked")
    return [
        "## 2b. When home's own fake is caught: coordination",
        "",
        "Home's false story (`home_fake`) has no debunk in the default world, so lying is "
        "free and `coordination` (a desk that stops a share of home's official posts of it) "
        "can only cost reach. Here the rival gets a debunk of it and rapid response at 6 h "
        "(`conf/mechanism/home_fake_debunked.yaml`); readers who accept that correction "
        "lose trust in home's sources (`spread.trust_loss`). Paired differences:",
        "",
        *_table(
            [
                "outcome",
                "coordination vs none (lying free)",
                "lying caught vs none",
                "coordination when caught",
            ],
            rows,
        ),
        f"Without the desk home's fake costs {base:.4f} believer-days per user. The rival's "
        f"monitoring caught it in {100 * detected:.0f} % of seeds (`detect_prob` 0.9); the "
        f"desk stopped {stopped:.0f} official posts a run. Where lying is free, "
        + _say(free, "coordination changes trust in home's sources", 5)
        + ". Being caught "
        + _say(cost, "changes trust in home's sources", 5)
        + "; with the rival able to debunk, "
        + _say(gain, "coordination changes trust in home's sources", 5)
        + ", and "
        + _say(support, "the share supporting home changes", 5)
        + ". The fake is one of home's own narratives and carries its persuasion pull, so "
        "fewer believers of it also means less attitude gained for home: the desk trades "
        "support for trust, and the table shows which way the balance falls.",
        "",
    ]


def caught_words(runs: pd.DataFrame) -> list[str]:
    """The "reading" bullet on coordination when lying is caught; empty without its arms."""
    if not set(ARMS) <= set(runs.arm):
        return []
    free = _diff(runs, "home_trust", "coordination", "none")
    cost = _diff(runs, "home_trust", "home_fake_debunked", "none")
    gain = _diff(runs, "home_trust", "home_fake_debunked_coordination", "home_fake_debunked")
    support = _diff(runs, "home_support", "home_fake_debunked_coordination", "home_fake_debunked")
    share = gain.mean / -cost.mean if cost.mean < 0 else np.nan
    return [
        "- **Lying caught.** Filtering one's own fakes pays in trust mainly where the rival can "
        "expose them: "
        + _say(free, "with lying free coordination moves trust in home's sources", 5)
        + "; once the rival debunks home's fake, being caught "
        + _say(cost, "moves that trust", 5)
        + " and coordination "
        + _say(gain, "moves it", 5)
        + (f" (about {100 * share:.0f} % of the cost of being caught)" if share == share else "")
        + ". Support does not follow: "
        + _say(support, "with the rival debunking, coordination moves the share supporting home", 5)
        + ", because the filtered fake also carried home's persuasion pull. "
        + (
            "The trust benefit is small at the default `spread.trust_loss` (0.2, no source): "
            "a reader loses trust only on accepting a correction, and few do."
            if gain.excludes_zero()
            else "At the default `spread.trust_loss` (0.2, no source) the trust benefit is "
            "too small to detect with these seeds."
        ),
    ]
