"""Every figure of the source documents that a karabakh2020 run can produce, on Twitter alone.

The thesis counted Twitter: retweets of the most retweeted accounts (Table 3) and uses of
the most used hashtags (Table 4). A run measures the same on its ``output.measure_platform``
layer (``summary["layer"]``, sim.summary.layer): reshares of an account's posts by users on
that platform, and per hashtag the posts carrying it there.

Units. An account is one account at every scale, but a simulated user stands for
``1 / world.scale`` people, so a hashtag's volume in people's posts is
``actor posts + user reshares / scale``; without that weighting the actors' fixed posting
(the rival's bots post 600 a day) weighs more the smaller the crowd, and the home : rival
ratio moved with the scale. Ratios between accounts' retweets need no weighting (all are
user reshares). Ranks are over the named accounts only: a simulated user's reshare count
sums ``1 / scale`` people's and is not one account's.

``TARGETS`` lists each statistic with its thesis value, where the figure is, and its role,
fixed before any fitting: ``fitted`` (the calibration's distance uses it), ``held out``
(predicted and compared afterwards), or ``input`` (the scenario sets it from that figure,
so a run reproduces it by construction: a check of the plumbing, not of the model).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.analysis.thesis import HEAD_OF_STATE, NEUTRAL, TABLE3, TABLE4

T3 = "thesis Table 3"  # most retweeted Twitter accounts during the 44-day war
T4 = "thesis Table 4"  # ten most used hashtags
SEC = "thesis, 44-day war section"  # the head of state's ~140 tweets
EMB = "thesis, embassy accounts section"  # 80-110 and 80-90 posts a month
TOP_TAG = TABLE4[0][0]


@dataclass(frozen=True)
class Target:
    name: str
    thesis: float
    source: str
    role: str  # fitted | held out | input
    what: str


def _t3(name: str) -> float:
    return float({a: r for a, _, r in TABLE3}[name])


def _table_targets() -> list[Target]:
    head = _t3(HEAD_OF_STATE)
    rt3 = sorted((r for *_, r in TABLE3), reverse=True)
    rival = sum(r for _, s, r in TABLE3 if s.startswith("rival"))
    vol = {t: float(v) for t, _, v in TABLE4}
    side = {t: s for t, s, _ in TABLE4}
    out = [
        Target(
            "head_margin",
            head / rt3[1],
            T3,
            "fitted",
            "head of state's retweets over the best other named account's",
        ),
        Target(
            "concentration",
            rt3[0] / rt3[9],
            T3,
            "fitted",
            "retweets of the first named account over the tenth's",
        ),
        Target(
            "rival_share",
            rival / sum(rt3),
            T3,
            "fitted",
            "rival accounts' share of the ten Table 3 accounts' retweets",
        ),
        Target(
            "hashtag_ratio",
            ratio(vol, side, False),
            T4,
            "fitted",
            "home over rival volume of the Table 4 tags, #armenia left out",
        ),
        Target(
            "hashtag_ratio_neutral_rival",
            ratio(vol, side, True),
            T4,
            "held out",
            "the same with #armenia counted for the rival (its side is ambiguous)",
        ),
        Target(
            "head_rank",
            1.0,
            T3,
            "held out",
            "rank of the head of state's account among the named accounts",
        ),
        Target(
            "top10_overlap",
            10.0,
            T3,
            "held out",
            "Table 3 accounts among the simulated ten most retweeted",
        ),
    ]
    out += [
        Target(f"rt_{a}", r / head, T3, "held out", f"{a}'s retweets over the head of state's")
        for a, _, r in TABLE3[1:]
    ]
    out += [
        Target(f"tag_{t}", v / vol[TOP_TAG], T4, "held out", f"#{t} volume over #{TOP_TAG}'s")
        for t, v in vol.items()
        if t != TOP_TAG
    ]
    out += [
        Target(
            "head_tweets",
            140.0,
            SEC,
            "input",
            "posts of the two head-of-state accounts in the run (1.6 a day each)",
        ),
        Target(
            "embassy_us_per_month",
            95.0,
            EMB,
            "input",
            "azembassyus posts per 30 days (80-110 a month; midpoint)",
        ),
        Target(
            "consulate_la_per_month",
            85.0,
            EMB,
            "input",
            "azconsulatela posts per 30 days (80-90 a month; midpoint)",
        ),
    ]
    return out


def ratio(vol: dict[str, float], side: dict[str, str], neutral_to_rival: bool) -> float:
    """Home over rival volume; the neutral tag counts for the rival only when asked."""
    home = sum(v for t, v in vol.items() if side.get(t) == "home")
    rival = sum(
        v for t, v in vol.items() if side.get(t) == "rival" or (neutral_to_rival and t == NEUTRAL)
    )
    return home / rival if rival > 0 else math.nan


def _div(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def account_stats(accounts: list[dict[str, Any]], days: float) -> dict[str, float]:
    """Table 3 statistics and the posting checks from the layer's per-account counts."""
    rs = {r["account"]: float(r["reshares"]) for r in accounts}
    posts = {r["account"]: float(r["posts"]) for r in accounts}
    head = rs.get(HEAD_OF_STATE, 0.0)
    ranked = sorted(rs, key=lambda a: (-rs[a], a))
    others = [rs[a] for a in ranked if a != HEAD_OF_STATE]
    names = [a for a, _, _ in TABLE3]
    rival = sum(rs.get(a, 0.0) for a, s, _ in TABLE3 if s.startswith("rival"))
    top = [rs[a] for a in ranked[:10]]
    out = {
        "head_margin": _div(head, others[0] if others else 0.0),
        "concentration": _div(top[0], top[9]) if len(top) == 10 else math.nan,
        "rival_share": _div(rival, sum(rs.get(a, 0.0) for a in names)),
        "head_rank": float(ranked.index(HEAD_OF_STATE) + 1) if HEAD_OF_STATE in rs else math.nan,
        "top10_overlap": float(len(set(ranked[:10]) & set(names))),
    }
    out |= {f"rt_{a}": _div(rs.get(a, 0.0), head) for a in names[1:]}
    out["head_tweets"] = posts.get(HEAD_OF_STATE, 0.0) + posts.get("Presidentaz", 0.0)
    month = 30.0 / days if days > 0 else math.nan
    out["embassy_us_per_month"] = posts.get("azembassyus", 0.0) * month
    out["consulate_la_per_month"] = posts.get("azconsulatela", 0.0) * month
    return out


def tag_volume(hashtags: list[dict[str, Any]], scale: float) -> dict[str, float]:
    """Posts per Table 4 tag in people's posts: actors' posts + user reshares / scale."""
    per_user = 1.0 / scale if scale > 0 else 1.0
    return {
        str(r["hashtag"]).lstrip("#").lower(): r["actor_posts"] + r["user_posts"] * per_user
        for r in hashtags
    }


def hashtag_stats(hashtags: list[dict[str, Any]], scale: float) -> dict[str, float]:
    vol = tag_volume(hashtags, scale)
    side = {t: s for t, s, _ in TABLE4}
    top = vol.get(TOP_TAG, 0.0)
    out = {
        "hashtag_ratio": ratio(vol, side, False),
        "hashtag_ratio_neutral_rival": ratio(vol, side, True),
    }
    out |= {f"tag_{t}": _div(vol.get(t, 0.0), top) for t, _, _ in TABLE4 if t != TOP_TAG}
    return out


def layer_stats(summary: dict[str, Any]) -> dict[str, float]:
    """Every statistic of ``TARGETS`` from one run's summary (NaN where undefined)."""
    layer = summary.get("layer")
    if not layer:
        return {t.name: math.nan for t in TARGETS}
    out = account_stats(layer["accounts"], float(summary.get("days") or 0.0))
    out |= hashtag_stats(layer["hashtags"], float(layer["scale"]))
    return {t.name: round(out[t.name], 6) for t in TARGETS}


TARGETS = _table_targets()
BY_NAME = {t.name: t for t in TARGETS}
FITTED = [t.name for t in TARGETS if t.role == "fitted"]
HELD_OUT = [t.name for t in TARGETS if t.role == "held out"]
