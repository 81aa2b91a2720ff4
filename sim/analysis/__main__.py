"""``python -m sim.analysis <study> <sweep dir> [--out DIR | --results]``: aggregate a multirun.

Reads the sweep's study table (``sim.sweep.load_study``), writes ``runs.parquet`` (one
row per run: config columns and outcomes), ``report.md`` and the figures next to the sweep,
in ``<sweep dir>/analysis/<study>/`` (or ``--out``); ``--results`` writes the committed
report under ``results/<study>/`` instead. ``compare --by KEY [--baseline V]`` compares the
values of any swept key, paired by seed. ``--target support=0.005`` (repeatable) sets a
target half-width per outcome, ``--effect support=0.01`` an effect size for the power
table; with ``--add-seeds B --max-seeds N`` seeds are first added to the sweep in batches
of B until every target is met or N seeds are reached (``sim.analysis.precision``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sim.analysis.studies import ANALYSES, prepare
from sim.errors import ConfigError

RESULTS = Path("results")
STUDIES = [*ANALYSES, "compare"]
# The swept key each study reads; an ordinary sweep without it is refused in one line.
NEEDS = {
    "compare_strategies": ["strategy@home"],
    "whatif": ["whatif"],
    "duel": ["strategy@home", "strategy@rival"],
    "response_delay": ["home.rapid_response.delay_hours"],
    "languages": ["home.multilingual.translation_capacity"],
    "volunteers": ["home.volunteer_campaign.volunteers"],
}


def default_out(study: str, sweep: Path, to_results: bool) -> Path:
    if to_results:
        # the ensemble what-ifs (experiments/whatif2020.py) own results/karabakh2020/whatif.md
        return RESULTS / "karabakh2020" / "whatif_point" if study == "whatif" else RESULTS / study
    base = sweep.parent if sweep.is_file() else sweep
    return base / "analysis" / study


def check_study(study: str, df, swept: list[str]) -> None:
    """ConfigError naming the first swept key the study needs that the sweep lacks."""
    for key in NEEDS.get(study, []):
        if key not in df:
            raise ConfigError(
                "sweep",
                f"'{study}' needs the swept key '{key}', which this sweep lacks (swept: "
                f"{', '.join(swept) or 'nothing'}); for any sweep use: python -m sim.analysis "
                "compare <sweep> --by <key>",
            )


def analyse(
    experiment: str,
    sweep: Path,
    out: Path,
    targets: dict[str, float] | None = None,
    effects: dict[str, list[float]] | None = None,
    by: str | None = None,
    baseline: str | None = None,
    growth: tuple[int, int] | None = None,
    options: str = "",
) -> Path:
    """Write the report; ``growth`` (batch, cap): seeds were added by precision, say so;
    ``options``: the precision options, quoted in the report's command."""
    from sim.analysis.headline import brief, with_findings
    from sim.analysis.multiplicity import Families
    from sim.analysis.precision import DEFAULT_TARGETS, report_lines
    from sim.outputs import atomic_write_bytes, write_parquet
    from sim.sweep import load_study
    from sim.sweep.store import param_columns

    df = load_study(sweep)
    if df.empty:
        raise ConfigError("sweep", f"no finished runs in {sweep}")
    swept = [c for c in param_columns(df) if c != "seed" and df[c].nunique(dropna=False) > 1]
    if experiment == "compare":
        from sim.analysis.compare import analyse_compare, check

        base = check(df, by or "", baseline, swept)
        body = lambda d, o, f: analyse_compare(d, o, by or "", base, f)  # noqa: E731
    else:
        check_study(experiment, df, swept)
        body = ANALYSES[experiment]
    out.mkdir(parents=True, exist_ok=True)
    prefix = "whatif_" if experiment == "whatif" else ""  # shares results/karabakh2020/
    fams = Families(targets=targets or DEFAULT_TARGETS)
    write_parquet(df, out / f"{prefix}runs.parquet")
    header = [
        f"# Experiment `{experiment}`",
        "",
        f"{len(df)} runs from `{sweep}`; table `{prefix}runs.parquet` (one row per run). "
        f"Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by "
        f"`{command(experiment, sweep, by, baseline)}"
        f"{' --results' if out.resolve().is_relative_to(RESULTS.resolve()) else ''}"
        f"{' ' + options if options else ''}`.",
        "",
    ]
    body_lines = body(prepare(df), out, fams)
    header += brief(fams, fams.targets, not targets, body_lines)
    if growth:
        from sim.analysis.precision import growth_lines

        header += growth_lines(sweep, fams, fams.targets, *growth)
    lines = [
        *with_findings(header, body_lines, fams),
        "",
        *report_lines(fams, fams.targets, effects, default=not targets),
        "",
    ]
    path = out / ("whatif.md" if prefix else "report.md")
    atomic_write_bytes(path, "\n".join(lines).encode())
    return path


def command(study: str, sweep: Path, by: str | None, baseline: str | None) -> str:
    extra = f" --by {by}" if by else ""
    extra += f" --baseline {baseline}" if baseline is not None else ""
    return f"python -m sim.analysis {study} {sweep}{extra}"


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m sim.analysis", description=__doc__.splitlines()[0])
    ap.add_argument("experiment", help=f"one of: {', '.join(STUDIES)}")
    ap.add_argument("sweep", type=Path, help="the multirun's hydra.sweep.dir (or a study .parquet)")
    ap.add_argument("--out", type=Path, default=None, help="default: <sweep>/analysis/<study>")
    ap.add_argument("--results", action="store_true", help="write the committed results/<study>")
    ap.add_argument("--by", default=None, help="compare: the swept key whose values to compare")
    ap.add_argument("--baseline", default=None, help="compare: the reference value (first)")
    ap.add_argument("--target", action="append", default=[], help="OUTCOME=HALF_WIDTH")
    ap.add_argument("--effect", action="append", default=[], help="OUTCOME=SIZE (power table)")
    ap.add_argument("--add-seeds", type=int, default=0, help="batch of seeds to add (0: none)")
    ap.add_argument("--max-seeds", type=int, default=100, help="cap on seeds when adding")
    return ap.parse_args(argv)


def checked_out(a: argparse.Namespace) -> Path:
    if a.experiment not in STUDIES:
        raise ConfigError("experiment", f"unknown '{a.experiment}'; known: {', '.join(STUDIES)}")
    if not a.sweep.exists():
        raise ConfigError("sweep", f"{a.sweep} does not exist")
    if a.experiment == "compare" and not a.by:
        raise ConfigError("--by", "compare needs the swept key to compare: --by <key>")
    out = a.out or default_out(a.experiment, a.sweep, a.results)
    inside = out.resolve().is_relative_to(RESULTS.resolve())
    if inside and not a.results:
        raise ConfigError("--out", f"{out} is inside results/ (committed reports); add --results")
    return out


def precision_options(a: argparse.Namespace) -> tuple[dict, dict[str, list[float]]]:
    """--target and --effect as dicts; refuses --add-seeds without a target."""
    from sim.analysis.precision import parse_targets

    targets = parse_targets(a.target)
    effects: dict[str, list[float]] = {}
    for item in a.effect:
        for m, v in parse_targets([item], "--effect").items():
            effects.setdefault(m, []).append(v)
    if a.add_seeds < 0 or a.max_seeds < 2 or (a.add_seeds and not targets):
        raise ConfigError("--add-seeds", "a positive batch needs --target and --max-seeds >= 2")
    if a.add_seeds and a.experiment == "compare":
        raise ConfigError("--add-seeds", "adds seeds to a study's sweep; not available for compare")
    return targets, effects


def options(a: argparse.Namespace) -> str:
    """The precision options as typed, for the report's command line."""
    parts = [f"--target {t}" for t in a.target] + [f"--effect {e}" for e in a.effect]
    if a.add_seeds:
        parts += [f"--add-seeds {a.add_seeds}", f"--max-seeds {a.max_seeds}"]
    return " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    try:
        out = checked_out(a)
        targets, effects = precision_options(a)
        if a.add_seeds:
            from sim.analysis.precision import extend

            extend(a.experiment, a.sweep, targets, a.add_seeds, a.max_seeds)
        growth = (a.add_seeds, a.max_seeds) if a.add_seeds else None
        path = analyse(
            a.experiment, a.sweep, out, targets, effects, a.by, a.baseline, growth, options(a)
        )
    except ConfigError as e:
        print(e.line(), file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
