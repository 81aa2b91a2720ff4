"""``python -m sim.analysis <experiment> <sweep dir> [--out DIR]``: aggregate a multirun.

Reads the sweep's study table (``sim.sweep.load_study``), writes ``runs.parquet`` (one
row per run: config columns and outcomes), ``report.md`` and the figures under
``results/<experiment>/`` (or ``--out``). ``--target support=0.005`` (repeatable) sets a
target half-width per outcome, ``--effect support=0.01`` an effect size for the power
table; with ``--add-seeds B --max-seeds N`` seeds are first added
to the sweep in batches of B until every target is met or N seeds are reached
(``sim.analysis.precision``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sim.analysis.studies import ANALYSES, prepare


def analyse(
    experiment: str,
    sweep: Path,
    out: Path,
    targets: dict[str, float] | None = None,
    effects: dict[str, list[float]] | None = None,
) -> Path:
    from sim.analysis.multiplicity import Families
    from sim.analysis.precision import report_lines
    from sim.outputs import atomic_write_bytes, write_parquet
    from sim.sweep import load_study

    df = load_study(sweep)
    if df.empty:
        raise SystemExit(f"error: no finished runs in {sweep}")
    out.mkdir(parents=True, exist_ok=True)
    prefix = "whatif_" if experiment == "whatif" else ""  # shares results/karabakh2020/
    fams = Families(targets=targets or {})
    write_parquet(df, out / f"{prefix}runs.parquet")
    lines = [
        f"# Experiment `{experiment}`",
        "",
        f"{len(df)} runs from `{sweep}`; table `{prefix}runs.parquet` (one row per run). "
        f"Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by "
        f"`python -m sim.analysis {experiment} {sweep}`.",
        "",
        *ANALYSES[experiment](prepare(df), out, fams),
        "",
        *report_lines(fams, fams.targets, effects),
        "",
    ]
    path = out / ("whatif.md" if prefix else "report.md")
    atomic_write_bytes(path, "\n".join(lines).encode())
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.analysis", description=__doc__.splitlines()[0])
    ap.add_argument("experiment", help=f"one of: {', '.join(ANALYSES)}")
    ap.add_argument("sweep", type=Path, help="the multirun's hydra.sweep.dir (or a study .parquet)")
    ap.add_argument("--out", type=Path, default=None, help="default: results/<experiment>")
    ap.add_argument("--target", action="append", default=[], help="OUTCOME=HALF_WIDTH")
    ap.add_argument("--effect", action="append", default=[], help="OUTCOME=SIZE (power table)")
    ap.add_argument("--add-seeds", type=int, default=0, help="batch of seeds to add (0: none)")
    ap.add_argument("--max-seeds", type=int, default=100, help="cap on seeds when adding")
    a = ap.parse_args(argv)
    if a.experiment not in ANALYSES:
        print(
            f"error: experiment: unknown '{a.experiment}'; known: {', '.join(ANALYSES)}",
            file=sys.stderr,
        )
        return 2
    if not a.sweep.exists():
        print(f"error: sweep: {a.sweep} does not exist", file=sys.stderr)
        return 2
    from sim.analysis.precision import extend, parse_targets

    targets = parse_targets(a.target)
    effects: dict[str, list[float]] = {}
    for item in a.effect:
        for m, v in parse_targets([item], "--effect").items():
            effects.setdefault(m, []).append(v)
    if a.add_seeds < 0 or a.max_seeds < 2 or (a.add_seeds and not targets):
        print(
            "error: --add-seeds: a positive batch needs --target and --max-seeds >= 2",
            file=sys.stderr,
        )
        return 2
    if a.add_seeds:
        extend(a.experiment, a.sweep, targets, a.add_seeds, a.max_seeds)
    out = a.out or Path("results") / ("karabakh2020" if a.experiment == "whatif" else a.experiment)
    print(f"wrote {analyse(a.experiment, a.sweep, out, targets, effects)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
