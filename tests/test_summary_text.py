"""The printed summary names what it measures (issue 14): believers' peak vs the active
spreaders' containment, what '-' means, and the analytic SIR value beside the simulated one."""

from __future__ import annotations

import json

import pytest
from clirun import TINY, run_inprocess

from sim.config.schema import SpreadConfig
from sim.graph.simple import erdos_renyi
from sim.modes import run_mode, sir_final_size, transmissibility
from sim.report import format_summary
from sim.rng import stream


def test_false_narrative_table_names_both_quantities(tmp_path):
    r = run_inprocess([*TINY, "output.quiet=false"], tmp_path / "run")
    assert r.code == 0
    text = format_summary(json.loads((tmp_path / "run" / "summary.json").read_text()))
    assert "believers at peak" in text and "spreaders contained after" in text
    assert "'-' = not contained before the run ended" in text


def test_sir_prints_the_analytic_value_beside_the_simulated_one():
    spread = SpreadConfig(beta=0.1, gamma=0.3, initial=0.002)
    g = erdos_renyi(3000, 10.0, stream(1, "graph"))
    s = run_mode("sir", g, spread, stream(1, "spread")).summary
    k = g.nnz / g.shape[0]
    expected = sir_final_size(k, transmissibility(0.1, 0.3), round(0.002 * 3000) / 3000)
    assert s["final_size_theory"] == pytest.approx(expected, abs=1e-6)
    assert abs(s["final_size"] - s["final_size_theory"]) < 0.1  # one seed, 3,000 users
    text = format_summary({**s, "users": 3000, "follows": g.nnz})
    lines = text.splitlines()
    i = next(i for i, ln in enumerate(lines) if ln.startswith("final_size "))
    assert lines[i + 1].startswith("final_size, analytic")


def test_sir_final_size_edge_cases():
    assert sir_final_size(10.0, 0.5, 1.0) == 1.0
    assert sir_final_size(10.0, 0.0, 0.01) == pytest.approx(0.01, abs=1e-9)
