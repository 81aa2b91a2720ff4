"""The robust-decision report in words: what each parameter means, each PRIM or CART
condition as a sentence, and the opening "Findings" section."""

from __future__ import annotations

import numpy as np

from sim.robust.discovery import Box, clauses
from sim.robust.pipeline import Study
from sim.robust.report_stats import verdict
from sim.robust.space import DRAW, INTENSITY, TACTICS, key

SPECIAL = {
    TACTICS: "which hostile tactics the rival adds (a named set)",
    INTENSITY: "factor on the rival tactics' default budgets",
    DRAW: "which member of the calibrated ensemble holds (weighted quantile)",
}


def meaning(name: str) -> str:
    """One line on what a workbench parameter is (its param() doc)."""
    from sim.robust.study import declared_field

    if name in SPECIAL:
        return SPECIAL[name]
    k = key(name)
    if k.startswith("home.") and k.endswith(".budget"):
        return "staff-hours the strategy may spend (0: not used)"
    return str(declared_field(k).metadata.get("doc", ""))


def condition(box: Box) -> list[str]:
    """Each restriction of a box as a plain sentence, naming what the dimension means."""
    return clauses(box, lambda c: f"`{key(c)}` ({meaning(c)})")


def chance(box: Box, alpha: float = 0.05) -> str:
    """Whether any restriction of a PRIM box stands out from chance (its quasi p-value)."""
    strong = [key(d) for d, p in box.qp.items() if p <= alpha]
    if strong:
        return f"Restrictions with a quasi p-value <= {alpha:g}: {', '.join(strong)}."
    return (
        f"No restriction has a quasi p-value <= {alpha:g}: at this sample size the box is a "
        "lead to check with more scenarios, not a finding."
    )


def versus_nothing(s: Study) -> str:
    """The paired comparison of the top policy with doing nothing, in words."""
    top, v = str(s.rank.iloc[0]["policy"]), s.versus
    if v.empty or "nothing" not in set(v["policy"]):
        return ""
    x = v.set_index("policy").loc["nothing"]
    return (
        f"Scenario by scenario, only `{top}` held in {x['only_top']} and only doing nothing "
        f"in {x['only_policy']} (McNemar p = {x['mcnemar_p_holm']:.2g}, Holm-adjusted). "
    )


def size_line(s: Study) -> str:
    """The sample size in one sentence (details: the report's Sample size section)."""
    z = s.sizing
    aims = [f"+-{z.target:.0%} on the top policy's share ({z.for_halfwidth:,} scenarios)"]
    if z.to_separate is not None:
        aims.append(f"telling it from `{z.against}` apart ({z.to_separate:,})")
    return (
        f"At {z.pilot} scenarios the top policy's share is known to about "
        f"+-{z.halfwidth_now:.0%}. The pilot points to `scenarios={z.recommended}` for "
        f"{' and '.join(aims)}; see Sample size."
    )


def findings(s: Study) -> list[str]:
    """The report's opening section, in words (quoted by the docs' findings block)."""
    o, r = s.cfg.outcomes, s.rank.set_index("policy")
    best = s.rank.iloc[0]

    def held(p: str) -> str:
        x = r.loc[p]
        return f"{x['satisficing']:.0%} (95% CI {x['sat_lo']:.0%} to {x['sat_hi']:.0%})"

    sup = s.outcomes["support"]
    lines = [
        "## Findings",
        "",
        f"- Most robust: `{best['policy']}` keeps misinformation at or below "
        f"{o.reach_threshold:g} and support at or above {o.support_level:g} in "
        f"{held(str(best['policy']))} of {int(best['n'])} scenarios"
        + (f"; doing nothing holds in {held('nothing')}" if "nothing" in r.index else "")
        + f". {versus_nothing(s)}{verdict(s)}",
        f"- {size_line(s)}",
    ]
    if s.prim is not None:
        lines.append(
            f"- `{o.defence}` fails in {int(s.y.sum())} of {len(s.y)} scenarios, mostly where "
            f"{'; and '.join(condition(s.prim))} (PRIM: coverage {s.prim.coverage:.0%}, density "
            f"{s.prim.density:.0%}). {chance(s.prim)}"
        )
    else:
        lines.append(f"- `{o.defence}` fails in {int(s.y.sum())} of {len(s.y)} scenarios.")
    pareto = [p for p in s.rank["policy"] if str(p).startswith("pareto_")]
    if pareto:
        top = pareto[0]
        lines.append(
            f"- The best-ranked of the search's Pareto policies across the sample, `{top}`, "
            f"ranks {int(r.loc[top, 'rank'])} of {len(r)} (the search saw the reference world "
            "only)."
        )
    mis = s.outcomes["misinformation"]
    lines += [
        f"- Across all runs international support ranged {np.min(sup):.3f} to "
        f"{np.max(sup):.3f} and the misinformation peak {np.min(mis):.3f} to {np.max(mis):.3f}.",
        "",
    ]
    return lines
