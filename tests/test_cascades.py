"""Cascade recorder and tree metrics: hand-built trees with known answers, the adoption
table against the crowd's final state, and the flag's zero effect on the run."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from clirun import TINY, run_inprocess

from sim.cascades.build import cascades
from sim.cascades.recorder import BOT, SEED, USER
from sim.cascades.trees import forest, time_to_reach, tree_stats


def _stats(parent):
    return tree_stats(forest(np.array(parent)))


def test_chain_star_and_known_virality() -> None:
    chain = [-1, 0, 1, 2, 3]  # path of 5: mean distance (n + 1) / 3 = 2
    star = [-1, 0, 0, 0, 0]  # star of 5: 2 (n - 1) / n = 1.6
    st = _stats(chain + [p + 5 if p >= 0 else -1 for p in star] + [-1])
    assert list(st.size) == [5, 5, 1]
    assert list(st.depth) == [4, 1, 0]
    assert list(st.max_breadth) == [1, 4, 1]
    assert st.virality[:2] == pytest.approx([2.0, 1.6])
    assert np.isnan(st.virality[2])
    # complete binary tree of 7 nodes: Wiener index 48, mean distance 48 / 21
    bt = _stats([-1, 0, 0, 1, 1, 2, 2])
    assert st.wiener[0] == 20 and bt.wiener[0] == 48
    assert bt.virality[0] == pytest.approx(48 / 21)


def test_virality_matches_networkx_on_random_trees() -> None:
    rng = np.random.default_rng(5)
    for n in (2, 3, 17, 200):
        parent = np.concatenate([[-1], rng.integers(0, np.arange(1, n))])  # parent < child
        perm = rng.permutation(n)  # node order must not matter
        inv = np.argsort(perm)
        shuffled = np.where(parent[perm] >= 0, inv[np.maximum(parent[perm], 0)], -1)
        st = _stats(shuffled)
        g = nx.Graph([(i, int(p)) for i, p in enumerate(parent) if p >= 0])
        g.add_nodes_from(range(n))
        assert st.virality[0] == pytest.approx(nx.average_shortest_path_length(g))
        depth = nx.single_source_shortest_path_length(g, 0)
        assert st.depth[0] == max(depth.values())


def test_cycle_is_refused() -> None:
    with pytest.raises(ValueError):
        forest(np.array([1, 0]))


def test_time_to_reach() -> None:
    tree = np.array([0, 0, 0, 1, 1])
    tick = np.array([5, 2, 9, 3, 3])
    out = time_to_reach(tree, tick, (2, 3, 4), 2)
    assert out[0].tolist()[:2] == [3.0, 7.0] and np.isnan(out[0, 2])
    assert out[1, 0] == 0.0 and np.isnan(out[1, 1])


def test_cascades_from_adoptions() -> None:
    # narrative 0: seed 0 -> 1 -> 2; bot account 100 (post at tick 1) -> 3, 4; 3 -> 5;
    # the same bot's post at tick 4 -> 6 (a second cascade).
    # narrative 1: user 7 posts on its own, 8 adopts; 7 adopts later from 8 (no cycle).
    a = pd.DataFrame(
        {
            "narrative": [0, 0, 0, 0, 0, 0, 0, 1, 1],
            "user": [0, 1, 3, 4, 2, 5, 6, 8, 7],
            "parent": [-1, 0, 100, 100, 1, 3, 100, 7, 8],
            "parent_kind": [SEED, USER, BOT, BOT, USER, USER, BOT, USER, USER],
            "tick": [0, 1, 1, 1, 2, 2, 4, 3, 5],
        }
    )
    t = cascades(a, np.array([True, False]), np.array([0, 1]))
    assert sorted(t["size"]) == [2, 3, 3, 4]
    bot = t[(t["root_kind"] == "bot") & (t["size"] == 4)].iloc[0]
    assert bot["users"] == 3 and bot["depth"] == 2 and bot["virality"] == pytest.approx(10 / 6)
    vol = t[t["narrative"] == 1].iloc[0]
    assert vol["root_kind"] == "user" and vol["depth"] == 2 and not vol["true"]
    whole = cascades(a, np.array([True, False]), np.array([0, 1]), per_post=False)
    assert sorted(whole["size"]) == [3, 3, 5]


def test_readoption_links_to_the_latest_earlier_adoption() -> None:
    # seed 0 -> 1 (t1); 1 forgets, adopts again from account 50 (t5); 2 reads 1 at t6
    # (its parent is 1's second adoption) and 3 reads 1 at t3 (the first).
    a = pd.DataFrame(
        {
            "narrative": [0, 0, 0, 0, 0],
            "user": [0, 1, 3, 1, 2],
            "parent": [-1, 0, 1, 50, 1],
            "parent_kind": [SEED, USER, USER, 2, USER],
            "tick": [0, 1, 3, 5, 6],
        }
    )
    t = cascades(a, np.array([True]), np.array([0])).sort_values("root_kind")
    assert t["size"].tolist() == [3, 3] and t["root_kind"].tolist() == ["seed", "actor"]
    assert t["depth"].tolist() == [2, 2]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("casc")
    args = [*TINY, "graph.n=2000", "world.tick_hours=2", "seed=3"]
    on = run_inprocess([*args, "output.cascades=true", "output.figures=true"], base / "on")
    off = run_inprocess([*args, "output.cascades=false"], base / "off")
    assert on.code == 0 and off.code == 0, on.stderr + off.stderr
    return base / "on", base / "off"


def test_run_writes_table_and_figures(runs) -> None:
    on, off = runs
    for name in ("cascade_ccdf.png", "cascade_depth_size.png", "cascade_sources.png"):
        assert (on / "figures" / name).stat().st_size > 0
    assert not (off / "cascades.parquet").exists()
    s = json.loads((on / "summary.json").read_text())["cascades"]
    assert set(s) >= {"by_truth", "by_narrative", "reach_by_sender", "reach_by_root"}
    assert sum(v for v in s["reach_by_sender"].values()) == pytest.approx(1.0, abs=1e-3)


def test_flag_changes_nothing_else(runs) -> None:
    on, off = runs
    s_on = json.loads((on / "summary.json").read_text())
    s_off = json.loads((off / "summary.json").read_text())
    s_on.pop("cascades")
    assert s_on == s_off
    pd.testing.assert_frame_equal(
        pd.read_parquet(on / "timeseries.parquet"), pd.read_parquet(off / "timeseries.parquet")
    )


def test_table_covers_every_believer(runs) -> None:
    on, _ = runs
    a = pd.read_parquet(on / "cascades.parquet")
    assert (a["parent_kind"] == USER).sum() > 30
    assert not a.duplicated(["narrative", "user", "tick"]).any()  # one per user, story, tick
    ts = pd.read_parquet(on / "timeseries.parquet")
    last = ts[ts["tick"] == ts["tick"].max()]
    users = a[a["parent_kind"] == USER]
    key = a.groupby(["narrative", "user"])["tick"].min()  # first adoption (users may re-adopt)
    par = key.reindex(list(zip(users["narrative"], users["parent"]))).to_numpy()
    # a user parent believed the story before the child (volunteers' own posts aside)
    assert (par[~np.isnan(par)] < users["tick"].to_numpy()[~np.isnan(par)]).all()
    assert np.isnan(par).mean() < 0.05
    assert len(last) > 0


def test_every_believer_has_one_adoption_row(make_cfg) -> None:
    from sim.api import run_infowar
    from sim.crowd import SHARING, STOPPED

    res = run_infowar(make_cfg(*TINY, "graph.n=600", "seed=4", "output.cascades=true"))
    st = res.model.crowd.state
    a = res.cascades.adoptions
    recorded = np.zeros_like(st, dtype=bool)
    recorded[a["narrative"].to_numpy(), a["user"].to_numpy()] = True
    believer = (st == SHARING) | (st == STOPPED)
    assert (recorded[believer]).all()
    assert not recorded[~res.model.crowd.exposed].any()  # only users who read the story
    assert res.cascades.trees["users"].sum() == len(a)


def test_bad_flag_value_exits_2(tmp_path) -> None:
    res = run_inprocess([*TINY, "output.cascades=maybe"], tmp_path)
    assert res.code == 2 and "output.cascades" in res.stderr
