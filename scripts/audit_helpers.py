"""What scripts/audit_battery.py's cases share: running the command, judging its outcome."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the battery reads sweep tables with sim.sweep.store
    sys.path.insert(0, str(ROOT))
TINY = [
    "graph.n=300",
    "world.horizon_days=6",
    "world.tick_hours=6",
    "output.figures=false",
    "output.progress=false",
    "output.quiet=true",
]
EDGES = "source,target\n" + "".join(f"{i},{(i + 1) % 60}\n{i},{(i + 7) % 60}\n" for i in range(60))


@dataclass
class Result:
    outcome: str  # ok, skipped, traceback, silent, lost, message
    detail: str = ""


@dataclass
class Case:
    id: str
    item: str  # where the issue lists it
    fn: Callable[[Path], Result]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "default"}


def sim(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sim", *args]
    return subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True, timeout=timeout)


def crashed(p: subprocess.CompletedProcess) -> Result | None:
    if "Traceback" in p.stderr or p.returncode == 1 or p.returncode < 0:
        tail = p.stderr.strip().splitlines()[-1:] or [f"exit {p.returncode}"]
        return Result("traceback", tail[0])
    return None


def judge_refusal(
    p: subprocess.CompletedProcess, key: str, words: str, out: Path | None, code: int = 2
) -> Result:
    """Refused with ``code`` and one line ``error: <key>...<words>``, nothing finished."""
    if (r := crashed(p)) is not None:
        return r
    if p.returncode == 0:
        return Result("silent", "accepted")
    lines = p.stderr.strip().splitlines()
    line = lines[-1] if lines else ""
    if out is not None and list(out.rglob("summary.json")):
        return Result("silent", f"refused but left a summary.json: {line}")
    good = p.returncode == code and len(lines) == 1 and line.startswith(key) and words in line
    return Result("ok" if good else "message", f"exit {p.returncode}: {line}")


def flags(args: list[str]) -> list[str]:
    """Hydra's flags (--config-dir ...), which go before the overrides."""
    return [a for a in args if a.startswith("-")]


def rest(args: list[str]) -> list[str]:
    return [a for a in args if not a.startswith("-")]


def refused(args: list[str], key: str, words: str = "", tiny: bool = True) -> Callable:
    def fn(tmp: Path) -> Result:
        out = tmp / "run"
        a = [x.replace("{tmp}", str(tmp)) for x in args]
        if not any(x.startswith("hydra.run.dir=") for x in a):
            a.append(f"hydra.run.dir={out}")
        p = sim([*flags(a), *(TINY if tiny else []), *rest(a)], tmp)
        return judge_refusal(p, f"error: {key}", words, out)

    return fn


def refused_multirun(args: list[str], key: str, words: str = "") -> Callable:
    def fn(tmp: Path) -> Result:
        out = tmp / "sweep"
        a = [x.replace("{tmp}", str(tmp)) for x in args]
        p = sim(["-m", *flags(a), *TINY, *rest(a), f"hydra.sweep.dir={out}"], tmp)
        res = judge_refusal(p, f"error: {key}", words, None)
        if res.outcome == "ok" and out.exists():
            return Result("silent", f"a job started before the refusal: {res.detail}")
        return res

    return fn


def with_file(name: str, text: str, then: Callable) -> Callable:
    def fn(tmp: Path) -> Result:
        (tmp / name).write_text(text)
        return then(tmp)

    return fn


def runs_ok(args: list[str], check: Callable[[Path], str], multirun: bool = False) -> Callable:
    """Exit 0; ``check(out)`` returns '' when the outputs are right, else what is wrong."""

    def fn(tmp: Path) -> Result:
        out = tmp / "out"
        a = [x.replace("{tmp}", str(tmp)) for x in args]
        dirkey = "hydra.sweep.dir" if multirun else "hydra.run.dir"
        p = sim([*(["-m"] if multirun else []), *a, f"{dirkey}={out}"], tmp)
        if (r := crashed(p)) is not None:
            return r
        if p.returncode != 0:
            return Result("message", f"exit {p.returncode}: {p.stderr.strip()[-200:]}")
        wrong = check(out)
        return Result("silent", wrong) if wrong else Result("ok", "exit 0, outputs right")

    return fn


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text())


def study(sweep: Path):
    from sim.sweep.store import load_study

    return load_study(sweep)


def has_tmpfs() -> bool:
    if shutil.which("unshare") is None:
        return False
    cmd = ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"]
    return subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0


def in_tmpfs(tmp: Path, size: str, script: str) -> subprocess.CompletedProcess:
    """``script`` (sh) in a private mount namespace with a tmpfs of ``size`` at tmp/mnt."""
    mnt = tmp / "mnt"
    mnt.mkdir()
    body = f'mount -t tmpfs -o size={size} tmpfs "{mnt}" && cd "{ROOT}" && {script}'
    cmd = ["unshare", "-rm", "sh", "-c", body]
    return subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=600)


def popen(args: list[str], cwd: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def wait_for(cond: Callable[[], bool], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


def peak_child_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
