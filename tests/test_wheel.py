"""The built wheel is complete: installed into a fresh venv, `sim` runs from any directory.

The wheel must carry the configs (conf/ as sim/conf) and the `checked` sweeper
(hydra_plugins), which the clone provides only through its own layout. The dependencies come
from uv.lock through uv's cache, so a warm run takes well under a minute.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).parent / "uv"  # pinned in the test extra
SMALL = ["graph.n=1000", "world.horizon_days=5", "output.figures=false", "output.progress=false"]


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    r = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"{args[:3]} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    return r.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv holding the wheel and its locked dependencies; the clone is off the path."""
    if not UV.is_file():
        pytest.fail(f"uv not found at {UV}: the test extra installs it (./test.sh does)")
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    uv = str(UV)
    _run([uv, "build", "-q", "-o", str(tmp / "dist")], ROOT, env)
    req = tmp / "requirements.txt"
    export = [uv, "export", "--frozen", "--no-emit-project", "--no-hashes", "-q", "-o", str(req)]
    _run(export, ROOT, env)
    venv = tmp / "venv"
    _run([uv, "venv", "-q", "--python", sys.executable, str(venv)], tmp, env)
    wheel = next((tmp / "dist").glob("infowar_sim-*.whl"))
    pip = [uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python")]
    _run([*pip, "-r", str(req), str(wheel)], tmp, env)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return venv, env | {"INFOWAR_TEST_CWD": str(elsewhere)}


def test_installed_sim_runs_from_another_directory(installed: tuple[Path, dict[str, str]]) -> None:
    venv, env = installed
    cwd = Path(env["INFOWAR_TEST_CWD"])
    where = _run([str(venv / "bin" / "python"), "-c", "import sim; print(sim.__file__)"], cwd, env)
    assert Path(where.strip()).is_relative_to(venv), "sim was imported from the clone"
    _run([str(venv / "bin" / "sim"), *SMALL, "hydra.run.dir=one"], cwd, env)
    assert (cwd / "one" / "summary.json").is_file()


def test_installed_multirun_uses_the_checked_sweeper(
    installed: tuple[Path, dict[str, str]],
) -> None:
    venv, env = installed
    cwd = Path(env["INFOWAR_TEST_CWD"])
    _run([str(venv / "bin" / "sim"), "-m", "seed=1,2", *SMALL, "hydra.sweep.dir=multi"], cwd, env)
    assert (cwd / "multi" / "study.parquet").is_file()
    assert "CheckedSweeper" in (cwd / "multi" / "multirun.yaml").read_text()
