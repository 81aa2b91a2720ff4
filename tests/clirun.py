"""Run ``python -m sim`` the way a researcher does: as a subprocess, or in-process through
the same functions ``sim.__main__`` calls (precheck, then the guarded run)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A world small enough that a whole run takes well under a second.
TINY = [
    "graph.n=300",
    "world.horizon_days=6",
    "world.tick_hours=6",
    "output.figures=false",
    "output.progress=false",
    "output.quiet=true",
]
# A three-day world where every false story and its debunk start early: the strategies'
# behaviour tests watch detection, labels and debunks within it.
STORIES = [
    "graph.n=1500",
    "world.horizon_days=3",
    "output.figures=false",
    "output.progress=false",
    "world.narratives.rival_fake.start_day=0.25",
    "world.narratives.home_fake.start_day=0.5",
    "world.narratives.debunk_rival_fake.start_day=3",
]


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e.update(extra)
    return e


def run_subprocess(
    args: list[str], run_dir: Path, timeout: float = 120, **env_extra: str
) -> CliResult:
    """``python -m sim <args> hydra.run.dir=<run_dir>`` with the venv's python."""
    cmd = [sys.executable, "-m", "sim", *args, f"hydra.run.dir={run_dir}"]
    p = subprocess.run(
        cmd, cwd=ROOT, env=env(**env_extra), capture_output=True, text=True, timeout=timeout
    )
    return CliResult(p.returncode, p.stdout, p.stderr)


def run_inprocess(args: list[str], run_dir: Path) -> CliResult:
    """precheck(argv), then ``guarded(run, ...)`` into ``run_dir``: ``__main__``'s path
    without Hydra's job wrapper (which adds nothing but the run directory)."""
    from sim.api import run
    from sim.cli import first_values, guarded, load, precheck

    err, out = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            precheck(args)
            cfg = load(first_values([a for a in args if not a.startswith("-")]))
            guarded(run, cfg, out=run_dir)
        except SystemExit as e:
            code = int(e.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())
