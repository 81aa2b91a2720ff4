"""Battery cases about the files a command reads and writes: a design point's YAML that does
not parse (not the first point, which the quick reader of sweepcheck handles), and a run or
sweep directory on a read-only file system."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from audit_helpers import ROOT, TINY, Result, env, judge_refusal, refused_multirun, sim

GOOD_POINT = "# @package _global_\nspread:\n  beta: {beta}\n"
NO_MOUNT = 99  # the exit code of the namespace script when it cannot mount


def design_bad_yaml(body: str, words: str) -> Callable[[Path], Result]:
    """Five design points; the fourth holds ``body``: refused in one line naming its file."""

    def fn(tmp: Path) -> Result:
        d = tmp / "cd" / "doe"
        d.mkdir(parents=True)
        for i in range(5):
            (d / f"pts_p{i:05d}.yaml").write_text(GOOD_POINT.format(beta=0.1 + i / 100))
        bad = d / "pts_p00003.yaml"
        bad.write_text(f"# @package _global_\n{body}")
        where = os.path.realpath(bad)  # as Hydra opens it
        return refused_multirun([f"--config-dir={tmp / 'cd'}", "+doe=glob(pts_*)"], where, words)(
            tmp
        )

    return fn


def read_only_dir(multirun: bool) -> Callable[[Path], Result]:
    """An existing, empty directory that cannot be written, as the run's (or the sweep's)
    directory: one line naming the key, nothing run. Not root: chmod 555. Root ignores mode
    bits, so then a read-only bind mount in a private mount namespace (unshare -rm)."""
    key = "hydra.sweep.dir" if multirun else "hydra.run.dir"

    def fn(tmp: Path) -> Result:
        ro = tmp / "ro"
        ro.mkdir()
        args = [*(["-m", "seed=1,2"] if multirun else []), *TINY, f"{key}={ro}"]
        if os.geteuid() != 0:
            ro.chmod(0o555)
            try:
                p = sim(args, tmp)
            finally:
                ro.chmod(0o755)
        else:
            p = _in_read_only_mount(ro, [sys.executable, "-m", "sim", *args])
            if p is None:
                return Result("skipped", "root, and no private mount namespace (unshare -rm)")
        return judge_refusal(p, f"error: {key}", "not writable", ro)

    return fn


def _in_read_only_mount(ro: Path, cmd: list[str]) -> subprocess.CompletedProcess | None:
    """``cmd`` with ``ro`` bind-mounted read-only over itself; None where that is refused."""
    d = shlex.quote(str(ro))
    mount = f"mount --bind {d} {d} && mount -o remount,bind,ro {d} || exit {NO_MOUNT}"
    body = f"{mount}; cd {shlex.quote(str(ROOT))} && exec {shlex.join(cmd)}"
    try:
        p = subprocess.run(
            ["unshare", "-rm", "sh", "-c", body],
            env=env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
    except FileNotFoundError:  # no unshare
        return None
    return None if p.returncode == NO_MOUNT else p
