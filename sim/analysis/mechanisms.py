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
    rows = []
    for h in DELAYS:
        arm = f"rapid_response_{h}h"
        g = runs[runs.arm == arm]
        rows.append(
            [
                str(h),
                mean_ci(g.fake_believer_days).fmt(4),
                _diff(runs, "fake_believer_days", arm, "none").fmt(4),
                _diff(runs, "fake_reach", arm, "none").fmt(4),
                f"{g.get('report_labels', pd.Series([np.nan])).mean():.0f}",
            ]
        )
    base = mean_ci(runs[runs.arm == "none"].fake_believer_days).fmt(4)
    slope = _trend(runs)
    text = [
        "## 1. Misinformation against rapid-response delay",
        "",
        f"Without a response the rival fake costs {base} believer-days per user.",
        "",
        *_table(
            [
                "delay (h)",
                "believer-days per user",
                "vs no response",
                "share exposed vs no response",
                "labels shown",
            ],
            rows,
        ),
        "Trend: per-seed least-squares slope of believer-days on log2(delay) over the four "
        f"delays, averaged over seeds: {slope.fmt(4)} believer-days per user per doubling. "
        + (
            "Answering later leaves more misbelief."
            if slope.excludes_zero() and slope.mean > 0
            else "Answering earlier does not measurably lower misbelief here."
            if not slope.excludes_zero()
            else "Answering later leaves less misbelief (unexpected; see the notes)."
        ),
        "",
    ]
    return text


def _trend(runs: pd.DataFrame) -> CI:
    x = np.log2(np.array(DELAYS, dtype=float))
    p = _piv(runs, "fake_believer_days")[[f"rapid_response_{h}h" for h in DELAYS]].dropna()
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
    rows = []
    for col, (label, nd) in CHANNELS.items():
        if not col.startswith("home_") or col == "home_reach":
            continue
        rows.append(
            [
                label,
                _diff(runs, col, "none", "gaffes_off").fmt(nd),
                _diff(runs, col, "training", "none").fmt(nd),
            ]
        )
    avoided = runs[runs.arm == "training"].get("report_gaffes_avoided", pd.Series([np.nan]))
    cost = _diff(runs, "home_trust", "none", "gaffes_off")
    return [
        "## 3. Gaffes, with and without training",
        "",
        "Home's official posts carry gaffes at the per-kind rates of `GAFFE_PROB` "
        "(sim/config/schema.py); `training` drops half of them once its courses are done.",
        "",
        *_table(["outcome", "gaffes on vs off (cost of gaffes)", "training vs none"], rows),
        f"Training kept {avoided.mean():.1f} gaffes a run (mean) off the timelines. "
        + _say(cost, "Gaffes move trust in home's sources")
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
    _figure(days, curves, out / "prebunking_over_time.png")
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
    ]


def _figure(days, curves: dict[str, list[CI]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.5))
    for (arm, cis), color in zip(curves.items(), ("#1b6ca8", "#b04a2f")):
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
    seeds = runs.seed.nunique()
    lines = [
        "# Mechanism study (issue 15)",
        "",
        f"{len(runs)} runs: {runs.arm.nunique()} arms x {seeds} paired seeds on the default "
        f"world at {int(runs.users.iloc[0]):,} users, {int(daily.day.max()) + 1} days "
        f"(`conf/experiment/mechanisms.yaml`). Command: `{cmd}` ({minutes:.1f} min). "
        "Intervals: 95 % Student-t on per-seed differences. Tables: `runs.parquet`, "
        "`daily.parquet`. Parameter values and their sources: docs/parameters.md.",
        "",
        *delay_section(runs),
        *credibility_section(runs),
        *gaffe_section(runs),
        *prebunking_section(daily, out),
        *channel_section(runs),
    ]
    (out / "report.md").write_text("\n".join(lines) + "\n")
