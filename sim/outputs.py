"""Write a run's results: tidy Parquet tables, summary.json and figures.

Files are written to a temporary name and renamed, so a killed run never leaves a file
that looks finished.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def write_json(obj: Any, path: Path) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=2, sort_keys=False) + "\n").encode())


def write_run(out: Path, timeseries: pd.DataFrame, actors: pd.DataFrame | None,
              summary: dict[str, Any], figures: bool, world=None) -> list[Path]:
    """Everything a run leaves behind; summary.json last, as the 'finished' marker."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "timeseries.parquet"]
    write_parquet(timeseries, written[0])
    if actors is not None:
        written.append(out / "actors.parquet")
        write_parquet(actors, written[-1])
    if figures:
        from sim.figures import make_figures

        written += make_figures(out / "figures", timeseries, actors, summary, world)
    written.append(out / "summary.json")
    write_json(summary, written[-1])
    return written
