"""Same config and seed -> the same bits (issue 9, "Determinism and randomness").

- twice in a row and under different PYTHONHASHSEED values (real subprocesses);
- in any run order (in-process: A, B then B, A);
- serial vs parallel sweeps: tests/test_sweep*.py (the sweep helper's tests);
- common random numbers: enabling a strategy leaves every other component's draws alone
  (``test_strategy_*``, parametrized over the strategy registry).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from clirun import TINY, run_subprocess

from sim.model import InfoWarModel

OUTPUTS = ("timeseries.parquet", "actors.parquet")


def summary_without_timing(run_dir: Path) -> dict:
    """summary.json minus wall-clock fields (timing moves to timing.json)."""
    s = json.loads((run_dir / "summary.json").read_text())
    s.pop("timing", None)
    return s


def fingerprint(run_dir: Path) -> dict[str, str]:
    """sha256 of every deterministic output file (summary without timing)."""
    out = {
        "summary.json": hashlib.sha256(
            json.dumps(summary_without_timing(run_dir), sort_keys=True).encode()
        ).hexdigest()
    }
    for name in OUTPUTS:
        p = run_dir / name
        if p.exists():
            out[name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def test_same_seed_same_bits_across_processes_and_hash_seeds(tmp_path) -> None:
    args = [*TINY, "seed=11"]
    a = run_subprocess(args, tmp_path / "a", PYTHONHASHSEED="1")
    b = run_subprocess(args, tmp_path / "b", PYTHONHASHSEED="987654")
    assert a.code == 0 and b.code == 0, (a.stderr[-2000:], b.stderr[-2000:])
    fa, fb = fingerprint(tmp_path / "a"), fingerprint(tmp_path / "b")
    assert set(fa) == {"summary.json", *OUTPUTS}
    assert fa == fb


def _run_inprocess(overrides: list[str], out: Path) -> dict[str, str]:
    from sim.api import run
    from sim.cli import load

    run(load(overrides), out=out)
    return fingerprint(out)


def test_run_order_and_repetition_do_not_matter(tmp_path) -> None:
    """A, B, B, A in one process: A == A and B == B; A != B (the seed matters)."""
    cfg_a = [*TINY, "seed=1"]
    cfg_b = [*TINY, "seed=2", "graph=er", "graph.n=250", "graph.mean_degree=6"]
    fa1 = _run_inprocess(cfg_a, tmp_path / "a1")
    fb1 = _run_inprocess(cfg_b, tmp_path / "b1")
    fb2 = _run_inprocess(cfg_b, tmp_path / "b2")
    fa2 = _run_inprocess(cfg_a, tmp_path / "a2")
    assert fa1 == fa2
    assert fb1 == fb2
    assert fa1["summary.json"] != fb1["summary.json"]


def test_seed_changes_results(tmp_path) -> None:
    """Guards the tests above against outputs that ignore the seed."""
    assert _run_inprocess([*TINY, "seed=5"], tmp_path / "x") != _run_inprocess(
        [*TINY, "seed=6"], tmp_path / "y"
    )


# -- common random numbers ----------------------------------------------------------------
_CACHE: dict[str, dict] = {}  # baselines shared by the parametrized tests


def _strategies() -> list[str]:
    from sim.strategies import load_all

    return sorted(load_all())


def _side(name: str) -> str:
    from sim.strategies import REGISTRY

    return "home" if REGISTRY[name].meta.allows("home") else "rival"


def _stream_states(model, skip_prefix: str = "strategy/") -> dict[str, object]:
    st = {
        n: model.streams.get(n).bit_generator.state
        for n in model.streams.names()
        if not n.startswith(skip_prefix)
    }
    st["<mesa model.rng>"] = model.rng.bit_generator.state
    st["<mesa model.random>"] = model.random.getstate()
    return st


def _snapshot(model) -> dict[str, object]:
    """Everything drawn while building the world, before any strategy is set up."""
    c, f, acc = model.crowd, model.followers, model.accounts
    arrays = {
        "indptr": f.indptr,
        "indices": f.indices,
        "community": c.community,
        "langs": c.langs,
        "plats": c.plats,
        "opinion": c.opinion,
        "activity": c.activity,
        "state": c.state,
        "origin": c.origin,
        "exposed": c.exposed,
    }
    arrays.update({f"account/{n}": acc.followers(i) for i, n in enumerate(acc.names)})
    return {"arrays": {k: v.copy() for k, v in arrays.items()}, "streams": _stream_states(model)}


def _build(overrides: list[str], monkeypatch) -> tuple[InfoWarModel, dict]:
    """Build a model, keeping a snapshot taken just before its strategies are built."""
    from sim.cli import load
    from sim.model import InfoWarModel

    snap: dict = {}
    original = InfoWarModel._build_strategies

    def build_strategies(self):
        snap.update(_snapshot(self))
        return original(self)

    monkeypatch.setattr(InfoWarModel, "_build_strategies", build_strategies)
    return InfoWarModel(load(overrides)), snap


def _assert_same(a: dict, b: dict) -> None:
    import numpy as np

    assert a["streams"] == b["streams"]
    assert a["arrays"].keys() == b["arrays"].keys()
    for k in a["arrays"]:
        assert np.array_equal(a["arrays"][k], b["arrays"][k]), k


@pytest.mark.parametrize("name", _strategies())
def test_strategy_leaves_other_draws_alone(name, monkeypatch) -> None:
    """Graph, crowd, actors' accounts and every non-strategy stream are the same with the
    strategy enabled; while it sets up and acts it draws from its own stream only."""
    base = [*TINY, "seed=4"]
    if "without" not in _CACHE:
        _CACHE["without"] = _build(base, monkeypatch)[1]
    without = _CACHE["without"]
    model, with_ = _build([*base, f"strategy@{_side(name)}=[{name}]"], monkeypatch)
    _assert_same(without, with_)
    own = {s: s.rng for s in model.strategies}
    assert [s.name for s in model.strategies] == [name]
    strat = model.strategies[0]
    assert strat.rng is model.streams.get(f"strategy/{_side(name)}/{name}")
    after_setup = _stream_states(model)
    assert after_setup == with_["streams"], "setup() drew from another component's stream"
    for hook in ("act", "revise"):
        inner = getattr(strat, hook)

        def guarded(inner=inner, hook=hook):
            before = _stream_states(model)
            inner()
            assert _stream_states(model) == before, f"{hook}() drew from another component's stream"

        setattr(strat, hook, guarded)
    for _ in range(model.world.ticks):
        model.step()
    assert own[strat] is strat.rng


@pytest.mark.parametrize("name", _strategies())
def test_strategy_with_zero_budget_is_bit_identical(name) -> None:
    """budget=0 must be a no-op: the same tables, bit for bit, as not enabling it. (The
    strategy's config is its dataclass defaults with budget=0: no compose per strategy.)"""
    import copy

    import pandas as pd

    from sim.api import run
    from sim.cli import load
    from sim.strategies import REGISTRY

    if "off" not in _CACHE:
        cfg = load([*TINY, "seed=9"])
        _CACHE["off"] = {"cfg": cfg, "run": run(cfg)}
    base, off = _CACHE["off"]["cfg"], _CACHE["off"]["run"]
    cfg = copy.deepcopy(base)
    cfg.strategies[_side(name)] = {name: REGISTRY[name].Config(budget=0.0)}
    zero = run(cfg)
    assert [s.name for s in zero.model.strategies] == [name]
    pd.testing.assert_frame_equal(zero.timeseries, off.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(zero.actors, off.actors, check_exact=True)


def test_streams_depend_only_on_seed_and_name() -> None:
    """Asking for streams in another order, or for more of them, changes no draw."""
    from sim.rng import Streams

    a, b = Streams(3), Streams(3)
    b.get("strategy/home/x")
    b.get("crowd")
    assert a.get("graph").random(8).tolist() == b.get("graph").random(8).tolist()
    assert a.get("crowd").random(8).tolist() == b.get("crowd").random(8).tolist()
    assert Streams(3).get("graph").random(8).tolist() != Streams(4).get("graph").random(8).tolist()
    assert Streams(3).get("graph").random(8).tolist() != Streams(3).get("crowd").random(8).tolist()


@pytest.mark.parametrize("cores", [1, 3, 16])
def test_graph_same_on_any_core_count(cores, monkeypatch) -> None:
    """The social graph is drawn on threads; the result must not depend on how many."""
    import numpy as np

    import sim.graph.social as social
    from sim.cli import load
    from sim.population import build_world

    def graph():
        g = build_world(load([*TINY, "graph.n=2000", "seed=6"])).followers
        return g.indptr.copy(), g.indices.copy()

    if "graph" not in _CACHE:
        monkeypatch.setattr(social.os, "cpu_count", lambda: 1)
        _CACHE["graph"] = graph()
    monkeypatch.setattr(social.os, "cpu_count", lambda: cores)
    got = graph()
    assert all(np.array_equal(a, b) for a, b in zip(got, _CACHE["graph"]))
