"""Report of the mechanism study (``experiments/mechanisms.py``, issue 15).

Every comparison is paired by seed (the arms share every random stream they do not
change) and shown as the mean per-seed difference with its 95 % Student-t interval
(``sim.analysis.stats``). Sentences are chosen from the numbers: an interval that holds
zero is reported as no detectable effect, never as an effect.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.stats import CI, mean_ci, paired_diff

DELAYS = (1, 6, 24, 72)
CHANNEL_ARMS = ("rapid_response_6h", "prebunking", "training", "targeting")
CHANNELS = {
    "home_reach": ("reach: home posts read", 0),
    "fake_reach": ("reach: share ever exposed to the rival fake", 4),
    "fake_believer_days": ("belief: rival fake believer-days per user", 4),
    "home_belief_true_days": ("belief: home true-claim believer-days per user", 4),
    "home_attitude": ("attitude: mean opinion toward home", 4),
    "home_support": ("attitude: share supporting home", 4),
    "home_trust": ("trust: mean trust in home sources", 4),
    "rival_trust": ("trust: mean trust in rival sources", 4),
}


def _piv(runs: pd.DataFrame, col: str) -> pd.DataFrame:
    return runs.pivot_table(index="seed", columns="arm", values=col, aggfunc="mean")


def _diff(runs: pd.DataFrame, col: str, arm: str, base: str) -> CI:
    p = _piv(runs, col)
    return paired_diff(p[arm], p[base])


def _say(ci: CI, what: str, nd: int = 4) -> str:
    if ci.excludes_zero():
        return f"{what} by {ci.mean:+.{nd}f} (95 % CI {ci.lo:+.{nd}f} to {ci.hi:+.{nd}f})"
    return f"{what}: no detectable change ({ci.fmt(nd)}, the interval holds zero)"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return out + ["| " + " | ".join(r) + " |" for r in rows] + [""]


def delay_section(runs: pd.DataFrame) -> list[str]:
    base = mean_ci(runs[runs.arm == "none"].fake_believer_days).fmt(4)
    early = mean_ci(runs[runs.arm == "none"].fake_believer_days_early).fmt(4)
    out = [
        "## 1. Misinformation against rapid-response delay",
        "",
        f"Without a response the rival fake costs {base} believer-days per user over the run, "
        f"{early} of them in the three days after it appears (days 2-5). Rapid response with "
        "its default budget (600 staff-hours), with an unlimited one, and (unlimited) against "
        "a flooded story: the rival's bots post five times their usual volume "
        "(`bot_flooding`), so the fake reaches many readers within hours.",
        "",
    ]
    variants = (
        ("", "default budget", "none"),
        ("_unlimited", "unlimited budget", "none"),
        ("_flood", "flooded story, unlimited budget", "flood_none"),
    )
    for suffix, title, base_arm in variants:
        if f"rapid_response_1h{suffix}" not in set(runs.arm):
            continue
        rows = []
        for h in DELAYS:
            arm = f"rapid_response_{h}h{suffix}"
            g = runs[runs.arm == arm]
            rows.append(
                [
                    str(h),
                    _diff(runs, "fake_believer_days", arm, base_arm).fmt(4),
                    _diff(runs, "fake_believer_days_early", arm, base_arm).fmt(4),
                    _diff(runs, "fake_reach", arm, base_arm).fmt(4),
                    f"{g.get('report_labels', pd.Series([np.nan])).mean():.0f}",
                    f"{g.home_spent.mean():.0f} / {g.home_not_done.mean():.0f}",
                ]
            )
        whole, first = (
            _trend(runs, "fake_believer_days", suffix),
            _trend(runs, "fake_believer_days_early", suffix),
        )
        out += [
            f"**{title}**, differences against no response"
            + (
                f" ({mean_ci(runs[runs.arm == base_arm].fake_believer_days).fmt(4)} "
                "believer-days without one)"
                if base_arm != "none"
                else ""
            )
            + ":",
            "",
            *_table(
                [
                    "delay (h)",
                    "believer-days, whole run",
                    "believer-days, days 2-5",
                    "share exposed",
                    "labels shown",
                    "hours spent / not done",
                ],
                rows,
            ),
            "Trend (per-seed least-squares slope on log2(delay) over the four delays, mean "
            f"over seeds), per doubling of the delay: whole run {whole.fmt(4)}; days 2-5 "
            f"{first.fmt(4)} believer-days per user. {_trend_words(whole, first)}",
            "",
        ]
    return out


def _trend_words(whole: CI, first: CI) -> str:
    def one(ci: CI, span: str) -> str:
        if not ci.excludes_zero():
            return f"over {span} the delay makes no detectable difference"
        return f"over {span} a later answer leaves {'more' if ci.mean > 0 else 'less'} misbelief"

    return f"{one(first, 'the first three days')}; {one(whole, 'the whole run')}.".capitalize()


def _trend(runs: pd.DataFrame, col: str, suffix: str) -> CI:
    x = np.log2(np.array(DELAYS, dtype=float))
    p = _piv(runs, col)[[f"rapid_response_{h}h{suffix}" for h in DELAYS]].dropna()
    xc = x - x.mean()
    slopes = (p.to_numpy() - p.to_numpy().mean(axis=1, keepdims=True)) @ xc / (xc @ xc)
    return mean_ci(slopes)


def credibility_section(runs: pd.DataFrame) -> list[str]:
    rows = []
    for h in DELAYS:
        arm = f"rapid_response_{h}h"
        rows.append(
            [
                str(h),
                _diff(runs, "rival_trust", arm, "none").fmt(4),
                _diff(runs, "claim_believer_days", arm, "none").fmt(4),
                _diff(runs, "home_trust", arm, "none").fmt(4),
            ]
        )
    d6 = _diff(runs, "rival_trust", "rapid_response_6h", "none")
    return [
        "## 2. The credibility cost of a debunked fake",
        "",
        "Readers who accept a correction of the rival fake lose trust in the rival's sources "
        "(`spread.trust_loss`); trust drifts back with `spread.trust_halflife_days`. Final "
        "trust and the rival's own true claim (`rival_claim`), against no response:",
        "",
        *_table(
            [
                "delay (h)",
                "trust in rival sources",
                "rival true-claim believer-days",
                "trust in home sources",
            ],
            rows,
        ),
        "With a 6-hour response, " + _say(d6, "trust in the rival's sources changes") + ".",
        "",
    ]


def gaffe_section(runs: pd.DataFrame) -> list[str]:
    pairs = (
        ("none", "gaffes_off"),
        ("training", "none"),
        ("gaffes_x10", "gaffes_off"),
        ("gaffes_x10_training", "gaffes_x10"),
    )
    rows = []
    for col, (label, nd) in CHANNELS.items():
        if col.startswith("home_") and col != "home_reach":
            rows.append([label, *[_diff(runs, col, a, b).fmt(nd) for a, b in pairs]])
    avoided = [
        runs[runs.arm == a].get("report_gaffes_avoided", pd.Series([np.nan])).mean()
        for a in ("training", "gaffes_x10_training")
    ]
    cost = _diff(runs, "home_trust", "gaffes_x10", "gaffes_off")
    return [
        "## 3. Gaffes, with and without training",
        "",
        "Home's official posts carry gaffes at the per-kind rates of `GAFFE_PROB` "
        "(sim/config/schema.py; no source gives rates) and, as a sensitivity, at ten times "
        "those rates; `training` drops half of them once its courses are done.",
        "",
        *_table(
            [
                "outcome",
                "default gaffes vs none",
                "training (default gaffes)",
                "10x gaffes vs none",
                "training (10x gaffes)",
            ],
            rows,
        ),
        f"Training kept {avoided[0]:.1f} gaffes a run off the timelines at the default rates "
        f"and {avoided[1]:.1f} at ten times them. At ten times the rates, "
        + _say(cost, "gaffes move trust in home's sources")
        + ".",
        "",
    ]


def prebunking_section(daily: pd.DataFrame, out: Path) -> list[str]:
    rows, curves = [], {}
    for arm, base in (("prebunking", "none"), ("prebunking_no_waning", "none_no_waning")):
        a = daily[daily.arm == arm].pivot_table(index="seed", columns="day", values="believers")
        b = daily[daily.arm == base].pivot_table(index="seed", columns="day", values="believers")
        curves[arm] = [paired_diff(a[d], b[d]) for d in a.columns]
    inoc = daily[daily.arm == "prebunking"].groupby("day").inoculated.mean()
    inoc_nw = daily[daily.arm == "prebunking_no_waning"].groupby("day").inoculated.mean()
    days = sorted(daily.day.unique())
    for i, d in enumerate(days):
        if d % 3 == 0 or d == days[-1]:
            rows.append(
                [
                    f"{int(d)}",
                    curves["prebunking"][i].fmt(4, 100),
                    f"{100 * inoc[d]:.2f}",
                    curves["prebunking_no_waning"][i].fmt(4, 100),
                    f"{100 * inoc_nw[d]:.2f}",
                ]
            )
    from sim.analysis.mechanisms_reading import figure

    figure(days, curves, out / "prebunking_over_time.png")
    on_day2 = daily[daily.day == 2].groupby("arm").inoculated.mean()
    pre, none = 100 * on_day2.get("prebunking", np.nan), 100 * on_day2.get("none", np.nan)
    last = days[-1]
    wane = 100 * (inoc_nw[last] - inoc[last])
    return [
        "## 4. Prebunking over time, as it wanes",
        "",
        "Daily mean share of users believing the rival fake, prebunking minus none (percentage "
        "points, paired by seed), with the inoculation half-life at its default and switched "
        "off; and the share inoculated against the fake in the prebunking arm.",
        "",
        *_table(
            [
                "day",
                "believers, prebunking vs none (pp)",
                "inoculated (%)",
                "same, no waning (pp)",
                "inoculated, no waning (%)",
            ],
            rows,
        ),
        "![prebunking over time](prebunking_over_time.png)",
        "",
        f"On day 2, when the fake appears, {pre:.2f} % of users are inoculated against it with "
        f"prebunking and {none:.2f} % without. An inoculated reader's belief probability is cut "
        "by `spread.inoculation` (0.3), so the warnings protect about "
        f"{0.3 * (pre - none):.2f} % of users more than no warnings do (inoculated share x "
        "efficacy), and only those of them who later meet the fake gain anything: the size "
        "of effect to look for in the first column. By the last day waning has taken "
        f"{wane:.2f} percentage points off the inoculated share (against no waning).",
        "",
    ]


def _diff_day(daily: pd.DataFrame, arm: str, base: str, day: float) -> CI:
    d = daily[daily.day == day]
    a = d[d.arm == arm].set_index("seed").believers
    return paired_diff(a, d[d.arm == base].set_index("seed").believers)


def channel_section(runs: pd.DataFrame) -> list[str]:
    rows = []
    for col, (label, nd) in CHANNELS.items():
        rows.append([label, *[_diff(runs, col, a, "none").fmt(nd) for a in CHANNEL_ARMS]])
    return [
        "## 5. Effects by channel",
        "",
        "Each strategy against no strategy, split by the channel it works through (run "
        "summary `channels`): how many read the sides' posts, what they believe, their "
        "attitude, and their trust.",
        "",
        *_table(["channel", *CHANNEL_ARMS], rows),
    ]


def write_report(
    runs: pd.DataFrame, daily: pd.DataFrame, out: Path, cmd: str, minutes: float
) -> None:
    from sim.analysis.mechanisms_lying import caught_section
    from sim.analysis.mechanisms_reading import reading_section
    from sim.analysis.mechanisms_seen import seen_section
    from sim.analysis.mechanisms_stats import brief_lines, statistics_section

    seeds = runs.seed.nunique()
    lines = [
        "# Mechanism study (issue 15)",
        "",
        f"{len(runs)} runs: {runs.arm.nunique()} arms x {seeds} paired seeds on the default "
        f"world at {int(runs.users.iloc[0]):,} users, {int(daily.day.max()) + 1} days "
        f"(`conf/experiment/mechanisms.yaml`). Command: `{cmd}` ({minutes:.1f} min). "
        "Intervals: 95 % Student-t on per-seed differences. Tables: `runs.parquet`, "
        "`daily.parquet`. Parameter values and their sources, and the papers abbreviated "
        "here (W20, R22, KB18, ...): docs/parameters.md.",
        "",
        *brief_lines(runs),
        *delay_section(runs),
        *seen_section(runs, daily),
        *credibility_section(runs),
        *caught_section(runs),
        *gaffe_section(runs),
        *prebunking_section(daily, out),
        *channel_section(runs),
        *reading_section(runs, daily),
        *statistics_section(runs, daily),
    ]
    (out / "report.md").write_text("\n".join(lines) + "\n")
