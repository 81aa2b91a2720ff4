"""The checkers run with the suite, so `./test.sh` fails when the code is not clean: ruff (lint
and format) and mypy, each configured in pyproject.toml and pinned by uv.lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the test environment's tools (the test extra)


@pytest.mark.parametrize(
    "args",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff-lint", "ruff-format", "mypy"],
)
def test_checker_is_clean(args: list[str]) -> None:
    tool = BIN / args[0]
    assert tool.is_file(), f"{tool} missing: the test extra installs it (./test.sh does)"
    r = subprocess.run(
        [str(tool), *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, f"{' '.join(args)} found problems:\n{r.stdout[-4000:]}{r.stderr}"
