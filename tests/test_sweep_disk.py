"""A sweep whose store cannot be written (issue 20, "disk full ... the sweep store likewise"):
one line and exit 3, no temporary directory left, the finished runs kept."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import ROOT, TINY, env

sys.path.insert(0, str(ROOT / "scripts"))
from audit_sweeps import SAVE_FAILS

SWEEP = [sys.executable, "-m", "sim", "-m", *TINY]
# Hydra saving a job's .hydra/config.yaml fails from the second job on, as on a full disk.
FULL_AFTER_ONE_JOB = SAVE_FAILS  # the audit battery's stand-in for a full disk


def _has_tmpfs() -> bool:
    """A private tmpfs (user and mount namespace) can be mounted without root here."""
    if shutil.which("unshare") is None:
        return False
    cmd = ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"]
    return subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0


def _stopped_in_one_line(p: subprocess.CompletedProcess, sweep: Path) -> None:
    assert p.returncode == 3, p.stderr[-3000:]
    assert "Traceback" not in p.stderr and "Logging error" not in p.stderr, p.stderr[-3000:]
    last = p.stderr.strip().splitlines()[-1]
    assert last.startswith("error: hydra.sweep.dir:") and "No space left" in last, last
    assert "run the same command" in last
    leftovers = [q for q in sweep.rglob("*") if ".tmp" in q.name]
    assert leftovers == [], leftovers


def test_full_disk_while_hydra_saves_a_job_config(tmp_path: Path) -> None:
    sweep = tmp_path / "sw"
    cmd = [sys.executable, "-c", FULL_AFTER_ONE_JOB, "-m", *TINY, "seed=1,2"]
    p = subprocess.run(
        [*cmd, f"hydra.sweep.dir={sweep}"],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    _stopped_in_one_line(p, sweep)
    assert len(list((sweep / "runs").iterdir())) == 1  # the first job's run is kept


@pytest.mark.slow
@pytest.mark.skipif(not _has_tmpfs(), reason="no unprivileged tmpfs (unshare -rm) here")
def test_sweep_on_a_really_full_tmpfs(tmp_path: Path) -> None:
    """A 64 KiB file system: Hydra's own writes fill it within two jobs."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    sweep = mnt / "sw"
    script = (
        f'mount -t tmpfs -o size=64k tmpfs "{mnt}" && "$@"; rc=$?; '
        f'find "{mnt}" -name ".*tmp*" >&2; exit $rc'
    )
    cmd = ["unshare", "-rm", "sh", "-c", script, "sh", *SWEEP, "seed=1,2,3"]
    p = subprocess.run(
        [*cmd, f"hydra.sweep.dir={sweep}"],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    # the mount is gone with the namespace: the find above looked for temporary files
    _stopped_in_one_line(p, sweep)


@pytest.mark.parametrize("target", ["/dev/null/sw", "", "/proc/sim-sweep"])
def test_unusable_sweep_dir_is_one_line_exit_2(tmp_path: Path, target: str) -> None:
    p = subprocess.run(
        [*SWEEP, "seed=1,2", f"hydra.sweep.dir={target}"],
        cwd=tmp_path,
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 2 and len(lines) == 1, p.stderr
    assert lines[0].startswith("error: hydra.sweep.dir:"), lines
    assert list(tmp_path.iterdir()) == []


# The disk fills while a single run writes its tables (after the room check passed).
WRITE_FAILS = """
import errno, runpy, sys
import pandas as pd
def full(self, path, *a, **k):
    open(path, "wb").write(b"PAR1 half a table")
    raise OSError(errno.ENOSPC, "No space left on device", str(path))
pd.DataFrame.to_parquet = full
sys.argv = ["sim", *sys.argv[1:]]
runpy.run_module("sim", run_name="__main__")
"""


def test_single_run_write_failure_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run"
    p = subprocess.run(
        [sys.executable, "-c", WRITE_FAILS, *TINY, f"hydra.run.dir={out}"],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 2 and len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
    assert lines[0].startswith("error: hydra.run.dir:") and "No space left" in lines[0]
    left = [q.name for q in out.rglob("*") if q.suffix in (".parquet", ".json") or ".tmp" in q.name]
    assert left == [], left  # no half-written table, no summary that looks finished
