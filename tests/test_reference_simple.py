"""The benchmark's reference rules: vectorized kernel vs per-agent Mesa model, in distribution.

Both run on the same graphs and initial sharers (one per seed); only their random draws
differ. Compared over seeds: mean final size of A, of B, and the run length (ticks until no
sharer is left), each within 3 standard errors of the difference. The same comparison run
against deliberately wrong rules must report a difference, so the check has power.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import ks_2samp

from sim.reference import simple_jit
from sim.reference.mesa_rules import run_mesa, to_networkx
from sim.reference.simple_jit import CompiledRules
from sim.reference.simple_rules import (
    SHARE_A,
    SHARE_B,
    STOP_A,
    STOP_B,
    RefParams,
    SimpleRules,
    ba_graph,
    run_simple,
    seed_users,
)
from sim.rng import Streams

N, SEEDS = 500, 40
# 2% seeding (10 users per narrative) keeps both narratives alive at N = 500.
PARAMS = RefParams(n=N, seed_fraction=0.02)

ROOT = Path(__file__).resolve().parent.parent


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


@pytest.mark.parametrize(
    "wrong",
    [
        replace(PARAMS, beta_a=0.08, beta_b=0.05),  # narratives' appeal swapped
        replace(PARAMS, stop=0.14),  # sharers stop sooner
    ],
)
def test_comparison_detects_wrong_rules(wrong):
    assert np.any(_z_scores(_outcomes("vector", wrong), _mesa()) > 3.0)


def _path_graph():
    """Path 2 - 0 - 1 - 3: 0 shares A, 3 shares B, so 1 gets one exposure of each (tie -> A)."""
    import scipy.sparse as sp

    a, b = np.array([2, 0, 1]), np.array([0, 1, 3])
    return sp.csr_array((np.ones(6, bool), (np.r_[a, b], np.r_[b, a])), shape=(4, 4))


@pytest.mark.parametrize("kernel", [SimpleRules, CompiledRules])
def test_one_tick_rules_exactly_vectorized(kernel):
    p = RefParams(n=4, beta_a=1.0, beta_b=1.0, stop=0.0)
    m = kernel(_path_graph(), p, (np.array([0]), np.array([3])), np.random.default_rng(0))
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
    m = run_mesa(
        to_networkx(_path_graph()),
        p,
        (np.array([0]), np.array([3])),
        np.random.default_rng(0),
        max_ticks=2,
        form=form,
    )
    assert [u.state for u in m.users] == [SHARE_A, SHARE_A, SHARE_A, SHARE_B]
    assert m.final_sizes() == (0.75, 0.25) and m.active()
    m.params = replace(p, stop=1.0)
    m.step()
    assert [u.state for u in m.users] == [STOP_A, STOP_A, STOP_A, STOP_B] and not m.active()


def _twin_run(g, p: RefParams, seeds, seed: int) -> set[bool]:
    """Run the numpy and the compiled kernel side by side from the same Generator seed;
    every tick must leave the same states, the same sharers in the same order and the
    random stream at the same place. Returns the directions the compiled kernel took."""
    a = SimpleRules(g, p, seeds, np.random.default_rng(seed))
    b = CompiledRules(g, p, seeds, np.random.default_rng(seed))
    ways = set()
    while a.active() or b.active():
        ways.add(
            bool(
                simple_jit.PUSH_COST * b.tally[simple_jit.E_SHARE] <= b.tally[simple_jit.E_UNAWARE]
            )
        )
        a.step()
        b.step()
        assert np.array_equal(a.state, b.state), a.ticks
        assert a.sharers.tolist() == b.sharers[: b.ns].tolist(), a.ticks
        assert a.rng.bit_generator.state == b.rng.bit_generator.state, a.ticks
    assert a.ticks == b.ticks and a.final_sizes() == b.final_sizes()
    return ways


@pytest.mark.parametrize("seed", range(6))
def test_compiled_kernel_matches_numpy_draw_for_draw(seed):
    _s, g, seeds = _setup(seed, PARAMS)
    _twin_run(g, PARAMS, seeds, seed)


def test_compiled_kernel_matches_numpy_through_push_and_pull():
    p = RefParams(n=20_000)
    _s, g, seeds = _setup(3, p)
    assert _twin_run(g, p, seeds, 3) == {True, False}


def test_compiled_kernel_matches_numpy_with_wide_counts():
    """A hub with 2^15 followers: counts no longer fit 16 bits, both kernels switch to 64-bit codes."""
    import scipy.sparse as sp

    n = 2**15 + 200
    p = RefParams(n=n, m=2, seed_fraction=0.002)
    _s, g, seeds = _setup(1, p)
    star = sp.csr_array(
        (np.ones(n - 1, bool), (np.zeros(n - 1, int), np.arange(1, n))), shape=(n, n)
    )
    g = ((g + star + star.T) > 0).astype(bool).tocsr()
    g.indices = g.indices.astype(np.int32)
    assert CompiledRules(g, p, seeds, np.random.default_rng(0)).code.dtype == np.int64
    _twin_run(g, p, seeds, 1)


def test_compiled_kernel_without_numba_says_which_extra() -> None:
    """numba is an optional extra (``fast``): importing the kernel without it fails with one
    line naming the extra, not a traceback into numba."""
    code = (
        "import sys; sys.modules['numba'] = None\n"
        "try:\n    import sim.reference.simple_jit\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.strip()
    assert out == (
        "sim.reference.simple_jit needs numba: pip install 'infowar-sim[fast]' "
        "(or uv sync --extra fast)"
    )
