"""The messages a newcomer meets first (issue 14): every silently ignored override is
refused, the misleading ones say what to type instead, and README's example errors are
exactly what the program prints."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest
from clirun import ROOT, run_subprocess

from sim.cli import precheck


def _error(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            precheck(argv)
            code = 0
        except SystemExit as e:
            code = int(e.code or 0)
    lines = [ln for ln in err.getvalue().splitlines() if ln.startswith("error:")]
    return code, "\n".join(lines)


def readme_examples() -> list[tuple[list[str], str]]:
    """(argv, expected line) for each ``$ ./run.sh ...`` followed by an ``error:`` line."""
    text = (ROOT / "README.md").read_text()
    pairs = re.findall(r"^\$ \./run\.sh (.+)\n(error: .+)$", text, flags=re.M)
    return [(shlex.split(cmd), line) for cmd, line in pairs]


def test_readme_has_examples() -> None:
    assert len(readme_examples()) >= 8


@pytest.mark.parametrize("argv,line", readme_examples(), ids=lambda x: str(x)[:40])
def test_readme_example_is_what_the_program_prints(argv: list[str], line: str) -> None:
    assert _error(argv) == (2, line)


@pytest.mark.parametrize(
    "argv,key,fragment",
    [
        (["home.rapid_response.delay_hours=2"], "home.rapid_response", "strategy@home=["),
        (["scenario=karabakh2020", "rival.rapid_response.budget=2"], "rival", "strategy@rival="),
        (["home=3"], "home", "strategy@home=[name]"),
        (["home.nosuch.x=1"], "home.nosuch", "unknown strategy"),
        (["strategy=rapid_response"], "strategy", "strategy@home=[name]"),
        (["world.horizon_days=2"], "world.horizon_days", "horizon now ends before"),
        (["scenario=karabakh2020", "graph.n=5000"], "graph.n", "world.scale="),
        (["+experiment=whatif"], "experiment", "-m +experiment=whatif"),
    ],
)
def test_message_names_what_to_type(argv: list[str], key: str, fragment: str) -> None:
    code, line = _error(argv)
    assert code == 2 and line.startswith(f"error: {key}") and fragment in line, line


def test_wrong_strategy_parameter_lists_that_strategys_parameters() -> None:
    code, line = _error(["strategy@home=[rapid_response]", "home.rapid_response.delay=2"])
    assert code == 2 and "did you mean 'delay_hours'" in line
    assert "allowed: budget, delay_hours" in line and "world" not in line


def test_start_day_the_user_set_is_still_named() -> None:
    code, line = _error(["world.horizon_days=2", "world.narratives.home_fake.start_day=3"])
    assert code == 2 and line.startswith("error: world.narratives.home_fake.start_day")


def test_experiment_with_multirun_passes_the_mode_check() -> None:
    from sim.config.hints import check_experiment_mode

    check_experiment_mode(["-m", "+experiment=whatif"])  # no error


def test_graph_n_without_scale_is_accepted() -> None:
    assert _error(["graph.n=500"]) == (0, "")


@pytest.mark.parametrize(
    "argv,start",
    [
        (["scenario=karabakh2020", "graph.n=5000"], "error: graph.n: ignored while world.scale"),
        (["+experiment=compare_strategies"], "error: experiment: an experiment is a sweep"),
    ],
)
def test_subprocess_refuses_silent_override(argv: list[str], start: str, tmp_path: Path) -> None:
    r = run_subprocess(argv, tmp_path / "run")
    lines = [ln for ln in r.stderr.splitlines() if ln.strip() and "Warning" not in ln]
    assert r.code == 2 and lines[-1].startswith(start), r.stderr
    assert not (tmp_path / "run" / "summary.json").exists()
