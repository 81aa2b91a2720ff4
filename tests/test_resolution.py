"""Sensitivity studies that resolve (issue 16 item 8): the first-order estimator against
the Ishigami function's known indices, and the size rule of the Resolution section."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.sweep import resolution as res
from sim.sweep.doe import Problem, analyze, sample

ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)  # a = 7, b = 0.1 (Ishigami and Homma 1990)


def test_rbd_recovers_ishigami_first_order_indices() -> None:
    pb = Problem(bounds=dict.fromkeys("abc", (-math.pi, math.pi)), outputs=["y"])
    X = sample("rbd", pb, 3000)
    y = np.sin(X[:, 0]) + 7 * np.sin(X[:, 1]) ** 2 + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0])
    design = pd.DataFrame(X, columns=list(pb.bounds)).assign(doe=[f"p{i}" for i in range(len(X))])
    ind = analyze("rbd", pb, design, design.assign(y=y)).set_index("parameter")
    for k, want in zip("abc", ISHIGAMI_S1):
        assert abs(ind.loc[k, "S1"] - want) <= max(ind.loc[k, "S1_conf"], 0.01) + 0.02
    assert (ind["S1_conf"] < res.TARGET).all()  # 3,000 points resolve them


def test_needed_n_follows_inverse_square_root() -> None:
    assert res.needed_n("rbd", 500, 0.10, 0.05) == 2000  # twice as narrow: 4x the points
    assert res.needed_n("sobol", 32, 0.5, 0.05) == 4096  # 3,200 -> next power of 2
    assert res.needed_n("rbd", 500, 0.04, 0.05) == 500  # already met


def test_plan_and_section_name_the_cluster_size() -> None:
    ind = pd.DataFrame(
        {
            "output": ["y", "y", "z", "z"],
            "parameter": ["a", "b", "a", "b"],
            "S1": [0.3, 0.1, 0.2, 0.0],
            "S1_conf": [0.02, 0.03, 0.2, 0.1],
        }
    )
    t = res.plan("sobol", ind, 32, 5, 1, core_s=0.5).set_index("output")
    assert t.loc["y", "met"] == "yes" and t.loc["z", "met"] == "no"
    assert t.loc["z", "n needed"] == 512 and t.loc["z", "runs"] == 512 * 7
    assert t.loc["z", "minutes on 2 cores"] == pytest.approx(512 * 7 * 0.5 / 2 / 60)
    text = "\n".join(res.resolution_lines("sobol", ind, 32, 5, 1, core_s=10.0))
    assert "Not resolved" in text and "--method sobol --n 512" in text  # 5 h: cluster
    small = "\n".join(res.resolution_lines("sobol", ind, 32, 5, 1, core_s=0.1))
    assert "run it here" in small and "--jobs 32" not in small


def test_rbd_report_has_resolution_section(tmp_path) -> None:
    """A linear toy (y = 2a + b, uniform on [0, 1]: S1 = 0.8 and 0.2) through the report."""
    from sim.sweep.doe import write_design
    from sim.sweep.report import sensitivity_report

    pb = Problem(bounds={"a": (0.0, 1.0), "b": (0.0, 1.0)}, outputs=["y"])
    design = write_design("rbd", pb, sample("rbd", pb, 400), doe_dir=tmp_path / "doe")
    runs = design.assign(
        y=2 * design["a"] + design["b"],
        users=300,
        days=2.0,
        **{"prov.started_utc": "2026-01-01T00:00:00", "prov.wall_s": 60.0},
    )
    ind = analyze("rbd", pb, design, runs)
    assert ind.set_index("parameter").loc["a", "S1"] == pytest.approx(0.8, abs=0.05)
    text = sensitivity_report("rbd", pb, ind, runs, tmp_path, 400, 1, 1.0, "", 400).read_text()
    assert "## Resolution" in text and "RBD-FAST" in text
    assert "at most 0.05" in text and (tmp_path / "rbd.png").is_file()


def test_morris_resolution_target_is_relative_and_scales_trajectories() -> None:
    ind = pd.DataFrame(
        {
            "output": ["y", "y", "z", "z"],
            "parameter": ["a", "b", "a", "b"],
            "mu_star": [1.0, 0.5, 2.0, 0.1],
            "mu_star_conf": [0.2, 0.05, 0.1, 0.05],
        }
    )
    t = res.morris_plan(ind, 10, 2, 1, 1.0).set_index("output")
    # y: target 0.1 x 1.0, widest 0.2: (0.2 / 0.1)^2 = 4x the trajectories; z: met
    assert t.loc["y", "target half-width"] == pytest.approx(0.1)
    assert t.loc["y", "met"] == "no" and t.loc["y", "trajectories needed"] == 40
    assert t.loc["y", "runs"] == 40 * 3  # r x (params + 1)
    assert t.loc["z", "met"] == "yes" and t.loc["z", "trajectories needed"] == 10
    text = "\n".join(res.morris_resolution_lines(ind, 10, 2, 1, 1.0, "python x.py"))
    assert "## Resolution" in text and "r = 40 trajectories" in text
    assert "python x.py --n 40 --jobs 2" in text  # 120 runs: about a minute here


def test_report_command_drops_the_rewrite_options() -> None:
    from sim.sweep.report import argv_of_run

    argv = ["--method", "morris", "--analyse-only", "--minutes", "0.7", "--n", "12"]
    assert argv_of_run(argv) == "--method morris --n 12"
    assert argv_of_run(["--minutes=2.5", "--analyse-only"]) == ""
