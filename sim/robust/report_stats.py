"""The report's statistics sections: can the ranking tell policies apart, how big a study
must be, and the commands that run it at that size (on two cores or a cluster)."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.robust.intervals import MIN_BOOTSTRAP
from sim.robust.pipeline import Study
from sim.robust.sizing import halfwidth


def _ci(lo: float, hi: float, fmt: str = "+.4f") -> str:
    if np.isnan(lo) or np.isnan(hi):
        return f"no interval under {MIN_BOOTSTRAP} scenarios"
    return f"{lo:{fmt}} to {hi:{fmt}}"


def _n(v: Any) -> str:
    return "none seen" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{int(v):,}"


def told_apart(s: Study) -> list[str]:
    """The policies the paired comparison separates from the top one."""
    v = s.versus
    return [] if v.empty else [str(p) for p in v.loc[v["separated"], "policy"]]


def verdict(s: Study) -> str:
    """One sentence: which policies the sample tells apart from the top one."""
    top, v = str(s.rank.iloc[0]["policy"]), s.versus
    if v.empty:
        return "Only one policy was compared."
    apart = told_apart(s)
    if not apart:
        return (
            f"No policy can be told apart from `{top}` at this sample size: below the first "
            "place the order is that of point estimates, not an established ranking."
        )
    by = s.versus.set_index("policy")["by"]
    names = ", ".join(f"`{p}` (by {by[p]})" for p in apart)
    return (
        f"{len(apart)} of {len(v)} policies can be told apart from `{top}` ({names}); the "
        "others cannot at this sample size."
    )


def separation(s: Study) -> list[str]:
    """Each policy against the top one, paired by scenario."""
    if s.versus.empty:
        return []
    top, q = str(s.rank.iloc[0]["policy"]), s.cfg.satisficing_quantile
    lines = [
        "## Can the sample tell the policies apart?",
        "",
        f"Every policy ran in the same scenarios with the same seeds as `{top}`, so each is "
        "compared with it scenario by scenario. Holds: the difference in satisficing share "
        "(this policy minus the top) and McNemar's exact test on the scenarios where only "
        f"one of the two holds (p-values Holm-adjusted over the {len(s.versus)} "
        f"comparisons). Regret: the difference in the {q:.0%} regret percentile (positive: "
        "this policy regrets more). The intervals are paired bootstraps over scenarios, "
        "simultaneous: each column's intervals hold together with 95% confidence "
        "(Bonferroni). Told apart: an adjusted p <= 0.05 or a regret interval without 0; "
        f"`{top}` was picked as the top on this same sample, which flatters it slightly. "
        "Scenarios to tell apart: the size at which the pilot's satisficing difference, if "
        "true, would be found with 80% power in a single comparison.",
        "",
        f"| policy | holds: difference (CI) | only `{top}` / only this | McNemar p (Holm) "
        f"| misinformation regret {q:.0%}: difference (CI) | support regret {q:.0%}: "
        "difference (CI) | told apart by | scenarios to tell apart |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for _, x in s.versus.iterrows():
        sat = _ci(x["sat_diff_lo"], x["sat_diff_hi"], "+.0%")
        mis = _ci(x["misinformation_diff_lo"], x["misinformation_diff_hi"])
        sup = _ci(x["support_diff_lo"], x["support_diff_hi"])
        lines.append(
            f"| `{x['policy']}` | {x['sat_diff']:+.0%} ({sat}) | {x['only_top']} / "
            f"{x['only_policy']} | {x['mcnemar_p_holm']:.2g} | {x['misinformation_diff']:+.4f} "
            f"({mis}) | {x['support_diff']:+.4f} ({sup}) | "
            f"{x['by'] or 'no'} | {_n(x['n_separate'])} |"
        )
    return [*lines, "", verdict(s), ""]


def size_grid(s: Study) -> list[int]:
    z = s.sizing
    return sorted({z.pilot, 100, 200, 500, 1000, z.recommended})


def size(s: Study) -> list[str]:
    """Why this many scenarios, and what a larger study would resolve."""
    z, c = s.sizing, s.cfg
    top = str(s.rank.iloc[0]["policy"])
    per = len(s.rank) * c.seeds
    lines = [
        "## Sample size",
        "",
        f"Why {z.pilot} scenarios: {z.pilot} scenarios x {len(s.rank)} policies x {c.seeds} "
        f"seed(s) = {z.pilot * per} runs (and the search's) fit in minutes on two shared "
        "cores; the study is a pilot. Its numbers set the size of a study that answers the "
        f"question. At {z.pilot} scenarios `{top}`'s share ({z.share:.0%}) is known to "
        f"+-{z.halfwidth_now:.1%} (half-width of its Wilson 95% interval); if the share stays "
        "near that value:",
        "",
        "| scenarios | +- on the top policy's share | runs |",
        "|---|---|---|",
        *(f"| {n:,} | {halfwidth(z.share, n)[0]:.1%} | {n * per:,} |" for n in size_grid(s)),
        "",
        f"- A half-width of {z.target:.0%} (`target_halfwidth`) needs {z.for_halfwidth:,} "
        "scenarios.",
    ]
    if z.against is not None:
        if z.to_separate is None:
            lines.append(
                f"- `{top}` and `{z.against}` held in exactly the same scenarios: the pilot "
                "shows no difference to size a study for."
            )
        else:
            lines.append(
                f"- Telling `{top}` from `{z.against}` apart (80% power, 5% level) needs about "
                f"{z.to_separate:,} scenarios if the pilot's difference is the true one. The "
                "pilot saw that difference in a handful of scenarios, so this is a planning "
                "figure: the true difference may be smaller (more scenarios) or nil."
            )
    lines += [
        "",
        f"**Recommended: `scenarios={z.recommended}`** ({z.recommended * per:,} runs, plus the "
        "search), the larger of the two; the commands are under Reproduce.",
        "",
    ]
    return lines


def reproduce(s: Study, argv: str) -> list[str]:
    """The command of this study on two cores, and at the recommended size on a cluster."""
    head = "scripts/python experiments/robust.py"
    here = f"{head} {argv}".rstrip()
    big = f"{here} scenarios={s.sizing.recommended}"
    return [
        "## Reproduce",
        "",
        "```",
        f"{here}   # 2 cores; reruns resume",
        "# the recommended size on a SLURM cluster: one job array per batch, 256 runs at once",
        "# (from a clone on a file system every node sees; the store is results/robust/_runs)",
        f"{big} launcher=submitit_slurm jobs=256",
        "# the same on a Ray cluster started with `ray start` (or launcher=joblib on one node)",
        f"{big} launcher=ray 'launcher_overrides=[hydra.launcher.ray.init.address=auto]'",
        "```",
        "",
        "A cluster without a default partition needs "
        "`'launcher_overrides=[hydra.launcher.partition=NAME]'`. Every launcher runs the same "
        "configs into the same store, so the runs are the same to the last digit and a "
        "study started on one launcher resumes on another. Tables: `experiments.csv` (one "
        "row per scenario x policy, the workbench's experiments with their outcomes), "
        "`ranking.csv`, `versus_top.csv`, `pareto_front.csv`; every run in `_runs/` "
        "(`sim.sweep.load_study`).",
        "",
    ]
