"""The thesis's measured tables (docs/sources.md) and the simulated tables beside them.

Table 3 (most retweeted accounts) and Table 4 (most used hashtags) of the thesis are the
2020 scenario's calibration targets: retweet concentration (the top account's reshares
over the tenth's, 396,926 / 44,889 = 8.8) and the home:rival hashtag volume ratio
(3.37 M : 1.32 M = 2.55; 1.84 when the neutral-looking "armenia" tag counts as rival).
The same two statistics are computed from a run's summary, so the calibration, the
what-ifs and the printed report all use one definition.
"""

from __future__ import annotations

import json
import math
from typing import Any

# (account, side, retweets) -- thesis Table 3
TABLE3 = [
    ("Azpresident", "home", 396926),
    ("Tcsavunma", "home ally", 95251),
    ("Ceyhunasirov", "home", 86669),
    ("operativ_mm", "home", 84449),
    ("Presidentaz", "home", 78826),
    ("Hikmethajiyev", "home", 69298),
    ("artak_beglaryan", "rival", 62805),
    ("Nikolpashinyan", "rival", 61472),
    ("Shstepanyan", "rival", 50366),
    ("anca_dc", "rival diaspora", 44889),
]
# (hashtag, side, uses) -- thesis Table 4; "neutral" tags are counted as docs/sources.md does
TABLE4 = [
    ("karabakhisazerbaijan", "home", 801116),
    ("azerbaijan", "home", 700774),
    ("artsakh", "rival", 580209),
    ("stoparmenianaggression", "home", 561978),
    ("stoparmenianterrorism", "home", 553812),
    ("armenia", "neutral", 514639),
    ("recognizeartsakh", "rival", 470404),
    ("prayforganja", "home", 461672),
    ("azerbaycan", "home", 295564),
    ("stopazerbaijaniaggression", "rival", 271694),
]
NEUTRAL = "armenia"


def concentration(reshares: list[float]) -> float:
    """Reshares of the most reshared account over those of the tenth."""
    r = sorted((float(x) for x in reshares), reverse=True)
    return r[0] / r[9] if len(r) >= 10 and r[9] > 0 else math.nan


def hashtag_ratio(volume: dict[str, float], sides: dict[str, str], neutral_to_rival: bool) -> float:
    """Home over rival volume of the Table 4 tags; the neutral tag counts for the rival
    only when ``neutral_to_rival``."""
    home = rival = 0.0
    for tag, side in sides.items():
        v = volume.get(tag, 0.0)
        if side == "home":
            home += v
        elif side == "rival" or (side == "neutral" and neutral_to_rival):
            rival += v
    return home / rival if rival > 0 else math.nan


HEAD_OF_STATE = "Azpresident"  # the thesis's most retweeted account


def head_share(top: list[dict]) -> float:
    """Reshares of the head of state's account over the most reshared account's (1 = on top)."""
    best = max((float(r["reshares"]) for r in top), default=0.0)
    own = sum(float(r["reshares"]) for r in top if r["account"] == HEAD_OF_STATE)
    return own / best if best > 0 else math.nan


THESIS_TARGETS = {
    "concentration": concentration([r for _, _, r in TABLE3]),
    "head_share": 1.0,
    "hashtag_ratio": hashtag_ratio(
        {t: v for t, _, v in TABLE4}, {t: s for t, s, _ in TABLE4}, False
    ),
    "hashtag_ratio_neutral_rival": hashtag_ratio(
        {t: v for t, _, v in TABLE4}, {t: s for t, s, _ in TABLE4}, True
    ),
}


def _as_list(x: Any) -> list:
    return json.loads(x) if isinstance(x, str) else list(x or [])


def tag_volume(hashtags: Any) -> dict[str, float]:
    """Summary ``hashtags`` rows -> volume per tag (labels without '#', summed)."""
    out: dict[str, float] = {}
    for row in _as_list(hashtags):
        tag = str(row["hashtag"]).lstrip("#").lower()
        out[tag] = out.get(tag, 0.0) + float(row["posts"])
    return out


def targets(summary: dict[str, Any]) -> dict[str, float]:
    """The calibration statistics of one run, from its summary."""
    vol = tag_volume(summary.get("hashtags"))
    sides = {t: s for t, s, _ in TABLE4}
    top = _as_list(summary.get("top_accounts"))
    return {
        "concentration": round(concentration([r["reshares"] for r in top]), 4),
        "head_share": round(head_share(top), 4),
        "hashtag_ratio": round(hashtag_ratio(vol, sides, False), 4),
        "hashtag_ratio_neutral_rival": round(hashtag_ratio(vol, sides, True), 4),
    }


def _rows_side_by_side(left: list[list[str]], right: list[list[str]], n: int) -> list[list[str]]:
    pad_l, pad_r = [""] * (len(left[0]) if left else 3), [""] * (len(right[0]) if right else 3)
    return [
        [
            str(i + 1),
            *(left[i] if i < len(left) else pad_l),
            *(right[i] if i < len(right) else pad_r),
        ]
        for i in range(n)
    ]


def _layer_top(summary: dict[str, Any]) -> list[dict]:
    """The named accounts most reshared on the measured platform, as top_accounts rows."""
    rows = sorted(summary["layer"]["accounts"], key=lambda r: (-r["reshares"], r["account"]))
    return [r for r in rows[:10] if r["reshares"] > 0]


def accounts_rows(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    thesis = [[a, s, f"{r:,}"] for a, s, r in TABLE3]
    layer = summary.get("layer")
    top = _layer_top(summary) if layer else _as_list(summary.get("top_accounts"))
    total = sum(float(r["reshares"]) for r in top) or 1.0
    sim = [
        [
            r["account"],
            r["side"] or r["kind"],
            f"{r['reshares']:,} ({100 * r['reshares'] / total:.0f}%)",
        ]
        for r in top
    ]
    header = [
        "#",
        "thesis account",
        "side",
        "retweets",
        "simulated account",
        "side",
        "reshares (share of top 10)",
    ]
    return header, _rows_side_by_side(thesis, sim, 10)


def hashtags_rows(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    thesis = [[f"#{t}", s, f"{v:,}"] for t, s, v in TABLE4]
    layer = summary.get("layer")
    rows = layer["hashtags"] if layer else _as_list(summary.get("hashtags"))
    if layer:  # on the measured platform, in people's posts (sim.analysis.thesis_targets)
        from sim.analysis.thesis_targets import tag_volume as people_volume

        vol = people_volume(rows, float(layer["scale"]))
    else:
        vol = tag_volume(rows)
    side_of = {str(r["hashtag"]).lstrip("#").lower(): r["side"] for r in rows}
    order = sorted(vol, key=lambda t: (-vol[t], t))
    sim = [[f"#{t}", side_of.get(t, ""), f"{int(vol[t]):,}"] for t in order[:10]]
    header = ["#", "thesis hashtag", "side", "uses", "simulated hashtag", "side", "posts"]
    return header, _rows_side_by_side(thesis, sim, 10)


def targets_rows(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    sim = summary.get("calibration_targets") or targets(summary)
    if summary.get("layer"):
        from sim.analysis.thesis_targets import TARGETS

        rows = [
            [t.name, t.role, f"{t.thesis:.3g}", f"{sim.get(t.name, math.nan):.3g}"] for t in TARGETS
        ]
        return ["statistic (Twitter only)", "role", "thesis", "simulated"], rows
    names = {
        "concentration": "retweet concentration (top 1 / top 10)",
        "head_share": "head of state (Azpresident) / top account",
        "hashtag_ratio": "home : rival hashtag volume",
        "hashtag_ratio_neutral_rival": "home : rival, 'armenia' counted rival",
    }
    rows = [[names[k], f"{THESIS_TARGETS[k]:.2f}", f"{sim.get(k, math.nan):.2f}"] for k in names]
    return ["statistic", "thesis", "simulated"], rows
