"""karabakh2020 what-ifs over the calibrated ensemble, with paired seeds.

Every arm of conf/experiment/whatif.yaml (the files of conf/whatif/, gaffes and trust loss
included) runs for each of ``--members`` ensemble members (drawn by weight from
results/karabakh2020/ensemble.csv) on the same ``--seeds`` seeds, so an arm's effect on a
(member, seed) pair is its difference from the baseline on that pair. The report
(results/karabakh2020/whatif.md) gives per arm and outcome the mean effect with a 95%
interval across members (each member's mean over its seeds, so the interval holds the
parameters' uncertainty and the runs' noise), the 5-95% range of the members' effects,
and the share of members with a positive effect; an arm whose members disagree on the
sign is flagged. Time to contain the false story is censored at the horizon (most runs
never contain it), so it is compared as the studies of sim.analysis do: by the difference
of restricted mean survival times up to the horizon (Kaplan-Meier, sim.analysis.survival),
with the Kaplan-Meier share contained and median beside it. Runs append to
results/karabakh2020/whatif_ensemble.csv, so the study resumes; ``--report-only`` rewrites
the report from it.

    nice -n 10 scripts/python experiments/whatif2020.py --members 10 --seeds 3
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.analysis.ensemble import draw_members, overrides, param_columns, read_ensemble  # noqa: E402

OUT = ROOT / "results" / "karabakh2020"
ENSEMBLE = OUT / "ensemble.csv"
RUNS = OUT / "whatif_ensemble.csv"
BASELINE = "baseline"
OUTCOMES = {  # column -> (label, +1 when larger is better for home)
    "support": ("final support for home, international users (share)", 1),
    "mis_auc": ("misinformation AUC (believer-days per user)", -1),
    "hours_to_contain": ("time the false story stays uncontained (RMST, hours)", -1),
    "cost_home": ("home staff-hours", -1),
}
FLIP_SHARE = 0.1  # members' effects point both ways when each sign has at least this share


def arms() -> list[str]:
    """The arms of the Hydra what-if study, baseline first (one list for both studies)."""
    import yaml

    doc = yaml.safe_load((ROOT / "conf" / "experiment" / "whatif.yaml").read_text())
    names = [a.strip() for a in doc["hydra"]["sweeper"]["params"]["+whatif"].split(",")]
    return [BASELINE, *(a for a in names if a != BASELINE)]


CONTAIN, CONTAINED, HORIZON = "hours_to_contain", "contained", "horizon_h"


def outcomes(summary: dict) -> dict[str, float]:
    """A run's outcomes; time to contain with its event flag (0: censored at the horizon)."""
    fake = summary["misinformation"]["rival_fake"]
    cost = summary["cost"]["home"]
    hours = fake.get("hours_to_contain")
    horizon = float(summary["days"] * 24)
    return {
        "support": float(summary["support"]["international"]["support_home"]),
        "mis_auc": float(fake["auc"]),
        CONTAIN: horizon if hours is None else float(hours),
        CONTAINED: 0 if hours is None else 1,
        HORIZON: horizon,
        "cost_home": float(cost["actors"] + cost["strategy_total"]),
    }


def one(member: pd.Series, keys: list[str], arm: str, seed: int, extra=()) -> dict:
    from sim.api import run
    from sim.cli import load

    cfg = load(
        ["+experiment=whatif", f"+whatif={arm}", f"seed={seed}", *overrides(member, keys), *extra]
    )
    return {"member": int(member["member"]), "seed": seed, "arm": arm, **outcomes(run(cfg).summary)}


def run_study(ens: pd.DataFrame, members: np.ndarray, seeds: list[int], path: Path, extra=()):
    keys = param_columns(ens)
    old = pd.read_csv(path) if path.is_file() else pd.DataFrame(columns=["member", "seed", "arm"])
    done = set(zip(old["member"].astype(int), old["seed"].astype(int), old["arm"]))
    for m in np.unique(members):
        for seed in seeds:
            for arm in arms():
                if (int(m), seed, arm) in done:
                    continue
                row = one(ens.iloc[int(m)], keys, arm, seed, extra)
                old = (
                    pd.DataFrame([row])
                    if old.empty
                    else pd.concat([old, pd.DataFrame([row])], ignore_index=True)
                )
                path.parent.mkdir(parents=True, exist_ok=True)
                old.to_csv(path, index=False, float_format="%.6g")  # resumable after each run
    return old


def _spread(per: pd.Series, draws: np.ndarray) -> dict:
    """Over the members' effects ``per`` (indexed by member), weighted by how often each was
    drawn: the mean, its 95% t-interval, the 5-95% range over the draws, the share positive
    and whether the sign varies. A member drawn twice is one parameter set, not two: the
    interval's units are the distinct members, with Kish's effective size of their weights
    (sum w)^2 / sum w^2 and n_distinct - 1 degrees of freedom."""
    from scipy import stats

    counts = pd.Series(draws).value_counts()
    v = per.reindex(counts.index).dropna()
    w = counts[v.index].to_numpy(float)
    x = np.repeat(v.to_numpy(float), w.astype(int))
    nan = math.nan
    if not len(v):
        return dict(mean=nan, lo=nan, hi=nan, range_lo=nan, range_hi=nan, share_positive=nan,
                    sign_flips=False, se=nan, df=nan, n_eff=nan)  # fmt: skip
    mean = float(np.average(v, weights=w))
    half = se = nan
    n_eff = float(w.sum() ** 2 / (w**2).sum())
    if len(v) > 1:
        var = float(np.average((v - mean) ** 2, weights=w)) * len(v) / (len(v) - 1)
        se = math.sqrt(var / n_eff)
        half = float(stats.t.ppf(0.975, len(v) - 1) * se)
    pos, neg = float((x > 0).mean()), float((x < 0).mean())
    return {
        "mean": mean,
        "lo": mean - half,
        "hi": mean + half,
        "range_lo": float(np.quantile(x, 0.05)),
        "range_hi": float(np.quantile(x, 0.95)),
        "share_positive": pos,
        "sign_flips": bool(min(pos, neg) >= FLIP_SHARE),
        "se": se,  # for the Holm families (sim.analysis.ensemble_families)
        "df": float(len(v) - 1),
        "n_eff": n_eff,
    }


def effects(runs: pd.DataFrame, draws: np.ndarray) -> pd.DataFrame:
    """Per arm and outcome: mean effect over the drawn members (weighted by their draws; the
    interval's units are the distinct members, ``_spread``), its 95% t-interval, the
    members' 5-95% range and share positive; time to contain by RMST difference
    (``contain_effects``)."""
    missing = {CONTAINED, HORIZON} - set(runs.columns)
    if missing:
        raise SystemExit(
            f"the runs file has no {', '.join(sorted(missing))} column (written before time to "
            "contain was treated as censored): delete it and rerun the study"
        )
    base = runs[runs["arm"] == BASELINE].set_index(["member", "seed"])
    rows = []
    for arm, sub in runs[runs["arm"] != BASELINE].groupby("arm", sort=False):
        sub = sub.set_index(["member", "seed"])
        for col, (label, sign) in OUTCOMES.items():
            if col == CONTAIN:
                continue
            d = (sub[col] - base[col].reindex(sub.index)).dropna()
            per = d.groupby(level="member").mean()
            rows.append(
                {
                    "arm": arm,
                    "outcome": col,
                    "label": label,
                    "sign": sign,
                    **_spread(per, draws),
                    "members": int(per.size),
                    "seeds": int(d.groupby(level="member").size().min()) if len(per) else 0,
                }
            )
    return pd.DataFrame(rows + contain_effects(runs, draws))


def contain_effects(runs: pd.DataFrame, draws: np.ndarray) -> list[dict]:
    """Time to contain, censored at the horizon tau: per arm each member's RMST difference
    from the baseline over its seeds (Kaplan-Meier, sim.analysis.survival), summarised over
    the members like the other outcomes (``_spread``), and over the drawn runs the share
    contained and the Kaplan-Meier median time to contain (inf: not reached)."""
    from sim.analysis.survival import km, rmst

    tau = float(runs[HORIZON].min())
    drawn = pd.concat(
        [runs[runs["member"] == m].assign(draw=i) for i, m in enumerate(draws)], ignore_index=True
    )
    base_share = float(drawn.loc[drawn["arm"] == BASELINE, CONTAINED].mean())
    base = runs[runs["arm"] == BASELINE]
    label, sign = OUTCOMES[CONTAIN]
    rows = []
    for arm, sub in runs[runs["arm"] != BASELINE].groupby("arm", sort=False):
        per = {}
        for m, g in sub.groupby("member"):
            b = base[(base["member"] == m) & base["seed"].isin(g["seed"])]
            if len(b):
                per[m] = (
                    rmst(g[CONTAIN], g[CONTAINED], tau)[0] - rmst(b[CONTAIN], b[CONTAINED], tau)[0]
                )
        mine = drawn[drawn["arm"] == arm]
        rows.append(
            {
                "arm": arm,
                "outcome": CONTAIN,
                "label": label,
                "sign": sign,
                **_spread(pd.Series(per, dtype=float), draws),
                "members": len(per),
                "seeds": int(sub.groupby("member").size().min()),
                "tau": tau,
                "contained_share": float(mine[CONTAINED].mean()),
                "baseline_contained_share": base_share,
                "km_median": float(km(mine[CONTAIN], mine[CONTAINED]).median_survival_time_),
            }
        )
    return rows


def contain_intro(t: pd.DataFrame) -> list[str]:
    """What the time-to-contain table measures (it is censored: most runs never contain)."""
    tau = float(t["tau"].iloc[0])
    return [
        f"Time to contain is censored at the horizon ({tau:g} h): a run whose false story is "
        "never contained only says it took longer. Its effect is the difference of restricted "
        f"mean survival times (RMST) up to {tau:g} h, arm minus baseline: how many more of the "
        "first hours the story stays uncontained (Kaplan-Meier, `sim/analysis/survival.py`; "
        "each member's difference over its seeds, then the interval over the members as for "
        "the other outcomes; with censoring only at the horizon the RMST is the mean of the "
        "capped times, so the pairing by seed carries over). Beside it the share of runs "
        "that contained the story and the Kaplan-Meier median time to contain (inf: fewer "
        "than half did within the horizon).",
        "",
    ]


def write_report(eff: pd.DataFrame, args, path: Path, draws: np.ndarray) -> Path:
    from sim.outputs import atomic_write_bytes

    lines = [
        "# What-ifs over the karabakh2020 ensemble",
        "",
        f"{args.members} members drawn by weight from `results/karabakh2020/ensemble.csv` "
        f"({len(np.unique(draws))} distinct: {', '.join(map(str, np.unique(draws)))}) "
        f"(systematic resampling), {args.seeds} seeds each, every arm on the same (member, seed) "
        "pairs. Effect: arm minus baseline on the pair, averaged over a member's seeds; the "
        "mean over members weighted by their draws with its 95% t-interval (parameter "
        "uncertainty and noise; the units are the distinct members, with Kish's effective size "
        "of their weights, so a member drawn twice is not counted as two), the 5-95% "
        "range of the members' effects, and the share of members with a positive effect. "
        f"'sign varies': at least {FLIP_SHARE:.0%} of the members on each side of zero (with "
        "few seeds per member, run noise alone can do this for an effect near zero).",
        "",
    ]
    from sim.analysis.ensemble_families import (
        brief_lines,
        families,
        outcome_table,
        statistics_lines,
    )
    from sim.analysis.headline import findings_section

    fams = families(eff, {c: label for c, (label, _) in OUTCOMES.items()})
    flips = eff[eff["sign_flips"] & (eff["outcome"] != "cost_home")]
    lines += [*brief_lines(fams), *findings_section(fams)]
    for col, (label, _) in OUTCOMES.items():
        adj = next((f.table.set_index("arm") for f in fams.items if f.metric == col), None)
        t = eff[eff["outcome"] == col]
        lines += outcome_table(t, label, adj, contain_intro(t) if col == CONTAIN and len(t) else [])
    lines += [
        "`*`: differs from 0 after Holm adjustment within the outcome's family (every arm vs "
        "the baseline; section Statistics); home staff-hours: the 95% interval excludes 0 "
        "(a cost, not tested).",
        "",
        "Arms whose sign varies across the ensemble (outcomes other than cost): "
        + (
            ", ".join(sorted({f"{a} ({o})" for a, o in zip(flips["arm"], flips["outcome"])}))
            or "none"
        ),
        "",
        "Why each arm moves the outcomes (its effect split into reach, belief, attitude and "
        "trust, one Holm family per channel): the same arms on the fitted point, "
        "[whatif_point/whatif.md](whatif_point/whatif.md), section Effects by channel; the "
        "runs here keep only the outcomes above.",
        "",
        *statistics_lines(fams),
        f"Reproduce: `nice -n 10 scripts/python experiments/whatif2020.py --members {args.members} "
        f"--seeds {args.seeds}` (resumes from `{RUNS.relative_to(ROOT)}`; `--report-only` "
        "rewrites this report from it without running).",
        "",
    ]
    atomic_write_bytes(path, "\n".join(lines).encode())
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=10, help="ensemble members drawn by weight")
    ap.add_argument("--seeds", type=int, default=3, help="paired seeds per member")
    ap.add_argument("--ensemble", type=Path, default=ENSEMBLE)
    ap.add_argument("--runs", type=Path, default=RUNS)
    ap.add_argument("--out", type=Path, default=OUT / "whatif.md")
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("extra", nargs="*", help="overrides for every run (e.g. world.scale=0.0005)")
    args = ap.parse_args(argv)
    ens = read_ensemble(args.ensemble)
    draws = draw_members(ens, args.members, np.random.default_rng(np.random.SeedSequence(2020)))
    seeds = list(range(args.seeds))
    if args.report_only:
        runs = pd.read_csv(args.runs)
    else:
        runs = run_study(ens, draws, seeds, args.runs, tuple(args.extra))
    print(f"wrote {write_report(effects(runs, draws), args, args.out, draws)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
