"""The sweep results store: config hashes, one-row result tables, atomic commits, the study table.

See the package docstring for the layout and the column conventions. Everything here is plain
file work so that any launcher (local processes, Ray workers, SLURM nodes on a shared file
system) can write to the same store without coordination: a run is finished exactly when its
``runs/<hash>/`` directory exists, and that directory appears by one atomic rename.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import socket
import uuid
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import psutil

RUNS, FAILED, STUDY, RESULT = "runs", "failed", "study.parquet", "result.parquet"
PROV = "prov."


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def config_dict(sc: Any) -> dict[str, Any]:
    """The validated SimConfig as plain data, without the ``output`` group (no effect on
    results)."""
    d = dataclasses.asdict(sc)
    d.pop("output", None)
    return d


def config_hash(sc: Any) -> str:
    """16 hex digits naming a run: equal hashes mean equal validated configs (seed included)."""
    return hashlib.sha256(canonical_json(config_dict(sc)).encode()).hexdigest()[:16]


def overrides_key(overrides: list[str]) -> str:
    """A stable name for a job by its override list (for failures, which may not validate)."""
    return hashlib.sha256(canonical_json(sorted(overrides)).encode()).hexdigest()[:16]


def flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts -> '.'-joined keys; lists -> JSON strings; scalars kept."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        elif isinstance(v, (list, tuple)):
            out[key] = canonical_json(list(v))
        else:
            out[key] = v
    return out


def param_value(v: Any) -> Any:
    return canonical_json(v) if isinstance(v, (list, tuple, dict)) else v


def params_from_overrides(overrides: list[str]) -> dict[str, Any]:
    """Column name -> typed value for every non-hydra override of a job."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    out: dict[str, Any] = {}
    for ov in OverridesParser.create().parse_overrides(overrides):
        key = ov.get_key_element().lstrip("+~")
        if key.startswith("hydra") or ov.is_delete():
            continue
        out[key] = param_value(ov.value())
    return out


def result_row(
    params: dict[str, Any], summary: dict[str, Any], prov: dict[str, Any]
) -> pd.DataFrame:
    """The one-row table of a finished run (see the package docstring for the columns)."""
    summary = dict(summary)
    timing = summary.pop("timing", {})
    row: dict[str, Any] = dict(params)
    for k, v in flatten(summary).items():
        row.setdefault(k, v)
    prov = {**prov, "timing": timing, "params": canonical_json(list(params))}
    row.update(flatten(prov, PROV))
    return pd.DataFrame([row])


def write_row(row: pd.DataFrame, path: Path) -> None:
    """One small Parquet file, atomically. Per-column footer data (statistics, dictionaries,
    the pandas/arrow schema copies) would be 5x the row itself, so it is left out: ~20 KB."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(row, preserve_index=False).replace_schema_metadata(None)
    from sim.outputs import atomic_path

    with atomic_path(path, fsync=True) as tmp:
        pq.write_table(
            table,
            tmp,
            write_statistics=False,
            store_schema=False,
            use_dictionary=False,
            compression="none",
        )


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """Flush every file under ``path`` (outputs written by others were not fsynced)."""
    for p in sorted(path.rglob("*")):
        if p.is_file():
            with open(p, "rb+") as fh:
                os.fsync(fh.fileno())
    fsync_dir(path)


def staging_dir(sweep: Path, h: str) -> Path:
    """A private temporary directory for run ``h``: hidden, named by attempt, process and host."""
    d = sweep / RUNS / f".{h}.tmp.{uuid.uuid4().hex[:8]}.{os.getpid()}.{socket.gethostname()}"
    d.mkdir(parents=True)
    return d


def _owner_dead(name: str) -> bool:
    """True for a staging dir made on this host by a process that no longer runs."""
    try:
        _, pid, host = name.split(".tmp.", 1)[1].split(".", 2)
    except ValueError:
        return False
    return host == socket.gethostname() and not psutil.pid_exists(int(pid))


def commit(staging: Path, final: Path) -> bool:
    """Flush and rename ``staging`` to ``final``; False if another attempt finished first."""
    fsync_tree(staging)
    try:
        os.rename(staging, final)
    except OSError:
        if (final / RESULT).exists():
            shutil.rmtree(staging, ignore_errors=True)
            return False
        raise
    fsync_dir(final.parent)
    return True


def is_finished(sweep: Path, h: str) -> bool:
    return (sweep / RUNS / h / RESULT).is_file()


def clean_stale(sweep: Path) -> int:
    """Remove staging dirs left by killed attempts of this host; returns how many.

    Dirs of live processes (another multirun sharing the store) and of other hosts are left
    alone: they are invisible to readers and harmless."""
    runs = sweep / RUNS
    stale = [p for p in runs.glob(".*.tmp.*") if _owner_dead(p.name)] if runs.is_dir() else []
    for p in stale:
        shutil.rmtree(p, ignore_errors=True)
    return len(stale)


def finished_hashes(sweep: Path) -> list[str]:
    runs = sweep / RUNS
    return (
        sorted(p.name for p in runs.iterdir() if not p.name.startswith("."))
        if runs.is_dir()
        else []
    )


def _read_rows(sweep: Path, hashes: list[str]) -> list[pd.DataFrame]:
    return [
        pd.read_parquet(sweep / RUNS / h / RESULT)
        for h in hashes
        if (sweep / RUNS / h / RESULT).is_file()
    ]


def merge_study(sweep: Path, write: bool = True) -> pd.DataFrame:
    """All finished runs of a sweep as one table, sorted by config hash; cached in study.parquet."""
    sweep = Path(sweep)
    hashes = finished_hashes(sweep)
    cached = sweep / STUDY
    parts: list[pd.DataFrame] = []
    todo = hashes
    if cached.is_file():
        old = pd.read_parquet(cached)
        old = old[old[f"{PROV}config_hash"].isin(hashes)]
        parts.append(old)
        todo = sorted(set(hashes) - set(old[f"{PROV}config_hash"]))
    parts += _read_rows(sweep, todo)
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame()
    df = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    df = df.sort_values(f"{PROV}config_hash", kind="stable").reset_index(drop=True)
    if write and todo:
        from sim.outputs import write_parquet

        try:
            write_parquet(df, cached)
        except (ValueError, TypeError, OSError) as e:  # e.g. a column mixing text and numbers
            warnings.warn(f"study table not cached in {cached}: {e}", stacklevel=2)
    return df


def load_study(path: str | Path) -> pd.DataFrame:
    """One pandas DataFrame, one row per finished run, from a sweep dir, its runs/ dir or a
    .parquet."""
    p = Path(path)
    if p.is_file():
        return pd.read_parquet(p)
    if p.name == RUNS:
        p = p.parent
    if not p.is_dir():
        raise FileNotFoundError(f"no sweep at {p}")
    return merge_study(p, write=os.access(p, os.W_OK))


def param_columns(df: pd.DataFrame) -> list[str]:
    """The parameter columns (job overrides) of a study table, in first-seen order."""
    seen: dict[str, None] = {}
    for s in df.get(f"{PROV}params", pd.Series(dtype=object)).dropna().unique():
        seen.update(dict.fromkeys(json.loads(s)))
    return [c for c in seen if c in df.columns]


def metric_columns(df: pd.DataFrame) -> list[str]:
    params = set(param_columns(df))
    return [c for c in df.columns if not c.startswith(PROV) and c not in params]


def deterministic_columns(df: pd.DataFrame) -> list[str]:
    """Columns that must be identical for the same sweep under any launcher or order."""
    return [c for c in df.columns if not c.startswith(PROV)] + [f"{PROV}config_hash", f"{PROV}seed"]
