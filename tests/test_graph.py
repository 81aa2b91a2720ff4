"""Graphs: the generated social graph, the simple graphs and the file loaders."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from sim.errors import ConfigError
from sim.graph.load import load_graph
from sim.graph.simple import barabasi_albert, erdos_renyi
from sim.graph.social import generate_social, platform_layer, to_networkx
from sim.population import build_people
from sim.rng import Streams, stream


def rows_of(g: sp.csr_array) -> np.ndarray:
    return np.repeat(np.arange(g.shape[0]), np.diff(g.indptr))


def assert_clean(g: sp.csr_array) -> None:
    """int32 indices, bool data, sorted rows, no self-loops, no duplicates."""
    assert g.indices.dtype == np.int32 and g.indptr.dtype == np.int32 and g.data.dtype == bool
    assert g.has_sorted_indices
    rows = rows_of(g)
    assert not (g.indices == rows).any()
    key = rows.astype(np.int64) * g.shape[0] + g.indices
    assert np.all(np.diff(key) > 0)


class Social:
    """A generated social graph with the crowd it was built for."""

    def __init__(self, cfg, **graph):
        cfg = dataclasses.replace(cfg, graph=dataclasses.replace(cfg.graph, **graph))
        streams = Streams(cfg.seed)
        self.world, self.crowd, _ = build_people(cfg, streams)  # the graph is drawn below
        self.cfg = cfg
        self.g = generate_social(
            self.crowd.community,
            self.crowd.langs,
            self.crowd.plats,
            self.world,
            cfg.graph,
            streams.get("graph"),
        )
        self.follower = self.g.indices  # edge e: follower -> account
        self.account = rows_of(self.g)


@pytest.fixture(scope="module")
def social(make_cfg) -> Social:
    return Social(make_cfg("graph.n=30000"))


def test_social_graph_is_clean_csr(social):
    assert_clean(social.g)
    assert social.g.nnz / social.g.shape[0] == pytest.approx(social.cfg.graph.mean_degree, rel=0.1)


def test_social_in_degree_is_heavy_tailed(social):
    indeg = np.diff(social.g.indptr)  # row s = followers of s
    mean = indeg.mean()
    assert indeg.max() > 30 * mean  # a Poisson in-degree would stay near mean + 5 sd
    top = np.sort(indeg)[-300:].astype(float)  # Hill estimate of the tail exponent
    alpha = 1.0 / np.mean(np.log(top / top[0]))
    assert 0.7 < alpha < 2.0, alpha  # theory: hub_exponent - 1 = 1.2
    outdeg = np.bincount(social.follower, minlength=social.g.shape[0])
    assert outdeg.max() < 15 * mean  # following is not heavy-tailed, being followed is


def test_social_community_homophily(social):
    comm = social.crowd.community
    same = np.mean(comm[social.follower] == comm[social.account])
    assert same == pytest.approx(social.cfg.graph.homophily, abs=0.05)
    mixed = Social(social.cfg, homophily=0.3)
    shares = np.bincount(comm) / comm.size
    assert np.mean(
        mixed.crowd.community[mixed.follower] == mixed.crowd.community[mixed.account]
    ) == pytest.approx(0.3, abs=0.05)
    assert same > 3 * np.sum(shares**2)  # far above random mixing


def test_social_language_homophily(social):
    """Follows join users sharing a language; across communities, language_bias favours
    communities that speak one of the follower's languages."""
    langs = social.crowd.langs
    shared = (langs[social.follower] & langs[social.account]) != 0
    assert shared.mean() > 0.9  # the rest: no speaker of the language in the pool

    def cross_shared(s: Social) -> float:
        c, lg = s.crowd.community, s.crowd.langs
        cross = c[s.follower] != c[s.account]
        return np.mean((lg[s.follower] & lg[s.account])[cross] != 0)

    blind = Social(social.cfg, language_bias=0.0)
    assert cross_shared(social) > cross_shared(blind) + 0.05


def test_social_platform_layers(social):
    """Every follow lives on a platform both ends use; the layers partition nothing away."""
    plats = social.crowd.plats
    assert np.all((plats[social.follower] & plats[social.account]) != 0)
    union = None
    for p in range(len(social.world.platforms)):
        layer = platform_layer(social.g, plats, p)
        assert_clean(layer)
        on = ((plats >> p) & 1).astype(bool)
        assert on[layer.indices].all() and on[rows_of(layer)].all()
        union = layer if union is None else (union + layer).astype(bool)
    assert (union != social.g.astype(bool)).nnz == 0


def test_actor_accounts_are_hubs_inside_their_hosts(social):
    from sim.model import InfoWarModel

    cfg = social.cfg
    model = InfoWarModel(cfg)
    user_indeg = np.diff(model.followers.indptr)
    comm = model.crowd.community
    for actor in model.actors:
        for a in actor.accounts:
            fol = model.accounts.followers(a)
            if actor.kind == "bots":
                assert len(fol) > np.median(user_indeg)  # many small accounts, still above typical
                continue
            assert len(fol) > np.percentile(user_indeg, 95)  # more followers than 95% of users
            inside = np.isin(comm[fol], actor.hosts).mean()
            outside = cfg.actors.groups[actor.group].outside_followers
            assert inside >= 1 - outside - 0.02, actor.name


def test_social_graph_does_not_depend_on_thread_count(social, monkeypatch):
    import sim.graph.social as social_mod

    a = Social(social.cfg, n=5000).g
    monkeypatch.setattr(social_mod.os, "cpu_count", lambda: 1)
    b = Social(social.cfg, n=5000).g
    assert (a != b).nnz == 0


def test_social_graph_does_not_depend_on_chunk_sizes(social, monkeypatch):
    """The pools are laid out and summed chunk by chunk of users, and the follows rebuilt
    block by block, to bound the temporaries: the chunking must not change the graph."""
    import sim.graph.follows as follows_mod
    import sim.graph.pools as pools_mod

    a = Social(social.cfg, n=5000).g
    monkeypatch.setattr(pools_mod, "CHUNK_USERS", 777)
    monkeypatch.setattr(follows_mod, "BLOCK_FOLLOWS", 1000)
    b = Social(social.cfg, n=5000).g
    assert (a != b).nnz == 0 and a.nnz == b.nnz


def test_social_generation_has_no_per_edge_python_loop(make_cfg, social, monkeypatch):
    """Python line events while generating: a per-edge or per-user loop would make them
    grow with the graph; they must stay flat from 5000 to 50,000 users (10x the edges)."""

    import sim.graph.social as social_mod

    monkeypatch.setattr(social_mod.os, "cpu_count", lambda: 1)  # settrace sees one thread

    def line_events(n: int) -> tuple[int, int]:
        s = Social(make_cfg("graph.n=30000"), n=n)
        count = 0

        def tracer(frame, event, arg):
            nonlocal count
            count += 1
            return tracer

        sys.settrace(tracer)
        try:
            g = generate_social(
                s.crowd.community,
                s.crowd.langs,
                s.crowd.plats,
                s.world,
                s.cfg.graph,
                stream(0, "graph"),
            )
        finally:
            sys.settrace(None)
        return count, g.nnz

    small, _ = line_events(5_000)
    big, edges = line_events(50_000)
    assert big < 2 * small + 10_000, (small, big)
    assert big < edges / 20, (big, edges)


def test_erdos_renyi_degrees():
    n, k = 20000, 8.0
    g = erdos_renyi(n, k, stream(0, "graph"))
    assert_clean(g)
    assert (g != g.T).nnz == 0
    deg = np.diff(g.indptr)
    assert deg.mean() == pytest.approx(k, rel=0.02)
    assert deg.var() == pytest.approx(k, rel=0.08)  # Poisson-like: variance = mean
    full = erdos_renyi(50, 49, stream(1, "graph"))
    assert full.nnz == 50 * 49
    a, b = erdos_renyi(3000, 5, stream(2, "graph")), erdos_renyi(3000, 5, stream(2, "graph"))
    assert (a != b).nnz == 0


def test_barabasi_albert_degrees():
    n, m = 30000, 4
    g = barabasi_albert(n, m, stream(0, "graph"))
    assert_clean(g)
    assert (g != g.T).nnz == 0
    deg = np.diff(g.indptr)
    assert deg.min() == m
    assert deg.mean() == pytest.approx(2 * m, rel=0.01)
    ks = np.array([2, 4, 8, 16]) * m
    slope = np.polyfit(np.log(ks), np.log([(deg >= k).mean() for k in ks]), 1)[0]
    assert -2.4 < slope < -1.6, slope  # P(K >= k) ~ k^-2 for preferential attachment
    assert deg.max() > 30 * m
    tiny = barabasi_albert(5, 4, stream(1, "graph"))
    assert tiny.nnz == 20  # n <= m + 1: the clique


# ---------------------------------------------------------------- loaders

COMMS = ["home_domestic", "rival_domestic", "intl_usa"]


def graph_cfg(path: Path, **kw):
    from sim.config.schema import GraphConfig

    return GraphConfig(kind="file", n=kw.pop("n", 0), path=str(path), **kw)


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_load_csv_with_header_and_communities(tmp_path):
    p = write(
        tmp_path,
        "e.csv",
        "source,target,community,target_community,weight\n"
        "0,1,home_domestic,intl_usa,3\n2,1,rival_domestic,,1\n0,1,home_domestic,,1\n"
        "3,3,,,1\n",
    )
    g, comm = load_graph(graph_cfg(p), COMMS)
    assert_clean(g)
    assert g.shape == (4, 4)
    assert list(g[[1]].indices) == [0, 2]  # "a,b" means a follows b: a is in row b
    assert g.nnz == 2  # the repeat and the self-loop are dropped
    assert list(comm) == [0, 2, 1, -1]


def test_load_tsv_without_header_and_fixed_n(tmp_path):
    p = write(tmp_path, "e.tsv", "0\t1\n1\t2\n2\t0\n")
    g, comm = load_graph(graph_cfg(p, n=10), COMMS)
    assert g.shape == (10, 10) and g.nnz == 3
    assert list(g[[0]].indices) == [2]
    assert (comm == -1).all()


def test_load_graphml_round_trip(social, tmp_path):
    s = Social(social.cfg, n=400)
    comm = s.crowd.community.astype(np.int64)
    comm[:5] = -1  # unlabelled users
    p = tmp_path / "g.graphml"
    nx.write_graphml(to_networkx(s.g, comm, s.world), p)
    g, back = load_graph(graph_cfg(p), s.world.communities)
    assert (g != s.g).nnz == 0
    assert np.array_equal(back, comm)


def test_load_undirected_graphml_with_names(tmp_path):
    graph = nx.Graph()
    graph.add_node("alice", community="intl_usa")
    graph.add_node("bob")
    graph.add_edge("alice", "bob")
    p = tmp_path / "u.graphml"
    nx.write_graphml(graph, p)
    g, comm = load_graph(graph_cfg(p), COMMS)
    assert g.nnz == 2 and (g != g.T).nnz == 0
    assert list(comm) == [2, -1]


def test_file_graph_runs_end_to_end(make_cfg, tmp_path):
    from sim.api import run

    n = 300
    g = erdos_renyi(n, 6, stream(3, "graph"))
    src, dst = g.indices, rows_of(g)
    lines = ["source,target,community"] + [
        f"{a},{b},{'intl_usa' if a % 2 else ''}" for a, b in zip(src, dst)
    ]
    p = write(tmp_path, "e.csv", "\n".join(lines) + "\n")
    cfg = make_cfg(
        "graph=file", f"graph.path={p}", "mode=sir", "spread.beta=0.3", "output.progress=false"
    )
    res = run(cfg)
    assert res.summary["users"] == n and res.summary["follows"] == g.nnz
    p.write_text("source,target\n0,1\n1,x\n")  # the run reports a bad file in one line
    with pytest.raises(ConfigError, match="e.csv"):
        run(cfg)


BAD = {
    "missing.csv": None,
    "empty.csv": "",
    "header_only.csv": "source,target\n",
    "ragged.csv": "source,target\n0,1\n1,2,3\n",
    "words.csv": "source,target\n0,1\nx,2\n",
    "blank_id.csv": "source,target\n0,1\n,2\n",
    "negative.csv": "source,target\n0,1\n-3,2\n",
    "no_columns.csv": "from,to\n0,1\n",
    "unknown_comm.csv": "source,target,community\n0,1,intl_usaa\n",
    "two_comms.csv": "source,target,community\n0,1,intl_usa\n0,2,home_domestic\n",
    "bad.graphml": "<graphml><graph><node id='a'></graph>",
    "noedges.graphml": None,
    "edges.xlsx": "0,1\n",
    "sparse_ids.csv": "source,target\n0,1\n1,123456789012\n",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_loader_errors_name_the_file_and_the_problem(tmp_path, name):
    p = tmp_path / name
    if name == "noedges.graphml":
        graph = nx.DiGraph()
        graph.add_node(0)
        nx.write_graphml(graph, p)
    elif BAD[name] is not None:
        p.write_text(BAD[name])
    with pytest.raises(ConfigError) as err:
        load_graph(graph_cfg(p), COMMS)
    assert err.value.key == "graph.path"
    assert name in err.value.message
    line = err.value.line()
    assert "\n" not in line
    if name == "unknown_comm.csv":
        assert "did you mean 'intl_usa'" in line


def test_loader_id_out_of_range(tmp_path):
    p = write(tmp_path, "e.csv", "source,target\n0,1\n1,12\n")
    with pytest.raises(ConfigError, match=r"node id 12 is out of range for graph.n=10"):
        load_graph(graph_cfg(p, n=10), COMMS)


def test_redraws_add_only_new_distinct_follows():
    from sim.graph.follows import FollowList, accepted, rebuild, transpose

    fl = FollowList(np.array([2, 0, 0], np.int32), np.array([0, 1, 2, 3]))  # 0->2, 1->0, 2->0
    draws = iter([np.array([0, 2, 1, 1, -1]), np.array([2, 1, 2, 0])])
    # round 1: 1->0 exists, 2->2 and 1->1 self, 0->1 new, 2->none; round 2 (followers 1, 2, 1, 2):
    # 1->2 new, 2->1 new, 1->2 repeated, 2->0 exists
    new = accepted(fl, np.array([1, 2, 1, 0, 2], np.int32), 2, lambda s: next(draws))
    out = transpose(rebuild(fl, new))  # row = followers
    assert_clean(out)
    assert out.toarray().astype(int).tolist() == [[0, 1, 1], [1, 0, 1], [1, 1, 0]]


def test_tidy_drops_repeats_and_self_loops_in_followers_order():
    """Follower 0 draws 1, none, 1, 0; follower 2 draws 2, 1: the drops redraw in the order
    of the followers CSR (target, then follower), and the rest is the clean graph."""
    from sim.graph.follows import FollowList, rebuild, tidy_block, transpose

    col = np.array([1, -1, 1, 0, 0, 2, 1], np.int32)
    src = np.array([0, 0, 0, 0, 1, 2, 2], np.int32)
    dropped = np.sort(tidy_block(col, src, 0, 3))
    assert (dropped % 3).tolist() == [0, 0, 0, 2] and (dropped // 3).tolist() == [0, 0, 1, 2]
    out = transpose(rebuild(FollowList(col, np.array([0, 4, 5, 7])), np.zeros(0, np.int64)))
    assert_clean(out)
    assert out.toarray().astype(int).tolist() == [[0, 1, 0], [1, 0, 1], [0, 0, 0]]
