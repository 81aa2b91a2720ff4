"""Design of experiments (SALib -> Hydra design points -> indices) and in-process evaluation."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.sweep import doe
from sim.sweep.job import evaluate

ROOT = Path(__file__).resolve().parent.parent

TOY = doe.Problem(
    bounds={"spread.beta": (0.0, 1.0), "graph.homophily": (0.0, 1.0), "spread.forget": (0.0, 1.0)},
    outputs=["y"],
)


def toy_runs(design: pd.DataFrame) -> pd.DataFrame:
    """A fake study table: y depends strongly on beta, weakly on homophily, not on forget.
    Repeated points appear once, as in the store (same config, same hash)."""
    y = 10 * design["spread.beta"] + np.sin(2 * np.pi * design["graph.homophily"])
    runs = design.assign(y=y)
    return runs.drop_duplicates(subset=list(TOY.bounds)).reset_index(drop=True)


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_design_points_roundtrip_and_indices_rank(tmp_path: Path, method: str) -> None:
    X = doe.sample(method, TOY, 64 if method == "sobol" else 20)
    design = doe.write_design(method, TOY, X, doe_dir=tmp_path)
    files = sorted(tmp_path.glob(f"{method}_p*.yaml"))
    assert len(files) == len(X) == len(design)
    assert files[0].read_text().startswith("# @package _global_")
    point = doe.doe_params(design["doe"].iloc[3], doe_dir=tmp_path)
    assert point == pytest.approx({k: X[3, j] for j, k in enumerate(TOY.bounds)})
    ind = doe.analyze(method, TOY, design, toy_runs(design)).set_index("parameter")
    key = "ST" if method == "sobol" else "mu_star"
    assert ind[key].idxmax() == "spread.beta"
    assert ind.loc["spread.forget", key] < 0.05 * ind.loc["spread.beta", key]
    again = doe.write_design(method, TOY, X[:5], doe_dir=tmp_path)  # old points removed
    assert len(list(tmp_path.glob(f"{method}_p*.yaml"))) == len(again) == 5


def test_repeated_design_point_reads_the_one_run(tmp_path: Path) -> None:
    X = doe.sample("morris", TOY, 4)
    X[5] = X[2]  # Morris trajectories may repeat a point: same config, run once in the store
    design = doe.write_design("morris", TOY, X, doe_dir=tmp_path)
    y = doe.responses(toy_runs(design), design, "y", list(TOY.bounds))
    assert len(toy_runs(design)) == len(design) - 1 and y[5] == y[2]


def test_analysis_refuses_missing_points(tmp_path: Path) -> None:
    design = doe.write_design("sobol", TOY, doe.sample("sobol", TOY, 8), doe_dir=tmp_path)
    with pytest.raises(ValueError, match="no finished run"):
        doe.analyze("sobol", TOY, design, toy_runs(design).iloc[1:])


def test_evaluate_runs_once_then_reads_back(tmp_path: Path) -> None:
    ov = ["graph.n=800", "world.horizon_days=6", "output.figures=false", "seed=4"]
    a = evaluate(ov, tmp_path)
    b = evaluate(ov, tmp_path)
    pd.testing.assert_series_equal(a, b)
    events = [json.loads(ln) for ln in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert [e["status"] for e in events] == ["ran"]
    assert a["seed"] == 4 and a["prov.config_hash"] == events[0]["hash"]
    assert (len(a["prov.git_commit"]) == 40 or a["prov.git_commit"] == "unknown") and a[
        "prov.cpu_s"
    ] > 0
    # the run names the exact locked dependency set it ran with
    assert a["prov.uv_lock"] == hashlib.sha256((ROOT / "uv.lock").read_bytes()).hexdigest()


def test_sensitivity_report_written_where_the_study_says(tmp_path: Path) -> None:
    """A study's own report (experiments/sensitivity2020.py) is written by the report
    function with its title, command and place; links are relative to the report."""
    from sim.sweep.report import sensitivity_report

    X = doe.sample("morris", TOY, 4)
    design = doe.write_design("morris", TOY, X, doe_dir=tmp_path / "doe")
    runs = toy_runs(design).assign(
        users=300, days=2.0, **{"prov.started_utc": "2026-01-01T00:00:00", "prov.wall_s": 1.0}
    )
    ind = doe.analyze("morris", TOY, design, runs)
    sub = tmp_path / "study" / "sensitivity"
    sub.mkdir(parents=True)
    report = sensitivity_report(
        "morris",
        TOY,
        ind,
        runs,
        sub,
        4,
        1,
        0.5,
        "--n 4",
        len(design),
        command="scripts/python experiments/study.py",
        title="My study",
        runs="multirun/study/",
        path=tmp_path / "study" / "my.md",
    )
    text = report.read_text()
    assert report == tmp_path / "study" / "my.md" and text.startswith("# My study\n")
    assert "Command: `scripts/python experiments/study.py --n 4`" in text
    assert "](sensitivity/morris.png)" in text and "`sensitivity/design.csv`" in text
    assert "Runs: `multirun/study/`" in text and (sub / "morris.png").is_file()
    assert not (sub / "report.md").exists()
