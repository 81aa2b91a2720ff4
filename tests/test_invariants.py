"""Invariants that hold every tick, over random valid configs and small graphs (issue 9).

- counts per narrative state sum to the population (per community, and in total), and
  the running tally equals a recount from the crowd's arrays;
- opinions stay finite and in [-1, 1]; no count is negative or NaN;
- believers never exceed those exposed (per user: every believer was exposed), and the
  exposed count never falls;
- sir mode: S + I + R = everyone and the ever-infected count (I + R) never falls.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from clirun import TINY
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.crowd import N_STATES, SHARING, STOPPED
from sim.errors import ConfigError

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def base():
    from sim.cli import load

    return load([*TINY, "world.horizon_days=5"])


def _valid(cfg):
    from sim.config import rules

    try:
        rules.check_all(cfg)
    except ConfigError:
        return False
    return True


world_params = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 2**31),
        "n": st.integers(60, 400),
        "kind": st.sampled_from(["social", "er", "ba"]),
        "beta": st.floats(0.0, 1.0),
        "share_prob": st.floats(0.0, 1.0),
        "forget": st.floats(0.0, 1.0),
        "stifle": st.floats(0.0, 1.0),
        "attention": st.integers(1, 12),
        "opinion_step": st.floats(0.0, 1.0),
        "confidence": st.floats(0.05, 1.0),
        "inoculation": st.floats(0.0, 1.0),
        "correction": st.floats(0.0, 1.0),
        "trust_loss": st.floats(0.0, 1.0),
        "gaffe_attitude": st.floats(0.0, 1.0),
        "gaffe_trust": st.floats(0.0, 1.0),
        "belief_halflife_days": st.floats(0.0, 30.0),
        "inoculation_halflife_days": st.floats(0.0, 30.0),
        "trust_halflife_days": st.floats(0.0, 30.0),
        "seed_fraction": st.floats(0.0, 0.2),
        "appeal": st.floats(0.0, 5.0),
    }
)


def _configure(base, p):
    c = copy.deepcopy(base)
    c.seed = p["seed"]
    c.graph.kind, c.graph.n = p["kind"], p["n"]
    c.graph.mean_degree, c.graph.m = 6.0, 3
    for k in (
        "beta",
        "share_prob",
        "forget",
        "stifle",
        "attention",
        "opinion_step",
        "confidence",
        "inoculation",
        "correction",
        "trust_loss",
        "gaffe_attitude",
        "gaffe_trust",
        "belief_halflife_days",
        "inoculation_halflife_days",
        "trust_halflife_days",
    ):
        setattr(c.spread, k, p[k])
    for narr in c.world.narratives.values():
        narr.seed_fraction = p["seed_fraction"]
        narr.appeal = p["appeal"]
    return c


def check_tick(model, prev_exposed: np.ndarray) -> np.ndarray:
    crowd, tally, n = model.crowd, model.tally, model.crowd.n
    comm = crowd.community.astype(np.int64)
    n_comm = len(model.world.communities)
    assert np.all(np.isfinite(crowd.opinion)) and np.all(np.abs(crowd.opinion) <= 1.0)
    assert tally.states.min() >= 0 and tally.exposed.min() >= 0
    tr = model.trust
    assert np.all(np.isfinite(tr.cur)) and np.all((tr.cur >= 0) & (tr.cur <= tr.base + 1e-12))
    for k in range(model.world.n_narratives):
        per_comm = tally.states[k].sum(axis=0)
        assert np.array_equal(per_comm, tally.users) and per_comm.sum() == n
        recount = np.bincount(
            crowd.state[k].astype(np.int64) * n_comm + comm, minlength=N_STATES * n_comm
        ).reshape(N_STATES, n_comm)
        assert np.array_equal(recount, tally.states[k]), "tally drifted from the crowd's states"
        believers = crowd.believers(k)
        assert not np.any(believers & ~crowd.exposed[k]), "a believer was never exposed"
        b = tally.states[k, SHARING] + tally.states[k, STOPPED]
        assert np.all(b <= tally.exposed[k])
        assert np.array_equal(
            np.bincount(comm[crowd.exposed[k]], minlength=n_comm), tally.exposed[k]
        )
    assert np.all(tally.exposed >= prev_exposed), "the exposed count fell"
    return tally.exposed.copy()


@SETTINGS
@given(p=world_params)
def test_infowar_invariants_every_tick(base, p) -> None:
    from sim.model import InfoWarModel

    cfg = _configure(base, p)
    assume(_valid(cfg))
    model = InfoWarModel(cfg)
    prev = check_tick(model, np.zeros_like(model.tally.exposed))
    for _ in range(model.world.ticks):
        model.step()
        prev = check_tick(model, prev)
    ts = model.metrics.timeseries()
    num = ts.select_dtypes("number")
    assert not num.isna().any().any()
    counts = [
        c for c in ts.columns if c.split("_")[0] in ("believers", "sharers", "exposed", "reads")
    ]
    assert (ts[counts] >= 0).all().all()


@SETTINGS
@given(
    seed=st.integers(0, 2**31),
    n=st.integers(30, 400),
    deg=st.floats(1.0, 10.0),
    beta=st.floats(0.0, 1.0),
    gamma=st.floats(0.0, 1.0),
    initial=st.floats(0.001, 0.5),
)
def test_sir_ever_infected_never_falls(base, seed, n, deg, beta, gamma, initial) -> None:
    from sim.api import run

    cfg = copy.deepcopy(base)
    cfg.mode, cfg.seed = "sir", seed
    cfg.graph.kind, cfg.graph.n, cfg.graph.mean_degree = "er", n, deg
    cfg.spread.beta, cfg.spread.gamma, cfg.spread.initial = beta, gamma, initial
    assume(_valid(cfg))
    ts = run(cfg).timeseries
    shares = ts[["susceptible", "infected", "recovered"]].to_numpy()
    assert np.all(np.isfinite(shares)) and shares.min() >= 0
    counts = np.rint(shares * n).astype(np.int64)
    assert np.all(counts.sum(axis=1) == n)
    ever = counts[:, 1] + counts[:, 2]
    assert np.all(np.diff(ever) >= 0), "the ever-infected count fell"
    assert np.all(np.diff(counts[:, 0]) <= 0), "a user became susceptible again"
