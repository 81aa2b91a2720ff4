"""The mechanism study's statistics section: its comparisons declared as families, each
Holm-adjusted, with the precision reached against a stated target.

The sections of the mechanism report quote raw 95 % intervals, one question at a time;
this section groups the same paired comparisons by the question they answer (one family
per question and outcome), so a reader can see which of them survive the correction
for the others asked alongside.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis import mechanisms_seen as seen
from sim.analysis.multiplicity import Families
from sim.analysis.stats import differences, mean_ci, t_test

DELAYS = (1, 6, 24, 72)
# (family question, outcome column, [(arm, baseline), ...]); pairs whose arms a run lacks
# are left out.
FAMILIES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "rapid response at each delay and budget vs no response",
        "fake_believer_days",
        [
            (f"rapid_response_{h}h{s}", base)
            for s, base in (("", "none"), ("_unlimited", "none"), ("_flood", "flood_none"))
            for h in DELAYS
        ],
    ),
    (
        "gaffes and training",
        "home_trust",
        [
            ("none", "gaffes_off"),
            ("training", "none"),
            ("gaffes_x10", "gaffes_off"),
            ("gaffes_x10_training", "gaffes_x10"),
        ],
    ),
    (
        "prebunking, with and without waning",
        "fake_believer_days",
        [("prebunking", "none"), ("prebunking_no_waning", "none_no_waning")],
    ),
    *[
        (
            "coordination, lying free and lying caught",
            col,
            [
                ("coordination", "none"),
                ("home_fake_debunked", "none"),
                ("home_fake_debunked_coordination", "home_fake_debunked"),
            ],
        )
        for col in ("home_trust", "home_support")
    ],
    *[
        (
            "each channel strategy vs none",
            col,
            [(a, "none") for a in ("rapid_response_6h", "prebunking", "training", "targeting")],
        )
        for col in ("fake_believer_days", "home_support", "home_trust")
    ],
    *[(seen.QUESTION, col, seen.PAIRS) for col in ("fake_believer_days", "home_support")],
]
# Effect sizes of the power table, in each outcome's units (believer-days per user,
# share of users, mean trust), and the target 95 % half-widths: half the smallest of them.
EFFECTS = {
    "fake_believer_days": [0.01, 0.02, 0.05],
    "home_support": [0.005, 0.01, 0.02],
    "home_trust": [0.01, 0.02, 0.05],
}
TARGETS = {m: sizes[0] / 2 for m, sizes in EFFECTS.items()}


def family_table(runs: pd.DataFrame, col: str, pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """One row per (arm, baseline) pair present in ``runs``: the paired difference of
    ``col`` by seed with its t statistics, ready for ``Families.add``."""
    piv = runs.pivot_table(index="seed", columns="arm", values=col, aggfunc="mean")
    rows = []
    for arm, base in pairs:
        if arm not in piv or base not in piv:
            continue
        d = differences(piv[arm], piv[base])
        ci, t = mean_ci(d.to_numpy()), t_test(d.to_numpy())
        rows.append(
            {
                "comparison": f"{arm} vs {base}",
                "diff_mean": ci.mean,
                "diff_lo": ci.lo,
                "diff_hi": ci.hi,
                "diff_n": ci.n,
                "diff_se": t["se"],
                "diff_df": t["df"],
                "diff_p": t["p"],
            }
        )
    return pd.DataFrame(rows)


def _family_lines(col: str, question: str, t: pd.DataFrame) -> list[str]:
    from sim.analysis.reports import adjusted_cells, md_table

    rows = [
        {
            "comparison": r["comparison"],
            "difference [95% CI]": f"{r['diff_mean']:+.4g} [{r['diff_lo']:+.4g}, "
            f"{r['diff_hi']:+.4g}]",
            **adjusted_cells(r),
        }
        for _, r in t.iterrows()
    ]
    return [f"### `{col}`: {question}", "", *md_table(pd.DataFrame(rows)), ""]


def statistics_section(runs: pd.DataFrame, daily: pd.DataFrame | None = None) -> list[str]:
    """The closing section: each family with raw and Holm-adjusted intervals, then the
    families, their adjustment and the precision reached (sim.analysis.precision). With
    ``daily`` (for the horizon) the cell's signal also gets its RMST family of the hours
    the fake stays uncontained."""
    from sim.analysis.precision import report_lines

    fams = Families(targets=TARGETS)
    lines = [
        "## 7. Statistics: families and adjusted intervals",
        "",
        "The comparisons above, grouped by question (one family per question and outcome) "
        "and Holm-adjusted within each family; a comparison 'differs' only if its adjusted "
        "interval says so. Seeds: "
        f"{runs['seed'].nunique()} paired seeds per arm.",
        "",
    ]
    for question, col, pairs in FAMILIES:
        t = family_table(runs, col, pairs)
        if not len(t):
            continue
        t = fams.add(f"{col}: {question}", col, t)
        lines += _family_lines(col, question, t)
    if daily is not None and seen.present(runs):
        tau = seen.horizon(daily)
        t = fams.add(
            f"{seen.CONTAIN}: {seen.QUESTION}", seen.CONTAIN, seen.rmst_rows(runs, tau), "rmst"
        )
        lines += _family_lines(seen.CONTAIN, f"{seen.QUESTION} (RMST, first {tau:g} h)", t)
    return lines + report_lines(fams, TARGETS, EFFECTS)


def brief_lines(runs: pd.DataFrame) -> list[str]:
    """A paragraph for the report's header: seeds, families, adjustment, targets met."""
    from sim.analysis.precision import precision_table

    fams = Families(targets=TARGETS)
    for question, col, pairs in FAMILIES:
        t = family_table(runs, col, pairs)
        if len(t):
            fams.add(f"{col}: {question}", col, t)
    prec = precision_table(fams, TARGETS)
    met = int((prec["met"] == "yes").sum()) if len(prec) else 0
    return [
        f"Statistics in brief: {runs['seed'].nunique()} paired seeds per arm. Sections 1-6 "
        "quote raw 95 % intervals, one question at a time; section 7 groups the same "
        f"comparisons into {len(fams.items)} families ({sum(f.size for f in fams.items)} "
        "comparisons, one family per question and outcome), Holm-adjusted within each, and "
        "checks them against target half-widths (half the smallest effect discussed: "
        + ", ".join(f"`{k}` {v:g}" for k, v in TARGETS.items())
        + f"): met in {met} of {len(prec)} families; then a power table.",
        "",
    ]
