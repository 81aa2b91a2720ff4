"""The precheck composes exactly as Hydra will (issue 20): extra config directories in both
spellings, hydra.searchpath, --config-name, and the sweep an experiment YAML declares."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import ROOT, TINY, env, run_subprocess

from sim.cli import precheck

GOOD = "# @package _global_\nseed: 3\n"
BAD_SWEEP = (
    "# @package _global_\nhydra:\n  sweeper:\n    params:\n"
    "      seed: 1,2\n      spread.beta: 0.2,9.0\n"
)


@pytest.fixture
def confdir(tmp_path: Path) -> Path:
    d = tmp_path / "conf_extra" / "experiment"
    d.mkdir(parents=True)
    (d / "mine.yaml").write_text(GOOD)
    (d / "badsweep.yaml").write_text(BAD_SWEEP)
    return d.parent


def checked(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            precheck(argv)
        except SystemExit as e:
            return int(e.code or 0), err.getvalue()
    return 0, err.getvalue()


@pytest.mark.parametrize(
    "form",
    [
        lambda d: ["-m", f"--config-dir={d}", *TINY, "+experiment=mine"],
        lambda d: ["-m", "--config-dir", str(d), *TINY, "+experiment=mine"],
        lambda d: ["-m", "-cd", str(d), *TINY, "+experiment=mine"],
        lambda d: ["-m", *TINY, f"hydra.searchpath=[file://{d}]", "+experiment=mine"],
    ],
    ids=["config-dir=", "config-dir space", "-cd", "hydra.searchpath"],
)
def test_extra_config_dir_accepted(confdir: Path, form) -> None:
    assert checked(form(confdir)) == (0, "")


def test_unknown_option_lists_the_extra_dirs_files(confdir: Path) -> None:
    code, err = checked(["-m", f"--config-dir={confdir}", *TINY, "+experiment=nosuch"])
    assert code == 2 and len(err.strip().splitlines()) == 1 and "mine" in err, err


def test_unknown_config_name_is_one_line() -> None:
    code, err = checked(["--config-name=nosuch", *TINY])
    assert code == 2 and err.strip().splitlines() == [
        "error: --config-name: no config named 'nosuch' in the config search path; "
        "allowed: config (or a file in --config-dir)"
    ]


def test_missing_config_dir_and_misplaced_flag_are_one_line(tmp_path: Path) -> None:
    code, err = checked(["--config-dir", str(tmp_path / "nope"), *TINY])
    assert code == 2 and "--config-dir" in err and len(err.strip().splitlines()) == 1
    code, err = checked([*TINY, "--config-dir", str(tmp_path), "seed=1"])
    assert code == 2 and "before the overrides" in err and len(err.strip().splitlines()) == 1


def test_experiment_sweep_values_are_prechecked(confdir: Path) -> None:
    code, err = checked(["-m", f"--config-dir={confdir}", *TINY, "+experiment=badsweep"])
    assert code == 2 and err.startswith("error: spread.beta: 9.0"), err
    # the command line's own value replaces the experiment's sweep, as in Hydra
    argv = ["-m", f"--config-dir={confdir}", *TINY, "+experiment=badsweep", "spread.beta=0.3"]
    assert checked(argv) == (0, "")


def test_shipped_experiment_sweeps_pass() -> None:
    assert checked(["-m", "+experiment=response_delay"]) == (0, "")


def test_run_with_extra_config_dir_end_to_end(confdir: Path, tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    cmd = [sys.executable, "-m", "sim", "-m", "--config-dir", str(confdir), *TINY]
    p = subprocess.run(
        [*cmd, "+experiment=mine", f"hydra.sweep.dir={out}"],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    configs = list((out / "runs").glob("*/config.json"))
    assert len(configs) == 1 and json.loads(configs[0].read_text())["seed"] == 3


def _design(confdir: Path, n: int, bad: int) -> None:
    """``n`` design points as generated options of ``doe`` (as experiments/sobol.py writes
    them); point ``bad`` has an impossible spread.beta."""
    d = confdir / "doe"
    d.mkdir()
    for i in range(n):
        beta = 3.0 if i == bad else 0.1 + i / (4 * n)
        body = f"spread:\n  beta: {beta}\ngraph:\n  mean_degree: {4 + i % 3}\n"
        (d / f"pts_p{i:05d}.yaml").write_text(f"# @package _global_\n{body}")


def test_every_design_point_is_checked_composing_once(confdir: Path, monkeypatch) -> None:
    """1,000 points, the bad one in the middle: found, with two composes (not 1,000)."""
    import sim.config.compose as comp

    calls = []
    real = comp.compose

    def counted(*a):
        calls.append(a)
        return real(*a)

    monkeypatch.setattr(comp, "compose", counted)
    _design(confdir, 1000, bad=517)
    argv = ["-m", f"--config-dir={confdir}", *TINY, "+doe=glob(pts_*)"]
    code, err = checked(argv)
    assert code == 2 and err.startswith("error: spread.beta: 3.0 is out of range"), err
    assert len(calls) <= 3, len(calls)  # the base, the bad point again for its message
    # a value given on the command line wins over every point's own
    assert checked([*argv, "spread.beta=0.2"]) == (0, "")


def test_every_swept_value_is_checked_not_only_the_ends() -> None:
    """7.1 days is not a whole number of 6-hour ticks; 6, 7.5 and 10 are."""
    code, err = checked(["-m", *TINY, "world.horizon_days=6,7.5,7.1,10"])
    assert code == 2 and err.startswith("error: world.horizon_days"), err
    assert "7.1" in err


BAD_POINTS = {
    "duplicate": (
        "spread:\n  beta: 0.2\nspread:\n  beta: 0.3\n",
        "line 4: found duplicate key spread",
    ),
    "malformed": ("spread: {beta: [0.2\n", "line 3: expected ',' or ']'"),
}


@pytest.mark.parametrize("kind", BAD_POINTS)
def test_bad_yaml_in_a_later_design_point_names_file_and_line(
    confdir: Path, tmp_path: Path, kind: str
) -> None:
    """The quick reader of design points (not the first) used to print the YAML problem
    alone ("error: override: duplicate key"): no file, no line, no key."""
    body, words = BAD_POINTS[kind]
    d = confdir / "doe"
    d.mkdir()
    for i in range(3):
        (d / f"p_{i}.yaml").write_text(f"# @package _global_\nspread:\n  beta: 0.{i + 1}\n")
    bad = d / "p_1.yaml"
    bad.write_text(f"# @package _global_\n{body}")
    argv = ["-m", f"--config-dir={confdir}", *TINY, "+doe=glob(p_*)"]
    code, err = checked(argv)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"error: {bad}: {words}"), err
    if kind == "duplicate":  # once as a researcher runs it
        res = run_subprocess([*argv, f"hydra.sweep.dir={tmp_path / 'sweep'}"], tmp_path / "run")
        assert res.code == 2 and res.stderr.strip() == err.strip(), res.stderr
        assert not (tmp_path / "sweep").exists()
