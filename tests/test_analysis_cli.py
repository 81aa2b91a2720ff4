"""Analysis of a user's own sweep (issue 14): studies refuse a sweep without their key in
one line, reports go next to the sweep unless --results is given, and ``compare --by``
gives the paired statistics for any swept key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from clirun import ROOT, TINY, env

from sim.analysis.__main__ import main
from sim.analysis.stats import paired_table
from sim.analysis.studies import COST, SUPPORT, prepare


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("sweep") / "s1"
    cmd = [sys.executable, "-m", "sim", "-m", "seed=0,1,2", "strategy@home=[],[rapid_response]"]
    p = subprocess.run(
        [*cmd, *TINY, f"hydra.sweep.dir={d}"], cwd=ROOT, env=env(), capture_output=True, text=True
    )
    assert p.returncode == 0, p.stderr[-2000:]
    return d


def test_study_refuses_an_ordinary_sweep_in_one_line(sweep, capsys):
    assert main(["response_delay", str(sweep)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "home.rapid_response.delay_hours" in err[0]
    assert "swept: strategy@home" in err[0] and "compare" in err[0]


def test_compare_writes_next_to_the_sweep_with_paired_statistics(sweep):
    assert main(["compare", str(sweep), "--by", "strategy@home"]) == 0
    out = sweep / "analysis" / "compare"
    report = (out / "report.md").read_text()
    assert "each value vs `none`" in report and "3 seeds, paired by seed" in report
    assert list(out.glob("compare_strategy_home_*.png"))
    runs = pd.read_parquet(out / "runs.parquet")
    df = prepare(runs).assign(**{"strategy@home": lambda d: d["strategy@home"].map(len)})
    t = paired_table(df, "strategy@home", 2, SUPPORT, cost=COST)  # '[]' has length 2
    assert f"{t['diff_mean'].iloc[0]:.4f}" in report  # the same statistics as the studies


def test_compare_baseline_and_key_errors(sweep, capsys):
    assert main(["compare", str(sweep), "--by", "strategy@home", "--baseline", "x"]) == 2
    assert "allowed: none, rapid_response" in capsys.readouterr().err
    assert main(["compare", str(sweep), "--by", "graph.n"]) == 2
    assert "takes one value" in capsys.readouterr().err
    assert main(["compare", str(sweep), "--by", "nosuch"]) == 2
    assert "allowed: strategy@home" in capsys.readouterr().err
    assert main(["compare", str(sweep)]) == 2


def test_results_needs_an_explicit_flag(sweep, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["compare", str(sweep), "--by", "strategy@home", "--out", "results/x"]) == 2
    assert "add --results" in capsys.readouterr().err and not (tmp_path / "results").exists()
    assert main(["compare", str(sweep), "--by", "strategy@home", "--results"]) == 0
    assert (tmp_path / "results" / "compare" / "report.md").is_file()


def test_committed_report_commands_carry_the_results_flag():
    """Every documented command that regenerates a committed report says --results."""
    for doc in ["README.md", "experiments/README.md", "docs/experiments.md"]:
        for line in (ROOT / doc).read_text().splitlines():
            if "-m sim.analysis " in line and "multirun/" in line and "compare" not in line:
                assert "--results" in line, f"{doc}: {line}"
