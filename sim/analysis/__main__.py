"""``python -m sim.analysis <study> <sweep dir> [--out DIR | --results]``: aggregate a multirun.

Reads the sweep's study table (``sim.sweep.load_study``), writes ``runs.parquet`` (one
row per run: config columns and outcomes), ``report.md`` and the figures next to the sweep,
in ``<sweep dir>/analysis/<study>/`` (or ``--out``); ``--results`` writes the committed
report under ``results/<study>/`` instead. ``compare --by KEY [--baseline V]`` compares the
values of any swept key, paired by seed.
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
        return RESULTS / ("karabakh2020" if study == "whatif" else study)
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
    experiment: str, sweep: Path, out: Path, by: str | None = None, baseline: str | None = None
) -> Path:
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
        body = lambda d, o: analyse_compare(d, o, by or "", base)  # noqa: E731
    else:
        check_study(experiment, df, swept)
        body = ANALYSES[experiment]
    out.mkdir(parents=True, exist_ok=True)
    prefix = "whatif_" if experiment == "whatif" else ""  # shares results/karabakh2020/
    write_parquet(df, out / f"{prefix}runs.parquet")
    lines = [
        f"# Experiment `{experiment}`",
        "",
        f"{len(df)} runs from `{sweep}`; table `{prefix}runs.parquet` (one row per run). "
        f"Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by "
        f"`{command(experiment, sweep, by, baseline)}"
        f"{' --results' if out.resolve().is_relative_to(RESULTS.resolve()) else ''}`.",
        "",
        *body(prepare(df), out),
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


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    try:
        out = checked_out(a)
        print(f"wrote {analyse(a.experiment, a.sweep, out, a.by, a.baseline)}")
    except ConfigError as e:
        print(e.line(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
