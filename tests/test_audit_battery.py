"""The audit battery (scripts/audit_battery.py): its judge tells each failure class apart, and
(slow) the whole battery finds no traceback, silent wrong result or lost run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from clirun import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from audit_helpers import judge_refusal


def _proc(code: int, stderr: str) -> subprocess.CompletedProcess:
    return subprocess.CompletedProcess([], code, "", stderr)


@pytest.mark.parametrize(
    "code, stderr, outcome",
    [
        (2, "error: seed: bad; allowed: an integer\n", "ok"),
        (1, "Traceback (most recent call last):\n  ...\nValueError: x\n", "traceback"),
        (0, "", "silent"),
        (2, "error: seed: bad\nmore\n", "message"),
        (2, "error: graph.n: bad\n", "message"),
    ],
)
def test_judge_tells_the_classes_apart(code: int, stderr: str, outcome: str) -> None:
    assert judge_refusal(_proc(code, stderr), "error: seed", "", None).outcome == outcome


def test_a_refusal_that_left_a_summary_is_silent(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text("{}")
    res = judge_refusal(_proc(2, "error: seed: bad\n"), "error: seed", "", tmp_path)
    assert res.outcome == "silent"


@pytest.mark.slow
def test_the_whole_battery_finds_nothing(tmp_path: Path) -> None:
    out = tmp_path / "audit.md"
    cmd = [sys.executable, str(ROOT / "scripts" / "audit_battery.py"), "--out", str(out)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    assert p.returncode == 0, p.stdout[-3000:]
    assert "| 0 | 0 | 0 | 0 |" in out.read_text()
