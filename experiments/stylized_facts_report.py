"""Markdown report and figures of experiments/stylized_facts.py (verdict rules fixed here)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.thesis import TABLE4
from sim.cascades.facts import TARGET_CONCENTRATION, mean_ci
from sim.cascades.figures import ccdf

COMMAND = "scripts/python experiments/stylized_facts.py"
_LEVEL = [0.95]  # the interval level the verdict rules use (fact_table sets it)


def ci(x) -> tuple[float, float, float]:
    """The verdict rules' interval: ``mean_ci`` at the level ``fact_table`` is judging."""
    return mean_ci(x, _LEVEL[0])


def fmt(x: np.ndarray, nd: int = 2) -> str:
    m, lo, hi = mean_ci(x)
    if not np.isfinite(m):
        return "n/a"
    return f"{m:.{nd}f} [{lo:.{nd}f}, {hi:.{nd}f}]" if np.isfinite(lo) else f"{m:.{nd}f}"


def heavy_tail_row(f: pd.DataFrame) -> tuple[str, str]:
    thin = ((f["tail_R_ln_vs_exp"] > 0) & (f["tail_p_ln_vs_exp"] < 0.1)).mean()
    pl = ((f["tail_R_pl_vs_ln"] > 0) & (f["tail_p_pl_vs_ln"] < 0.1)).sum()
    ln = ((f["tail_R_pl_vs_ln"] < 0) & (f["tail_p_pl_vs_ln"] < 0.1)).sum()
    value = (
        f"alpha {fmt(f['tail_alpha'])} (xmin {fmt(f['tail_xmin'], 0)}); largest/median "
        f"{fmt(f['tail_max_over_median'], 0)}; lognormal beats exponential in "
        f"{thin:.0%} of seeds; power law vs lognormal: {pl} favour power law, {ln} lognormal, "
        f"{len(f) - pl - ln} undecided (p >= 0.1)"
    )
    ok = thin >= 0.8 and ci(f["tail_max_over_median"])[0] >= 100
    return value, "reproduced" if ok else "not reproduced"


def skew_row(f: pd.DataFrame) -> tuple[str, str]:
    value = (
        f"median size {fmt(f['median_size'], 1)}; share of size <= 3 {fmt(f['share_size_le_3'])}"
        f"; largest 1 % of cascades hold {fmt(f['top1pct_share_of_adoptions'])} of adoptions"
    )
    ok = ci(f["median_size"])[0] <= 3 and ci(f["top1pct_share_of_adoptions"])[1] > 0.2
    return value, "reproduced" if ok else "not reproduced"


def virality_row(f: pd.DataFrame) -> tuple[str, str]:
    value = (
        f"Spearman(size, virality) {fmt(f['spearman_size_virality'])}; median virality "
        f"{fmt(f['virality_median_size_3_9'])} at 3-9 nodes, "
        f"{fmt(f['virality_median_size_ge_100'])} at 100+ nodes"
    )
    return value, "reproduced" if ci(f["spearman_size_virality"])[1] > 0 else "not reproduced"


def concentration_row(f: pd.DataFrame) -> tuple[str, str]:
    _, lo, hi = ci(f["concentration"])
    ok = np.isfinite(lo) and lo <= 2 * TARGET_CONCENTRATION and hi >= TARGET_CONCENTRATION / 2
    return f"top / tenth {fmt(f['concentration'], 1)}", "reproduced" if ok else "not reproduced"


def false_true_row(f: pd.DataFrame) -> tuple[str, str]:
    cols = ("size", "depth", "max_breadth", "virality")
    value = "; ".join(f"{c} {fmt(f[f'{c}_ratio'])}" for c in cols)
    value += f"; hours to 100 users {fmt(f['hours_to_100_ratio'])}"
    wins = sum(ci(f[f"{c}_ratio"])[1] > 1 for c in cols[:3])
    faster = ci(f["hours_to_100_ratio"])[2] < 1
    verdict = "reproduced" if wins == 3 and faster else ("partly" if wins or faster else "not")
    return value, verdict + (" reproduced" if verdict != "reproduced" else "")


FACTS = [
    (
        "Heavy-tailed cascade sizes",
        "Vosoughi et al. 2018 and Goel et al. 2016: size CCDFs span several decades",
        heavy_tail_row,
    ),
    (
        "Most cascades tiny, a few large",
        "Goel et al. 2016: most cascades are small shallow broadcasts",
        skew_row,
    ),
    (
        "Structural virality rises with size",
        "Goel et al. 2016: virality rises with size but stays low (star-like) at every size",
        virality_row,
    ),
    (
        "Reach concentrated in few accounts",
        f"2020 thesis Table 3: top account / tenth = {TARGET_CONCENTRATION:.2f}",
        concentration_row,
    ),
    (
        "False news farther, deeper, broader, faster (ratios false / true)",
        "Vosoughi et al. 2018: false > true in size, depth, breadth; true ~6x slower to 1,500",
        false_true_row,
    ),
]

# Likely causes, shown beside a fact the model does not reproduce.
CAUSES = {
    "Heavy-tailed cascade sizes": "a run of n users over a fixed horizon caps the largest "
    "cascade, and seeds and actors' accounts start many cascades at once, so the tail is "
    "short at these sizes; rerun with a larger --n before reading much into it.",
    "Most cascades tiny, a few large": "posts that convert nobody leave no record (no "
    "zero-reshare cascades), and actors' accounts broadcast to large audiences every tick, "
    "so a post that converts anyone usually converts several followers at once.",
    "Structural virality rises with size": "growth comes from broadcasts (an account's post "
    "read by many followers in one tick), which widens trees rather than deepening them.",
    "Reach concentrated in few accounts": "the target comes from the 2020 data; the default "
    "scenario's accounts and audiences are generic, not calibrated to it (karabakh2020 is).",
    "False news farther, deeper, broader, faster (ratios false / true)": "false narratives "
    "start later, face debunks and (in karabakh2020) only one false story exists.",
}
NOTE_FALSE = (
    "Reading the false-versus-true rows: in the default scenario the false narratives "
    "have a higher `appeal` (1.4 and 1.6 against 1.0 for the true claims, "
    "conf/world/default.yaml), so a false-over-true gap there is partly an input rather "
    "than an emergent result (Vosoughi et al. trace theirs to novelty and human "
    "sharing); in karabakh2020 the one false story (appeal 1.6) competes with true "
    "hashtags of appeal 1.0-1.6. Where false cascades come out smaller, their later "
    "start and the debunks are the likely reasons."
)


def verdicts(f: pd.DataFrame, level: float) -> list[tuple[str, str]]:
    """(value, verdict) of every fact for one scenario's seeds, intervals at ``level``."""
    _LEVEL[0] = level
    try:
        return [rule(f) for _, _, rule in FACTS]
    finally:
        _LEVEL[0] = 0.95


def family_note(m: int, level: float) -> str:
    return (
        f"Family: the {m} verdicts of the table ({len(FACTS)} facts x scenarios). They are "
        "descriptive checks of whether the model's range agrees with a published pattern, "
        "fixed before any run, not tests of effects; but several rest on 95% intervals over "
        "seeds, so the last column judges each one again with every interval widened to "
        f"the family-wise level {100 * level:.4g}% (Bonferroni over the {m} verdicts, the "
        "simultaneous intervals that go with Holm). A verdict that holds at both levels "
        "does not depend on the multiplicity; one that changes is marked. Seeds used: as "
        "in the paragraph above, each scenario's seeds the unit of every interval. No target "
        "precision is set: a verdict asks whether an interval lies on one side of a bound "
        "fixed in advance, and the table shows each interval's width."
    )


def fact_table(facts: pd.DataFrame) -> list[str]:
    groups = list(facts.groupby("scenario", sort=False))
    m = len(FACTS) * len(groups)
    adj = 1 - 0.05 / m
    lines = [
        "| fact | source | scenario | model: mean [95% CI over seeds] | verdict | "
        f"verdict at family-wise {100 * adj:.4g}% |",
        "|---|---|---|---|---|---|",
    ]
    rows = {scen: (verdicts(f, 0.95), verdicts(f, adj), len(f)) for scen, f in groups}
    causes: list[tuple[str, str]] = []
    for i, (name, source, _) in enumerate(FACTS):
        for scen, (raw, wide, n) in rows.items():
            (value, verdict), (_, adjusted) = raw[i], wide[i]
            if n < 2:
                verdict = adjusted = "undetermined (one seed: no interval)"
            same = "same" if adjusted == verdict else f"**{adjusted}** (changes)"
            lines.append(f"| {name} | {source} | {scen} | {value} | **{verdict}** | {same} |")
            if verdict.endswith(" reproduced") and name not in [c[0] for c in causes]:
                causes.append((name, CAUSES[name]))
    out = [*lines, "", family_note(m, adj), ""]
    if causes:
        out += ["Likely causes of the facts not (fully) reproduced:", ""]
        out += [f"- *{n}*: {c}" for n, c in causes]
    return [*out, "", NOTE_FALSE, ""]


def rewrite_fact_table(report: Path, facts: pd.DataFrame) -> Path:
    """Replace the fact table section of an existing report (from its table header to the
    senders' table) by one computed from ``facts`` (facts.csv): the verdicts need only the
    per-seed facts, not the cascade trees the rest of the report is drawn from."""
    lines = report.read_text().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("| fact | source |"))
    end = next(i for i, line in enumerate(lines) if line.startswith("Share of adoptions by"))
    report.write_text("\n".join([*lines[:start], *fact_table(facts), *lines[end:]]))
    return report


def hashtag_table(trees: pd.DataFrame, tick_hours: float) -> list[str]:
    t = trees[trees["scenario"] == "karabakh2020"]
    if not len(t):
        return []
    seeds = t["seed"].nunique()
    g = t.groupby("hashtag", sort=False)
    rows = pd.DataFrame(
        {
            "cascades/run": g.size() / seeds,
            "adoptions/run": g["users"].sum() / seeds,
            "largest": g["size"].max(),
            "max depth": g["depth"].max(),
            "median virality (10+)": g.apply(
                lambda x: x.loc[x["size"] >= 10, "virality"].median(), include_groups=False
            ),
            "median h to 100": g["ticks_to_100"].median() * tick_hours,
        }
    ).sort_values("adoptions/run", ascending=False)
    uses = {f"#{tag}": n for tag, _, n in TABLE4}
    rows["thesis uses (k)"] = [uses[h] / 1000 if h in uses else np.nan for h in rows.index]
    both = rows.dropna(subset=["thesis uses (k)"])
    rho = stats.spearmanr(both["adoptions/run"], both["thesis uses (k)"]).statistic
    return [
        "## Cascades per hashtag (karabakh2020)",
        "",
        f"Pooled over {seeds} seeds; sizes count the root. The sources give only each tag's "
        "volume (thesis Table 4, `thesis uses`), no cascade trees, so the tree metrics have "
        f"nothing to be compared with; the rank correlation of the model's adoptions with the "
        f"thesis volumes over the {len(both)} tags of Table 4 is Spearman {rho:.2f} "
        "(adoptions are not uses: uses also count actors' own posts).",
        "",
        *markdown(rows.round(2)),
        "",
    ]


def markdown(df: pd.DataFrame) -> list[str]:
    """A DataFrame as a markdown table (index first)."""
    head = [df.index.name or "", *map(str, df.columns)]
    rows = [[str(i), *("" if pd.isna(v) else f"{v:g}" for v in r)] for i, r in df.iterrows()]
    return ["| " + " | ".join(r) + " |" for r in [head, ["---"] * len(head), *rows]]


def figures(out: Path, trees: pd.DataFrame) -> list[str]:
    scen = list(dict.fromkeys(trees["scenario"]))
    fig, axes = plt.subplots(1, len(scen), figsize=(5 * len(scen), 3.8), squeeze=False)
    for ax, s in zip(axes[0], scen):
        for truth, label, color in ((True, "true", "C0"), (False, "false", "C3")):
            v = trees.loc[(trees["scenario"] == s) & (trees["true"] == truth), "size"]
            if len(v):
                x, p = ccdf(v.to_numpy(float))
                ax.step(x, p, where="post", color=color, label=f"{label} ({len(v)})")
        ax.set(xscale="log", yscale="log", xlabel="cascade size", ylabel="P(X >= x)", title=s)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "size_ccdf.png", dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for i, s in enumerate(scen):
        t = trees[(trees["scenario"] == s) & (trees["size"] >= 3)]
        ax.scatter(t["size"], t["virality"], s=6, alpha=0.3, color=f"C{i}", label=s)
    ax.set(xscale="log", xlabel="cascade size", ylabel="structural virality")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "virality_size.png", dpi=110)
    plt.close(fig)
    return ["![size CCDF](size_ccdf.png)", "", "![virality vs size](virality_size.png)", ""]


def write_report(out: Path, facts: pd.DataFrame, trees: pd.DataFrame, meta: dict) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    facts.to_csv(out / "facts.csv", index=False)
    th = meta["tick_hours"].get("karabakh2020", 1.0)
    lines = [
        "# Stylized facts of the model's cascades",
        "",
        f"Regenerate: `{COMMAND}` (options: `--seeds`, `--kb-seeds`, `--n`, `--workers`).",
        f"This report: {meta['seeds']} seeds of the default scenario and {meta['kb_seeds']} of "
        f"karabakh2020, about {meta['n']} users each (mean {facts['users'].mean():.0f}), "
        f"scenario horizons ({meta['runs']} runs, "
        f"{meta['seconds']} s on {meta['workers']} workers).",
        "",
        "A cascade is one tree of adoptions of one narrative (`output.cascades=true`, "
        "docs/model.md): rooted at a seed believer or at one post of a sender that did not "
        "believe the story (an actor's or bot's account, a volunteer); size counts the root. "
        "Verdict rules are fixed in experiments/stylized_facts_report.py before any run; "
        "the model was not tuned to them. Posts that convert nobody leave no record, so "
        "unlike the Twitter data there are no zero-reshare cascades: only seeds that convert "
        "nobody have size 1, and 'tiny' is judged by the median size (at most 3 nodes).",
        "",
        *fact_table(facts),
        "Share of adoptions by sender (mean over seeds), true / false narratives:",
        "",
        *sender_lines(facts),
        "",
        *figures(out, trees),
        *hashtag_table(trees, th),
    ]
    path = out / "report.md"
    path.write_text("\n".join(lines))
    return path


def sender_lines(facts: pd.DataFrame) -> list[str]:
    out = ["| scenario | seed | user | actor | bot |", "|---|---|---|---|---|"]
    for scen, f in facts.groupby("scenario", sort=False):
        cells = [
            f"{f[f'sender_{k}_true'].mean():.3f} / {f[f'sender_{k}_false'].mean():.3f}"
            for k in ("seed", "user", "actor", "bot")
        ]
        out.append(f"| {scen} | " + " | ".join(cells) + " |")
    return out
