"""The kernel's validation modes against analytic results.

Each check runs several seeds and asks the mean to lie within 2 standard errors of the
theory (the standard error of the mean over seeds, ddof=1). Theories used:

- SIR on Erdos-Renyi (mean degree k): per-edge transmissibility T = beta / (beta + gamma -
  beta gamma) for discrete time (infectious for D ~ Geometric(gamma) ticks, T = 1 -
  E[(1 - beta)^D]); the final size r with a seeded fraction r0 solves
  r = 1 - (1 - r0) exp(-k T r) (message passing on a locally tree-like graph; for
  r0 -> 0 it is the classic z = 1 - exp(-k T z)). Epidemic threshold k T = 1.
- Maki-Thompson rumour, well mixed: with i ignorants and s spreaders (fractions),
  ds/di = -2 + 1/i, so at the end 2 i - ln i = 2 (1 - r0) + r0 - ln(1 - r0); for r0 -> 0,
  i = 0.2032. "Well mixed" is the complete graph here (every user follows everyone),
  so the only gaps to the theory are finite size (n = 1000) and the discrete ticks.
- Deffuant on the complete graph: about floor(1 / (2 epsilon)) major clusters; we use
  epsilons whose 1 / (2 epsilon) is far from an integer (the count is ambiguous at the
  integers), with mu = 0.5, and count clusters holding > 1% of the users. The rule is
  approximate: at epsilon = 0.11 (1 / (2 epsilon) = 4.5) we measured 4.33 +- 0.14 clusters
  (n = 2000, 12 seeds), the extra one a side cluster just above 1%, so it is not tested.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

from sim.config.schema import SpreadConfig
from sim.graph.simple import erdos_renyi
from sim.modes import run_mode, transmissibility
from sim.rng import stream


def sir_theory(k: float, t: float, r0: float) -> float:
    return brentq(lambda r: r - 1 + (1 - r0) * np.exp(-k * t * r), 1e-12, 1.0)


def rumor_theory(r0: float) -> float:
    c = 2 * (1 - r0) + r0 - np.log1p(-r0)
    return brentq(lambda i: 2 * i - np.log(i) - c, 1e-9, 0.5)


def within_2se(values: Sequence[float], theory: float) -> tuple[bool, str]:
    v = np.asarray(values, dtype=float)
    mean, se = v.mean(), v.std(ddof=1) / np.sqrt(v.size)
    return abs(mean - theory) <= 2 * se, f"mean {mean:.4f} se {se:.4f} theory {theory:.4f}"


def sir_runs(n: int, k: float, beta: float, gamma: float, r0: float, seeds: int) -> list[float]:
    spread = SpreadConfig(beta=beta, gamma=gamma, initial=r0)
    out = []
    for s in range(seeds):
        g = erdos_renyi(n, k, stream(s, "graph"))
        out.append(run_mode("sir", g, spread, stream(s, "spread")).summary["final_size"])
    return out


@pytest.mark.parametrize("beta,gamma", [(0.1, 0.3), (0.06, 0.4)])
def test_sir_final_size_on_erdos_renyi(beta, gamma):
    k, r0 = 10.0, 0.002
    theory = sir_theory(k, transmissibility(beta, gamma), r0)
    ok, msg = within_2se(sir_runs(4000, k, beta, gamma, r0, 16), theory)
    assert ok, msg


def test_sir_epidemic_threshold():
    """Below k T = 1 the outbreak stays near its seeds; above it, it takes a finite share."""
    k, gamma, r0 = 10.0, 0.5, 0.01
    below, above = 0.5 / k, 1.6 / k  # target T values
    beta_for = lambda t: t * gamma / (1 - t * (1 - gamma))  # noqa: E731  (inverse of T)
    small = sir_runs(3000, k, beta_for(below), gamma, r0, 40)
    big = sir_runs(3000, k, beta_for(above), gamma, r0, 12)
    ok, msg = within_2se(small, sir_theory(k, below, r0))
    assert ok, msg
    assert np.mean(small) < 3 * r0
    ok, msg = within_2se(big, sir_theory(k, above, r0))
    assert ok, msg
    assert np.mean(big) > 0.5


def test_transmissibility_matches_geometric_infectious_period():
    beta, gamma = 0.2, 0.3
    d = np.arange(1, 400)
    direct = 1 - np.sum(gamma * (1 - gamma) ** (d - 1) * (1 - beta) ** d)
    assert transmissibility(beta, gamma) == pytest.approx(direct, rel=1e-12)


def rumor_runs(n: int, seeds: int, beta: float = 1.0) -> list[float]:
    g = erdos_renyi(n, n - 1, stream(0, "graph"))  # p = 1: the complete graph
    assert g.nnz == n * (n - 1)
    spread = SpreadConfig(beta=beta, initial=1.0 / n)
    return [
        run_mode("rumor", g, spread, stream(s, "spread")).summary["never_heard"]
        for s in range(seeds)
    ]


def test_rumor_never_heard_fraction_well_mixed():
    ok, msg = within_2se(rumor_runs(1000, 40), rumor_theory(1e-3))
    assert ok, msg


@pytest.mark.slow
def test_rumor_never_heard_fraction_large():
    ok, msg = within_2se(rumor_runs(3000, 60, beta=0.5), rumor_theory(1 / 3000))
    assert ok, msg


def deffuant_clusters(n: int, eps: float, seeds: int) -> list[int]:
    g = erdos_renyi(n, n - 1, stream(0, "graph"))
    spread = SpreadConfig(epsilon=eps, mu=0.5)
    out = []
    for s in range(seeds):
        res = run_mode("deffuant", g, spread, stream(s, "spread"))
        assert res.summary["converged"]
        out.append(res.summary["n_clusters"])
    return out


@pytest.mark.parametrize("eps", [0.3, 0.2, 0.14])
def test_deffuant_cluster_count(eps):
    counts = deffuant_clusters(400, eps, 8)
    ok, msg = within_2se(counts, np.floor(1 / (2 * eps)))
    assert ok or np.all(np.asarray(counts) == np.floor(1 / (2 * eps))), msg


@pytest.mark.slow
@pytest.mark.parametrize("eps", [0.3, 0.2, 0.14])
def test_deffuant_cluster_count_large(eps):
    counts = deffuant_clusters(2000, eps, 12)
    ok, msg = within_2se(counts, np.floor(1 / (2 * eps)))
    assert ok or np.all(np.asarray(counts) == np.floor(1 / (2 * eps))), msg


def test_modes_are_deterministic_and_tidy():
    g = erdos_renyi(500, 8, stream(1, "graph"))
    for mode in ("sir", "rumor", "deffuant"):
        a = run_mode(mode, g, SpreadConfig(beta=0.3), stream(1, "spread"))
        b = run_mode(mode, g, SpreadConfig(beta=0.3), stream(1, "spread"))
        assert a.summary == b.summary
        pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
        assert list(a.timeseries["tick"]) == list(range(len(a.timeseries)))
        assert a.summary["ticks"] == len(a.timeseries) - 1


def test_sir_without_recovery_infects_the_whole_component():
    g = erdos_renyi(300, 20, stream(2, "graph"))  # connected with near certainty
    res = run_mode("sir", g, SpreadConfig(beta=0.5, gamma=0.0, initial=0.01), stream(2, "spread"))
    assert res.summary["final_size"] == 1.0


def test_validation_mode_end_to_end(make_cfg, tmp_path):
    from sim.api import run

    cfg = make_cfg(
        "mode=sir",
        "graph=er",
        "graph.n=2000",
        "spread.beta=0.1",
        "spread.gamma=0.3",
        "spread.initial=0.01",
        "output.progress=false",
    )
    res = run(cfg, out=tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary == res.summary
    assert summary["mode"] == "sir" and summary["users"] == 2000
    assert 0.5 < summary["final_size"] <= 1.0
    ts = pd.read_parquet(tmp_path / "timeseries.parquet")
    assert np.allclose(ts[["susceptible", "infected", "recovered"]].sum(axis=1), 1.0)
    other = run(dataclasses.replace(cfg, mode="deffuant"))
    assert other.summary["n_clusters"] >= 1
