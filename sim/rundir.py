"""A single run's directory holds exactly one run.

Hydra writes ``.hydra/`` and a log into the run directory before our task starts; anything
else there is a previous run's output, which a new run would otherwise mix with its own
files (old figures beside a new summary). So a run refuses a directory holding outputs
(``output.overwrite=true`` clears them first), locks the directory while it writes (a second
run into the same directory stops at once instead of interleaving files), checks that the
directory is writable and the disk has room before simulating, and leaves an
``INTERRUPTED`` marker when it is stopped half-way.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sim.errors import ConfigError

LOCK, INTERRUPTED = ".run.lock", "INTERRUPTED"
OURS = {".hydra", LOCK, INTERRUPTED}  # not a previous run's results
KEY = "hydra.run.dir"
# What a run writes (sim.outputs.write_run): the only names output.overwrite may delete.
RUN_FILES = {
    "timeseries.parquet",
    "actors.parquet",
    "summary.json",
    "timing.json",
    "figures",
    "cascades.parquet",
    "cascade_trees.parquet",
}


def leftovers(out: Path) -> list[str]:
    """Names in ``out`` that belong to an earlier run (not Hydra's files, not the lock)."""
    if not out.is_dir():
        return []
    return sorted(p.name for p in out.iterdir() if p.name not in OURS and p.suffix != ".log")


def check_target(given: str, overwrite: bool) -> None:
    """Before Hydra touches it: ``given`` names a directory we can write into, holding no
    earlier run unless ``overwrite``. Empty would mean the current directory: refused."""
    given = given.strip().strip("'\"")
    if not given.strip():
        raise ConfigError(KEY, "is empty; give a directory for the run's outputs")
    out = Path(given).expanduser()
    check_writable(out)
    if leftovers(out) and not overwrite:
        raise refused(out)
    if overwrite and foreign(out):
        raise not_a_run(out)


def check_writable(out: Path, key: str = KEY) -> None:
    """``out``, or its nearest existing ancestor, is a directory we may write into."""
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ConfigError(key, f"'{out}': '{probe}' is a file, not a directory")
    if not os.access(probe, os.W_OK | os.X_OK) or str(probe.resolve()).startswith(
        ("/proc", "/sys")
    ):
        raise ConfigError(key, f"'{out}': '{probe}' is not writable; choose another directory")


def foreign(out: Path) -> list[str]:
    """Leftovers that no run writes: never deleted, not even with output.overwrite."""
    return [n for n in leftovers(out) if n not in RUN_FILES]


def _listed(names: list[str]) -> str:
    """The first few names of a folder's contents, for a one-line message."""
    return ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")


def not_a_run(out: Path) -> ConfigError:
    return ConfigError(
        KEY,
        f"'{out}' holds files that are not a run's outputs ({_listed(foreign(out))}"
        "); output.overwrite=true replaces only a "
        "run; choose a new directory",
    )


def refused(out: Path) -> ConfigError:
    return ConfigError(
        KEY,
        f"'{out}' already holds a run ({_listed(leftovers(out))}); choose a new directory "
        "or add output.overwrite=true to replace it",
    )


def probe_writable(out: Path) -> None:
    """Create and remove a file: catches read-only mounts and immutable directories."""
    tmp = out / f".probe.{uuid.uuid4().hex[:8]}"
    try:
        tmp.write_bytes(b"")
        tmp.unlink()
    except OSError as e:
        raise ConfigError(
            KEY, f"'{out}' is not writable ({e.strerror}); choose another directory"
        ) from None


def check_space(out: Path, need: int, key: str = KEY) -> None:
    free = shutil.disk_usage(out).free
    if free < need:
        raise ConfigError(
            key,
            f"'{out}' has {free / 2**20:.0f} MiB free but the outputs need about "
            f"{need / 2**20:.0f} MiB; free some space or choose another directory "
            "(output.figures=false writes less)",
        )


def clear(out: Path) -> None:
    """Move an earlier run's outputs aside in one rename each, then delete them."""
    names = leftovers(out)
    trash = out / f".replaced.{uuid.uuid4().hex[:8]}"
    trash.mkdir()
    for name in names:
        os.replace(out / name, trash / name)
    (out / INTERRUPTED).unlink(missing_ok=True)
    shutil.rmtree(trash, ignore_errors=True)


@contextmanager
def claimed(out: Path, overwrite: bool, need_bytes: int) -> Iterator[Path]:
    """Hold ``out`` for one run: writable, room on disk, locked, no earlier outputs."""
    out.mkdir(parents=True, exist_ok=True)
    probe_writable(out)
    with open(out / LOCK, "a") as fh:  # closing it (also on a kill) releases the lock
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                KEY, f"'{out}' is in use by another run; give each run its own directory"
            ) from None
        if leftovers(out):
            if not overwrite:
                raise refused(out)
            if foreign(out):
                raise not_a_run(out)
            clear(out)
        check_space(out, need_bytes)
        try:
            yield out
        except KeyboardInterrupt:
            mark_interrupted(out)
            raise
        (out / INTERRUPTED).unlink(missing_ok=True)  # the lock file stays: see OURS


def mark_interrupted(out: Path) -> None:
    """Say that the directory holds an unfinished run; drop half-written temporary files."""
    for tmp in out.rglob(".*.tmp*"):
        tmp.unlink(missing_ok=True)
    with suppress(OSError):
        (out / INTERRUPTED).write_text(
            "This run was stopped before it finished; its outputs are incomplete.\n"
        )
