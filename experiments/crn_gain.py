"""How much per-user common random numbers narrow the paired intervals of compare_strategies.

Runs the compare_strategies design (conf/experiment/compare_strategies.yaml) twice on the
same seeds, once per ``spread.draws`` mode (sequential: before; per_user: after), each as a
Hydra sweep into its own store (results/crn_gain/_runs/<mode>; run the command again after
an interruption and finished runs are kept). Then, per comparison (arm vs no strategy) and
outcome, the half-width of the paired 95% Student-t interval in each mode and their ratio,
written to results/compare_strategies/crn_gain.md and .csv (linked from that study's
report):

    scripts/python experiments/crn_gain.py [--seeds 20] [--jobs 2] [--analyse-only] [key=value ...]

Extra key=value overrides (e.g. graph.n=1000) go to both sweeps and are named in the report.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.analysis.studies import METRICS, NO_STRATEGY, arm_label, prepare  # noqa: E402
from sim.sweep.store import load_study  # noqa: E402

MODES = ("sequential", "per_user")  # before, after
OUT = ROOT / "results" / "crn_gain"
REPORT = ROOT / "results" / "compare_strategies" / "crn_gain.md"
ARM = "strategy@home"


def run_sweep(runs: Path, mode: str, seeds: int, jobs: int, extra: list[str]) -> int:
    cmd = [sys.executable, "-m", "sim", "-m", "+experiment=compare_strategies"]
    cmd += [f"spread.draws={mode}", f"seed=range(0,{seeds})", f"hydra.launcher.n_jobs={jobs}"]
    cmd += [f"hydra.sweep.dir={runs / mode}", *extra]
    print("+", " ".join(cmd[2:]), file=sys.stderr)
    return subprocess.run(["nice", "-n", "10", *cmd], cwd=ROOT).returncode


def half_widths(df: pd.DataFrame, seeds: int) -> pd.DataFrame:
    """Per arm and outcome: the paired 95% half-width, the sd of the differences and the
    correlation of arm and baseline across seeds (what the pairing gains from)."""
    df = prepare(df[df["seed"] < seeds])
    df = df.assign(arm=df[ARM].map(arm_label))
    rows = []
    for m, label in METRICS.items():
        piv = df.pivot_table(index="seed", columns="arm", values=m, aggfunc="first")
        base = piv[NO_STRATEGY]
        for arm in sorted(c for c in piv.columns if c != NO_STRATEGY):
            ok = piv[arm].notna() & base.notna()
            a, b = piv[arm][ok].to_numpy(float), base[ok].to_numpy(float)
            d, n = a - b, int(ok.sum())
            half = stats.t.ppf(0.975, n - 1) * d.std(ddof=1) / np.sqrt(n)
            rho = np.corrcoef(a, b)[0, 1] if a.std() > 0 and b.std() > 0 else np.nan
            rows.append(
                {
                    "outcome": label,
                    "arm": arm,
                    "pairs": n,
                    "mean_diff": d.mean(),
                    "half": half,
                    "rho": rho,
                }
            )
    return pd.DataFrame(rows)


def compare(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    before, after = tables["sequential"], tables["per_user"]
    keys = ["outcome", "arm"]
    t = before.merge(after, on=keys, suffixes=("_before", "_after"))
    t["ratio"] = t["half_after"] / t["half_before"]
    return t


def fmt(x: float, digits: int = 4) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:.{digits}g}"


def write_report(
    t: pd.DataFrame, seeds: int, extra: list[str], minutes: float | None, path: Path
) -> None:
    cmd = "scripts/python experiments/crn_gain.py" + (f" --seeds {seeds}" if seeds != 20 else "")
    cmd += "".join(f" {e}" for e in extra)
    lines = [
        "# Per-user common random numbers: paired intervals before and after",
        "",
        f"`{cmd}`: the compare_strategies design ({seeds} seeds per arm"
        + (f", with {' '.join(extra)}" if extra else "")
        + ") run in both draw modes on the same seeds. *Before*: `spread.draws=sequential`, "
        "every crowd choice drawn in turn from one stream, so an arm that changes one "
        "event shifts every later draw. *After*: `spread.draws=per_user`, each choice keyed "
        "by (stream, tick, user, narrative or post) (docs/model.md, Randomness). Half-width "
        "of the paired 95% Student-t interval of arm minus no strategy; ratio = after / "
        "before (below 1: narrower); rho = correlation of arm and baseline across seeds. "
        "Hours to contain: a story never contained counts as the horizon, so the mean "
        "paired difference is the restricted-mean (RMST) difference at tau = the horizon."
        + (f" Both sweeps took {minutes:.1f} min here." if minutes is not None else ""),
        "",
        "Reading: a half-width of 0 after means the arm changed nothing that feeds the "
        "outcome in any seed (with per-user draws its runs equal the baseline's there), "
        "which sequential draws hide under noise. Outcomes set mostly by what the arms "
        "already shared before (the world, the graph and the actors, drawn from their own "
        "streams in both modes: rho near 1 before) narrow least; outcomes set by the "
        "crowd's own chance (a false story's spread) narrow most. An arm that changes many "
        "users' feeds, or the language of posts (a post in another language is another "
        "post, with its own key), keeps less in common with the baseline. Each half-width "
        "is itself an estimate from the seeds' spread, so single ratios are noisy; the "
        "pooled ratio is the steadier summary.",
        "",
    ]
    for label, g in t.groupby("outcome", sort=False):
        r = g["ratio"].to_numpy()
        r = r[np.isfinite(r)]
        pooled = np.sqrt((g["half_after"] ** 2).mean() / (g["half_before"] ** 2).mean())
        lines += [
            f"## {label}",
            "",
            f"Median ratio {np.median(r):.2f} (range {r.min():.2f}-{r.max():.2f}); "
            f"{int((r < 1).sum())} of {len(r)} comparisons narrower; pooled over the arms "
            f"(root mean square of the half-widths) {pooled:.2f}.",
            "",
            "| arm | pairs | diff before | diff after | half-width before | half-width after "
            "| ratio | rho before | rho after |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for _, x in g.iterrows():
            lines.append(
                f"| {x['arm']} | {x['pairs_after']} | {fmt(x['mean_diff_before'])} | "
                f"{fmt(x['mean_diff_after'])} | {fmt(x['half_before'])} | "
                f"{fmt(x['half_after'])} | {x['ratio']:.2f} | {fmt(x['rho_before'], 2)} | "
                f"{fmt(x['rho_after'], 2)} |"
            )
        lines.append("")
    path.write_text("\n".join(lines))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--analyse-only", action="store_true", help="use the runs already stored")
    ap.add_argument("--runs", type=Path, default=OUT / "_runs", help="the two sweep stores")
    ap.add_argument("--report", type=Path, default=REPORT)
    args, extra = ap.parse_known_args()
    t0 = time.monotonic()
    if not args.analyse_only:
        for mode in MODES:
            if rc := run_sweep(args.runs, mode, args.seeds, args.jobs, extra):
                return rc
    minutes = None if args.analyse_only else (time.monotonic() - t0) / 60
    tables = {m: half_widths(load_study(args.runs / m), args.seeds) for m in MODES}
    t = compare(tables)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    t.to_csv(args.report.with_suffix(".csv"), index=False)
    write_report(t, args.seeds, extra, minutes, args.report)
    print(f"wrote {args.report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
