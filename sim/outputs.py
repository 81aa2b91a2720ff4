"""Write a run's results: tidy Parquet tables, summary.json, timing.json and figures.

Files are written to a temporary name and renamed, so a killed run never leaves a file
that looks finished.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd


@contextmanager
def atomic_path(path: Path, fsync: bool = False, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary sibling of ``path`` to write; once the block ends it replaces
    ``path`` in one rename (after an fsync when asked), so a reader never sees a half-written
    file. ``suffix`` keeps an extension for writers that infer the format from it."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}{suffix}")
    yield tmp
    if fsync:
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path, fsync=True) as tmp:
        tmp.write_bytes(data)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False)


def write_json(obj: Any, path: Path) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, sort_keys=False) + "\n").encode())


WALL_CLOCK_KEYS = ("timing",)  # summary entries that differ between identical runs


def split_wall_clock(summary: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(deterministic part, wall-clock part) of a summary; the input is left unchanged."""
    det = {k: v for k, v in summary.items() if k not in WALL_CLOCK_KEYS}
    clock = {k: summary[k] for k in WALL_CLOCK_KEYS if k in summary}
    return det, clock


def write_run(
    out: Path,
    timeseries: pd.DataFrame,
    actors: pd.DataFrame | None,
    summary: dict[str, Any],
    figures: bool,
    world=None,
    cascades=None,
) -> list[Path]:
    """Everything a run leaves behind; summary.json last, as the 'finished' marker.

    summary.json holds only what the config and seed determine, so two runs with the
    same seed give identical bytes; wall-clock timing goes to timing.json beside it."""
    out.mkdir(parents=True, exist_ok=True)
    summary, clock = split_wall_clock(summary)
    written = [out / "timeseries.parquet"]
    write_parquet(timeseries, written[0])
    if actors is not None:
        written.append(out / "actors.parquet")
        write_parquet(actors, written[-1])
    if figures:
        from sim.figures import make_figures

        written += make_figures(out / "figures", timeseries, actors, summary, world)
    if cascades is not None:  # output.cascades: parent links, per-cascade metrics, figures
        written += write_cascades(out, cascades, figures)
    if clock:
        written.append(out / "timing.json")
        write_json(clock.get("timing", clock), written[-1])
    written.append(out / "summary.json")
    write_json(summary, written[-1])
    return written


def write_cascades(out: Path, tables, figures: bool) -> list[Path]:
    """cascades.parquet (one row per adoption), cascade_trees.parquet (one per cascade)
    and, when asked, the cascade figures (``tables``: sim.cascades.run.CascadeTables)."""
    paths = [out / "cascades.parquet", out / "cascade_trees.parquet"]
    write_parquet(tables.adoptions, paths[0])
    write_parquet(tables.trees, paths[1])
    if figures:
        from sim.cascades.figures import make_cascade_figures

        paths += make_cascade_figures(
            out / "figures", tables.adoptions, tables.trees, tables.narr_true
        )
    return paths


def timing_line(summary: dict[str, Any]) -> str:
    """One line on where the wall-clock time went (the content of timing.json)."""
    t = summary.get("timing") or {}
    if not t:
        return ""
    phases = ", ".join(f"{k} {v:.2f}" for k, v in t.get("phases_s", {}).items())
    return f"Wall time: build {t.get('build_s', 0):.2f} s, run {t.get('run_s', 0):.2f} s" + (
        f" (phases, s: {phases})" if phases else ""
    )
