"""The real infowar kernel, reduced to SIR / independent cascade, against the textbook.

``sim.validation.textbook_config`` is the infowar model (crowd, kernel, tally) with one
narrative, no opinions in play, unlimited attention and no actors. On Erdos-Renyi graphs
its final size must match the analytic final-size equation (as in tests/test_modes.py);
on Barabasi-Albert graphs, where no closed form holds, it must match the separate
textbook SIR (``sim.modes``) on the same graphs. Within 2 standard errors over seeds.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_modes import sir_theory, within_2se

from sim.config.schema import SpreadConfig
from sim.graph.simple import barabasi_albert
from sim.modes import run_mode, transmissibility
from sim.rng import stream
from sim.validation import kernel_final_size, textbook_config

SEEDS = 16


def _with_draws(cfg, draws: str):
    cfg.spread.draws = draws
    return cfg


@pytest.mark.parametrize("draws", ["per_user", "sequential"])  # both modes of sim.draws
@pytest.mark.parametrize("beta,gamma", [(0.1, 0.3), (0.15, 1.0)])  # SIR; independent cascade
def test_kernel_final_size_on_erdos_renyi(beta, gamma, draws):
    k, r0 = 10.0, 0.002
    theory = sir_theory(k, transmissibility(beta, gamma), r0)
    runs = [
        kernel_final_size(
            _with_draws(textbook_config("er", 4000, beta, gamma, r0, s, mean_degree=k), draws)
        )
        for s in range(SEEDS)
    ]
    ok, msg = within_2se(runs, theory)
    assert ok, msg


@pytest.mark.parametrize("beta,gamma", [(0.05, 0.3), (0.1, 1.0)])
def test_kernel_final_size_on_barabasi_albert_matches_textbook_sir(beta, gamma):
    n, m, r0 = 4000, 4, 0.002
    kernel = [
        kernel_final_size(textbook_config("ba", n, beta, gamma, r0, s, m=m)) for s in range(SEEDS)
    ]
    spread = SpreadConfig(beta=beta, gamma=gamma, initial=r0)
    book = [
        run_mode(
            "sir", barabasi_albert(n, m, stream(s, "graph")), spread, stream(s, "book")
        ).summary["final_size"]
        for s in range(SEEDS)
    ]
    diff = np.mean(kernel) - np.mean(book)
    se = np.sqrt(np.var(kernel, ddof=1) / SEEDS + np.var(book, ddof=1) / SEEDS)
    assert abs(diff) <= 2 * se, f"kernel {np.mean(kernel):.4f} book {np.mean(book):.4f} se {se:.4f}"
    assert 0.05 < np.mean(kernel) < 0.95  # an outbreak that neither dies nor saturates


def test_kernel_below_threshold_stays_near_its_seeds():
    k, r0 = 10.0, 0.01
    runs = [
        kernel_final_size(textbook_config("er", 3000, 0.05, 1.0, r0, s, mean_degree=k))
        for s in range(SEEDS)
    ]
    assert np.mean(runs) < 3 * r0  # k T = 0.5 < 1
