"""The compiled spread engine (sim/kernel_jit.py) against the numpy kernel, its reference:
the same runs draw for draw, on the default model and on karabakh2020 with strategies that
exercise every branch (debunks and corrections, prebunking, trust loss, gaffes, direct
posts, users' own posts, shutdowns)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
from clirun import TINY
from scipy import stats

from sim.api import run_infowar
from sim.cli import load
from sim.kernel import Kernel
from sim.kernel_jit import CompiledKernel, binom_quantiles

CONFIGS = {
    "default": [*TINY, "seed=5", "spread.trust_loss=0.2", "spread.stifle=0.3"],
    "karabakh2020": [
        *TINY[3:],
        "scenario=karabakh2020",
        "world.scale=0.0002",
        "world.tick_hours=12",  # the whole war (its stories and dated events), 90 ticks
        "seed=2",
        "spread.trust_loss=0.2",
        "strategy@home=[platform_shutdown,prebunking,rapid_response,volunteer_campaign]",
        "strategy@rival=[bot_flooding,hub_targeting,platform_shutdown]",
    ],
}
CROWD = ("state", "origin", "exposed", "reshared", "opinion", "eff_plats")
TALLY = ("states", "exposed", "op_sum", "op_sq", "support")
METRICS: tuple[str, ...] = (
    "states",
    "exposed",
    "reads",
    "opinion",
    "support",
    "reach_side",
    "trust",
)
METRICS += ("acc_posts", "acc_reach", "reshares", "narr_posts")


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_engines_give_the_same_run(name: str) -> None:
    """Summary, tables and every state array equal, bit for bit."""
    runs = {
        e: run_infowar(load([*CONFIGS[name], f"spread.engine={e}"])) for e in ("numpy", "compiled")
    }
    a, b = runs["numpy"], runs["compiled"]
    assert type(a.model.kernel) is Kernel and type(b.model.kernel) is CompiledKernel
    for s in (a.summary, b.summary):
        s.pop("timing")
    assert a.summary == b.summary
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.actors, b.actors, check_exact=True)
    ma, mb = a.model, b.model
    for group, names in (("crowd", CROWD), ("tally", TALLY), ("metrics", METRICS)):
        for k in names:
            x, y = getattr(getattr(ma, group), k), getattr(getattr(mb, group), k)
            assert np.array_equal(x, y), f"{group}.{k}"
    assert np.array_equal(ma.trust.cur, mb.trust.cur)
    assert ma.tally.states[:, 1:].sum() > 0  # the run moved users between states
    if name == "karabakh2020":  # the strategies' branches ran: corrections and inoculation
        assert (ma.crowd.state == 3).any() and ma.metrics.states[:, :, 4].sum() > 0
        assert (ma.trust.cur < ma.trust.base).any()


def test_auto_compiles_only_runs_that_repay_loading_numba() -> None:
    """``spread.engine=auto`` (the default): numpy below 10^6 users x ticks, compiled above."""
    from sim.model import InfoWarModel

    small = InfoWarModel(load(TINY))  # 300 users x 24 ticks
    big = InfoWarModel(load([*TINY, "graph.n=2000", "world.tick_hours=0.25"]))  # x 576 ticks
    assert small.crowd.n * small.world.ticks < 10**6 <= big.crowd.n * big.world.ticks
    assert type(small.kernel) is Kernel and type(big.kernel) is CompiledKernel


def test_sequential_draws_run_the_numpy_form() -> None:
    """The compiled loops key every draw: sequential draws keep the numpy kernel."""
    from sim.model import InfoWarModel

    m = InfoWarModel(load([*TINY, "spread.draws=sequential", "spread.engine=compiled"]))
    assert type(m.kernel) is Kernel


def test_binomial_quantile_matches_scipy() -> None:
    """Reads: the inverse binomial CDF equals scipy's ``binom.ppf`` (the numpy form's),
    including one copy, p = 1, p near 0 and 1, and counts whose pmf underflows at 0."""
    rng = np.random.default_rng(0)
    m = 200_000
    u = rng.random(m)
    n = rng.integers(0, 40, m).astype(np.int32)
    kinds = np.stack([rng.random(m), rng.random(m) ** 8, 1 - rng.random(m) ** 8])
    p = kinds[rng.integers(0, 3, m), np.arange(m)]  # anywhere, near 0, near 1
    p[:1000] = 1.0
    n[1000:1200], p[1000:1200] = 2000, 0.9  # (1 - p) ** n underflows: summed in logs
    want = np.where(n > 1, stats.binom.ppf(u, np.maximum(n, 1), p), (u > 1 - p) * (n > 0))
    assert np.array_equal(binom_quantiles(u, n, p), want.astype(np.int32))


def test_compiled_engine_without_numba_is_one_line(monkeypatch) -> None:
    """Without numba the compiled engine is a config error naming the key, not a traceback."""
    from sim.errors import ConfigError
    from sim.model import InfoWarModel

    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.delitem(sys.modules, "sim.kernel_jit")
    with pytest.raises(ConfigError, match="compiled needs numba"):
        InfoWarModel(load([*TINY, "spread.engine=compiled"]))
