"""The ensemble what-ifs' families of comparisons, their Holm adjustment and precision.

The what-ifs over the calibrated ensemble (experiments/whatif2020.py) compare every arm
with the baseline on each outcome; with nine arms a few 95% intervals would exclude 0 by
chance alone. Each outcome's arms form one family (``Families``, Holm), as in the Hydra
studies. The unit of an interval here is the ensemble member, not the seed: each
member's effect is averaged over its seeds, the interval runs over the distinct members
with Kish's effective size of their draw weights (``_spread`` in the experiment). So the
precision and power tables count members, at the observed spread of the members' effects.
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from sim.analysis.multiplicity import Families
from sim.analysis.power import power_table
from sim.analysis.precision import precision_table

# Outcomes tested as families (home staff-hours is a cost, reported but not tested), with
# the studies' default targets (half the smallest effect of the power table) and effects.
EFFECTS = {
    "support": [0.005, 0.01, 0.02],
    "mis_auc": [0.01, 0.02, 0.05],
    "hours_to_contain": [6.0, 12.0, 24.0],
}
TARGETS = {m: sizes[0] / 2 for m, sizes in EFFECTS.items()}


def _p(mean: float, se: float, df: float) -> float:
    """Two-sided t p-value; a constant effect (se 0) is 1 at 0 and 0 elsewhere."""
    if not (math.isfinite(mean) and math.isfinite(se) and df >= 1):
        return math.nan
    if se == 0:
        return 1.0 if mean == 0 else 0.0
    return float(2 * stats.t.sf(abs(mean) / se, df))


def family_table(eff: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """One outcome's rows of the effects table in the form ``Families.add`` adjusts."""
    t = eff[eff["outcome"] == outcome]
    return pd.DataFrame(
        {
            "arm": t["arm"].to_numpy(),
            "diff_mean": t["mean"].to_numpy(float),
            "diff_se": t["se"].to_numpy(float),
            "diff_df": t["df"].to_numpy(float),
            "diff_n": t["n_eff"].to_numpy(float),
            "diff_p": [_p(m, s, d) for m, s, d in zip(t["mean"], t["se"], t["df"])],
        }
    )


def families(eff: pd.DataFrame, labels: dict[str, str]) -> Families:
    """One Holm family per tested outcome: every arm against the baseline."""
    fams = Families(targets=TARGETS)
    for outcome in EFFECTS:
        t = family_table(eff, outcome)
        if len(t):
            fams.add(f"{labels[outcome]}: each arm vs baseline", outcome, t)
    return fams


def brief_lines(fams: Families) -> list[str]:
    """A paragraph for the header: unit, families, adjustment, targets met."""
    prec = precision_table(fams, fams.targets)
    met = int((prec["met"] == "yes").sum()) if len(prec) else 0
    return [
        "Statistics in brief: the unit of every interval is the ensemble member (seeds are "
        f"averaged within a member). Families: {len(fams.items)}, one per tested outcome "
        f"({sum(f.size for f in fams.items)} comparisons of an arm with the baseline), "
        "Holm-adjusted within each; findings and `*` quote the adjusted results. Target "
        f"precision (the studies' defaults): met in {met} of {len(prec)} families. "
        "Details: section Statistics.",
        "",
    ]


def statistics_lines(fams: Families) -> list[str]:
    """The report's closing section: families and adjustment, precision, power (members)."""
    from sim.analysis.reports import md_table

    sizes = pd.DataFrame(
        [{"family": f.name, "comparisons": f.size, "adjustment": "Holm"} for f in fams.items]
    )
    prec = precision_table(fams, fams.targets).rename(
        columns={"seeds": "members (effective)", "seeds needed": "members needed"}
    )
    power = power_table(fams, EFFECTS)
    power = power.rename(
        columns={
            "median paired SD": "median SD of members' effects",
            **{c: c.replace("seeds", "members") for c in power.columns if "seeds" in c},
        }
    )
    return [
        "## Statistics: families, precision, power",
        "",
        "Families: one per outcome, every arm against the baseline; p-values Holm-adjusted "
        "within the family (statsmodels `multipletests`), intervals widened to the "
        "Bonferroni level 1 - 0.05/m (family-wise). Home staff-hours is a cost, not tested. "
        "The unit of every interval is the ensemble member (Kish's effective number of the "
        "distinct members drawn, degrees of freedom distinct members - 1), so more seeds per "
        "member narrow an interval only as far as the members agree: the counts below are "
        "members, at the observed spread of the members' effects.",
        "",
        *md_table(sizes),
        "",
        "### Precision reached",
        "",
        "Widest family-wise half-width per family against its target ("
        + ", ".join(f"`{k}` {v:g}" for k, v in fams.targets.items())
        + ": half the smallest effect of the power table, as in the Hydra studies); members "
        "needed = the members at which the widest interval would meet the target.",
        "",
        *md_table(prec),
        "",
        "### Power table",
        "",
        "Members (equal weights) needed to detect each effect with 80% power at the "
        "family's per-comparison level 0.05/m, from the median observed SD of the members' "
        "effects.",
        "",
        *md_table(power),
        "",
    ]


def outcome_table(
    t: pd.DataFrame, label: str, adj: pd.DataFrame | None, survival_intro: list[str]
) -> list[str]:
    """One outcome's section of the effects table ``t``: raw interval, members' range and
    sign, and (for the tested outcomes) the Holm-adjusted p and family-wise interval of
    ``adj`` (indexed by arm); ``survival_intro`` (time to contain) adds the KM columns."""
    from sim.analysis.reports import pval

    survival = bool(survival_intro)
    head = "| arm | effect | 95% CI | members' 5-95% range | share > 0 | sign |"
    if adj is not None:
        head += " p (Holm) | family-wise CI | adjusted: differs |"
    lines = [f"## {label}", "", *survival_intro]
    if survival:
        head += " contained (arm / baseline) | KM median (h) |"
    lines += [head, "|---" * head.count(" | ") + "|---|"]
    for r in t.itertuples():
        if adj is not None:
            a = adj.loc[r.arm]
            sure = " *" if a["significant_adj"] else ""
            cells = (
                f" {pval(a['p_adj'])} | [{a['adj_lo']:+.4g}, {a['adj_hi']:+.4g}] | "
                f"{'yes' if a['significant_adj'] else 'no'} |"
            )
        else:
            sure = "" if math.isnan(r.lo) or r.lo <= 0 <= r.hi else " *"
            cells = ""
        extra = (
            f" {r.contained_share:.2f} / {r.baseline_contained_share:.2f} | {r.km_median:g} |"
            if survival
            else ""
        )
        lines.append(
            f"| {r.arm} | {r.mean:+.4g}{sure} | [{r.lo:+.4g}, {r.hi:+.4g}] | "
            f"[{r.range_lo:+.4g}, {r.range_hi:+.4g}] | {r.share_positive:.2f} | "
            f"{'varies' if r.sign_flips else 'stable'} |{cells}{extra}"
        )
    return [*lines, ""]
