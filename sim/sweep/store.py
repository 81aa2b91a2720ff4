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
    results), plus the SHA-256 of every input file: replacing a graph file under the same name
    gives a new run identity instead of the old result."""
    d = dataclasses.asdict(sc)
    d.pop("output", None)
    inputs = input_digests(sc)
    if inputs:
        d["inputs"] = inputs
    return d


def input_digests(sc: Any) -> dict[str, str]:
    """{config key: sha256 of the file's bytes} for every input file the config names."""
    path = getattr(sc.graph, "path", "") if sc.graph.kind == "file" else ""
    if not path:
        return {}
    return {"graph.path": file_sha256(Path(path).expanduser())}


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def config_hash(sc: Any) -> str:
    """16 hex digits naming a run: equal hashes mean equal validated configs (seed included)
    and equal input files. A file counts by its content, not by where it lies, so the same
    file reached by another (absolute) path is the same run."""
    d = config_dict(sc)
    if d.get("inputs"):
        d["graph"] = {**d["graph"], "path": ""}
    return hashlib.sha256(canonical_json(d).encode()).hexdigest()[:16]


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


def reads_back(path: Path) -> bool:
    """True if ``path`` is a complete Parquet file (its footer parses)."""
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
    except Exception:  # pyarrow raises ArrowInvalid (a ValueError) or OSError for a torn file
        return False
    return True


def is_finished(sweep: Path, h: str) -> bool:
    """A run is finished only if its result reads back; a corrupt one is moved aside
    (``runs/.<h>.corrupt.*``, as a hidden name readers skip) so that the job runs again."""
    result = sweep / RUNS / h / RESULT
    if result.is_file() and reads_back(result):
        return True
    if (sweep / RUNS / h).is_dir():
        discard_corrupt(sweep, h)
    return False


def discard_corrupt(sweep: Path, h: str) -> None:
    aside = sweep / RUNS / f".{h}.corrupt.{uuid.uuid4().hex[:8]}"
    try:
        os.rename(sweep / RUNS / h, aside)
    except OSError:
        return  # another job moved or replaced it first
    warnings.warn(f"run {h}: result.parquet did not read back; it is run again", stacklevel=2)
    shutil.rmtree(aside, ignore_errors=True)


def clean_stale(sweep: Path) -> int:
    """Remove staging dirs left by killed attempts of this host; returns how many.

    Dirs of live processes (another multirun sharing the store) and of other hosts are left
    alone: they are invisible to readers and harmless."""
    runs = sweep / RUNS
    stale = [p for p in runs.glob(".*.tmp.*") if _owner_dead(p.name)] if runs.is_dir() else []
    for p in stale:
        shutil.rmtree(p, ignore_errors=True)
    return len(stale)


def clean_own(sweep: Path, pids: set[int]) -> None:
    """Remove the staging dirs of this host's processes ``pids`` (a sweep that stops on a
    write error leaves no temporary directory behind)."""
    runs, host = sweep / RUNS, socket.gethostname()
    for p in runs.glob(".*.tmp.*") if runs.is_dir() else []:
        parts = p.name.split(".tmp.", 1)[1].split(".", 2)
        if len(parts) == 3 and parts[2] == host and parts[1].isdigit() and int(parts[1]) in pids:
            shutil.rmtree(p, ignore_errors=True)


def finished_hashes(sweep: Path) -> list[str]:
    runs = sweep / RUNS
    return (
        sorted(p.name for p in runs.iterdir() if not p.name.startswith("."))
        if runs.is_dir()
        else []
    )


def _read_rows(sweep: Path, hashes: list[str]) -> list[pd.DataFrame]:
    """The result rows of ``hashes``; a run whose result does not read back is skipped."""
    rows = []
    for h in hashes:
        path = sweep / RUNS / h / RESULT
        try:
            rows.append(pd.read_parquet(path))
        except Exception:  # torn or missing: not a finished run
            warnings.warn(f"run {h}: {RESULT} does not read back; left out", stacklevel=2)
    return rows


def _cached_rows(cached: Path, sweep: Path, hashes: list[str]) -> pd.DataFrame | None:
    """Rows of study.parquet still valid: the run exists and its result file is not newer
    than the cache (a run deleted and rerun is read again). None if the cache is unreadable."""
    if not cached.is_file():
        return None
    try:
        old = pd.read_parquet(cached)
        stamp = cached.stat().st_mtime_ns
    except Exception:  # a torn cache is rebuilt from the run files
        return None
    col = f"{PROV}config_hash"
    if col not in old.columns:
        return None
    fresh = set()
    for h in hashes:
        try:
            if (sweep / RUNS / h / RESULT).stat().st_mtime_ns <= stamp:
                fresh.add(h)
        except OSError:
            pass
    return old[old[col].isin(fresh)]


def merge_study(sweep: Path, write: bool = True) -> pd.DataFrame:
    """All finished runs of a sweep as one table, sorted by config hash; cached in
    study.parquet, which is only a cache: rows are reused only for runs whose result file is
    older than it, and an unreadable cache is rebuilt from the run files."""
    sweep = Path(sweep)
    hashes = finished_hashes(sweep)
    cached = sweep / STUDY
    parts: list[pd.DataFrame] = []
    todo = hashes
    old = _cached_rows(cached, sweep, hashes)
    stale_cache = cached.is_file() and old is None
    if old is not None:
        parts.append(old)
        todo = sorted(set(hashes) - set(old[f"{PROV}config_hash"]))
        stale_cache = len(old) != _cached_len(cached)
    parts += _read_rows(sweep, todo)
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame()
    df = _concat(parts)
    df = df.sort_values(f"{PROV}config_hash", kind="stable").reset_index(drop=True)
    if write and (todo or stale_cache):
        from sim.outputs import write_parquet

        try:
            write_parquet(df, cached)
        except (ValueError, TypeError, OSError) as e:  # e.g. a column mixing text and numbers
            warnings.warn(f"study table not cached in {cached}: {e}", stacklevel=2)
    return df


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Rows of several tables; a column that is empty (all None/NaN) in one part does not
    decide the result's dtype (pandas' old rule, which it is deprecating), and it is kept."""
    if len(parts) == 1:
        return parts[0]
    columns = list(dict.fromkeys(c for p in parts for c in p.columns))
    trimmed = [p.dropna(axis=1, how="all") for p in parts]
    return pd.concat(trimmed, ignore_index=True).reindex(columns=columns)


def _cached_len(cached: Path) -> int:
    import pyarrow.parquet as pq

    return pq.read_metadata(cached).num_rows


def load_study(path: str | Path) -> pd.DataFrame:
    """One DataFrame, one row per finished run, from a sweep dir, its runs/ dir or a .parquet."""
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
