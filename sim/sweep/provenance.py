"""Where a result came from: code version, package versions, machine and time."""

from __future__ import annotations

import functools
import hashlib
import platform
import socket
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("numpy", "scipy", "pandas", "pyarrow", "mesa", "hydra-core", "omegaconf", "networkx")


def _git(*args: str) -> str:
    try:
        r = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return r.stdout.strip() if r.returncode == 0 else ""


@functools.cache
def git_state() -> dict[str, Any]:
    """Commit of the code that ran and whether tracked sim/ or conf/ files differed from it."""
    commit = _git("rev-parse", "HEAD") or "unknown"
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no", "--", "sim", "conf"))
    return {"git_commit": commit, "git_dirty": dirty}


@functools.cache
def lock_hash() -> str:
    """sha256 of the clone's uv.lock: names the exact locked set of every dependency
    (``versions`` shows only the main ones); "none" when running outside a clone."""
    lock = ROOT / "uv.lock"
    return hashlib.sha256(lock.read_bytes()).hexdigest() if lock.is_file() else "none"


@functools.cache
def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "absent"
    return out


def provenance(
    h: str, seed: int, wall_s: float, started_utc: str, launcher: str, overrides: list[str]
) -> dict[str, Any]:
    from sim.sweep.store import canonical_json

    return {
        "config_hash": h,
        "seed": int(seed),
        **git_state(),
        "versions": versions(),
        "uv_lock": lock_hash(),
        "wall_s": round(wall_s, 3),
        "started_utc": started_utc,
        "host": socket.gethostname(),
        "launcher": launcher,
        "overrides": canonical_json(list(overrides)),
    }
