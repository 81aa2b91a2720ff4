"""The benchmark's reference rules: vectorized kernel vs per-agent Mesa model, in distribution.

Both run on the same graphs and initial sharers (one per seed); only their random draws
differ. Compared over seeds: mean final size of A, of B, and the run length (ticks until no
sharer is left), each within 3 standard errors of the difference. The same comparison run
against deliberately wrong rules must report a difference, so the check has power.
"""
from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from scipy.stats import ks_2samp

from sim.reference.mesa_rules import run_mesa, to_networkx
from sim.reference.simple_rules import (SHARE_A, SHARE_B, STOP_A, STOP_B, RefParams,
                                        SimpleRules, ba_graph, run_simple, seed_users)
from sim.rng import Streams

N, SEEDS = 500, 40
# 2% seeding (10 users per narrative) keeps both narratives alive at N = 500.
PARAMS = RefParams(n=N, seed_fraction=0.02)


def _setup(seed: int, p: RefParams):
    s = Streams(seed)
    g = ba_graph(p.n, p.m, s.get("graph"))
    return s, g, seed_users(p.n, p.seed_fraction, s.get("reference/seed"))


def _outcomes(kind: str, p: RefParams) -> np.ndarray:
    """(SEEDS, 3): final size of A, final size of B, ticks to extinction.

    ``kind``: "vector", or the Mesa form ("push" or "pull")."""
    rows = []
    for seed in range(SEEDS):
        s, g, seeds = _setup(seed, p)
        if kind == "vector":
            m = run_simple(g, p, seeds, s.get("reference/spread"))
        else:
            m = run_mesa(to_networkx(g), p, seeds, s.get("reference/mesa"), form=kind)
        rows.append((*m.final_sizes(), m.ticks))
    return np.array(rows)


@cache
def _mesa(form: str = "push") -> np.ndarray:
    return _outcomes(form, PARAMS)


def _z_scores(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    se = np.sqrt(x.var(axis=0, ddof=1) / len(x) + y.var(axis=0, ddof=1) / len(y))
    return np.abs(x.mean(axis=0) - y.mean(axis=0)) / np.maximum(se, 1e-12)


@cache
def _vector() -> np.ndarray:
    return _outcomes("vector", PARAMS)


@pytest.mark.parametrize("form", ["push", "pull"])
def test_vectorized_matches_mesa_in_distribution(form):
    vec, mesa = _vector(), _mesa(form)
    assert np.all(_z_scores(vec, mesa) < 3.0), (vec.mean(axis=0), mesa.mean(axis=0))
    for col in range(3):
        assert ks_2samp(vec[:, col], mesa[:, col]).pvalue > 0.01


@pytest.mark.parametrize("wrong", [
    replace(PARAMS, beta_a=0.08, beta_b=0.05),  # narratives' appeal swapped
    replace(PARAMS, stop=0.14),  # sharers stop sooner
])
def test_comparison_detects_wrong_rules(wrong):
    assert np.any(_z_scores(_outcomes("vector", wrong), _mesa()) > 3.0)


def _path_graph():
    """Path 2 - 0 - 1 - 3: 0 shares A, 3 shares B, so 1 gets one exposure of each (tie -> A)."""
    import scipy.sparse as sp

    a, b = np.array([2, 0, 1]), np.array([0, 1, 3])
    return sp.csr_array((np.ones(6, bool), (np.r_[a, b], np.r_[b, a])), shape=(4, 4))


def test_one_tick_rules_exactly_vectorized():
    p = RefParams(n=4, beta_a=1.0, beta_b=1.0, stop=0.0)
    m = SimpleRules(_path_graph(), p, (np.array([0]), np.array([3])), np.random.default_rng(0))
    m.step()
    assert m.state.tolist() == [SHARE_A, SHARE_A, SHARE_A, SHARE_B]
    m.step()  # nobody is unaware any more and nobody stops
    assert m.final_sizes() == (0.75, 0.25) and m.active()
    m.p = replace(p, stop=1.0)
    m.step()
    assert m.state.tolist() == [STOP_A, STOP_A, STOP_A, STOP_B] and not m.active()


@pytest.mark.parametrize("form", ["push", "pull"])
def test_one_tick_rules_exactly_mesa(form):
    p = RefParams(n=4, beta_a=1.0, beta_b=1.0, stop=0.0)
    m = run_mesa(to_networkx(_path_graph()), p, (np.array([0]), np.array([3])),
                 np.random.default_rng(0), max_ticks=2, form=form)
    assert [u.state for u in m.users] == [SHARE_A, SHARE_A, SHARE_A, SHARE_B]
    assert m.final_sizes() == (0.75, 0.25) and m.active()
    m.params = replace(p, stop=1.0)
    m.step()
    assert [u.state for u in m.users] == [STOP_A, STOP_A, STOP_A, STOP_B] and not m.active()
