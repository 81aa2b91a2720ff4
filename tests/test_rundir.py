"""A single run's directory holds one run (issue 20 item 4, issue 14): never shared, never
overwritten silently, checked for room and writability first, marked when interrupted."""

from __future__ import annotations

import fcntl
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import ROOT, TINY, env, run_subprocess

from sim.errors import ConfigError
from sim.outputs import atomic_path
from sim.rundir import INTERRUPTED, LOCK, claimed


def _one_line(stderr: str, *words: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    for w in words:
        assert w in lines[0], stderr


def test_reused_dir_is_refused_and_overwrite_replaces_the_whole_run(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert run_subprocess([*TINY, "seed=1"], out).code == 0
    (out / "figures").mkdir()  # a figure of the earlier run, which the next one does not draw
    before = (out / "summary.json").read_bytes()
    res = run_subprocess([*TINY, "seed=2"], out)
    assert res.code == 2
    _one_line(res.stderr, "hydra.run.dir", "already holds a run", "output.overwrite=true")
    assert (out / "summary.json").read_bytes() == before
    res = run_subprocess([*TINY, "seed=2", "output.overwrite=true"], out)
    assert res.code == 0, res.stderr
    assert not (out / "figures").exists() and (out / "summary.json").read_bytes() != before


def test_overwrite_never_deletes_files_a_run_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "thesis.tex").write_text("precious")
    res = run_subprocess([*TINY, "output.overwrite=true"], tmp_path)
    assert res.code == 2 and (tmp_path / "thesis.tex").read_text() == "precious"
    _one_line(res.stderr, "not a run's outputs")


def test_two_runs_started_together_get_separate_dirs(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "sim", *TINY]
    procs = [
        subprocess.Popen(
            [*cmd, f"seed={s}"], cwd=tmp_path, env=env(), stderr=subprocess.PIPE, text=True
        )
        for s in (1, 2)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0], [
        p.stderr and p.stderr.read() for p in procs
    ]
    summaries = sorted((tmp_path / "outputs").glob("*/*/summary.json"))
    assert len(summaries) == 2 and summaries[0].parent != summaries[1].parent


def test_a_dir_in_use_by_another_run_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "run"
    out.mkdir()
    with open(out / LOCK, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        res = run_subprocess(TINY, out)
    assert res.code == 2 and not (out / "summary.json").exists()
    _one_line(res.stderr, "in use by another run")


@pytest.mark.parametrize(
    "target, words",
    [
        ("", ("is empty",)),
        ("/dev/null", ("is a file",)),
        ("/proc/sim-run", ("not writable",)),
        ("{tmp}/file.txt/run", ("is a file",)),
    ],
)
def test_unusable_run_dir_is_one_line(tmp_path: Path, target: str, words: tuple) -> None:
    (tmp_path / "file.txt").write_text("x")
    cmd = [sys.executable, "-m", "sim", *TINY, f"hydra.run.dir={target.format(tmp=tmp_path)}"]
    p = subprocess.run(cmd, cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    _one_line(p.stderr, "hydra.run.dir", *words)
    assert not (tmp_path / ".hydra").exists()


def test_read_only_dir_is_refused_before_simulating(tmp_path: Path, monkeypatch) -> None:
    """A read-only mount or an immutable directory (chattr +i; root ignores mode bits, so
    the write itself is made to fail as those do)."""

    def refuse(self: Path, data: bytes) -> int:
        raise OSError(30, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "write_bytes", refuse)
    with pytest.raises(ConfigError, match="not writable"), claimed(tmp_path, False, 0):
        pass


def test_disk_without_room_is_refused_before_simulating(tmp_path: Path) -> None:
    need = 1 << 60
    with (
        pytest.raises(ConfigError, match="MiB free but the outputs need"),
        claimed(tmp_path, False, need),
    ):
        pass


def test_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    with pytest.raises(OSError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_default_dirs_take_one_run_after_another(tmp_path: Path) -> None:
    """The default folder is new for every run, so earlier runs under outputs/ never
    block the next one (a second ./run.sh in the same clone must just work)."""
    cmd = [sys.executable, "-m", "sim", *TINY]
    for s in (1, 2):
        p = subprocess.run(
            [*cmd, f"seed={s}"], cwd=tmp_path, env=env(), capture_output=True, text=True
        )
        assert p.returncode == 0, p.stderr[-2000:]
    assert len(list((tmp_path / "outputs").glob("*/*/summary.json"))) == 2


def test_ctrl_c_is_one_line_exit_130_and_marks_the_dir(tmp_path: Path) -> None:
    out = tmp_path / "run"
    big = ["graph.n=20000", "world.horizon_days=400", "output.figures=false"]
    cmd = [sys.executable, "-m", "sim", *big, "output.quiet=true", "output.progress=false"]
    # A shell that starts pytest in the background hands it SIGINT ignored, and a child keeps
    # that: restore the default so Python installs its KeyboardInterrupt handler.
    p = subprocess.Popen(
        [*cmd, f"hydra.run.dir={out}"],
        cwd=ROOT,
        env=env(),
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 240
    while not (out / LOCK).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (out / LOCK).exists(), "the run never started"
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    _one_line(err, "interrupted")
    assert (out / INTERRUPTED).is_file() and not (out / "summary.json").exists()
