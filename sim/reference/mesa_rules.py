"""The benchmark's reference rules as a plain per-agent Mesa model (the baseline to beat).

One ``mesa.Agent`` per user on a networkx graph, updated synchronously in two phases:
``step`` (every sharer adds one exposure to each neighbour's counter) then ``advance``
(every user resolves its own counters and may stop sharing). The rules are those of
``sim.reference.simple_rules`` (see its docstring); this version is deliberately naive,
as a researcher would first write it, and is the per-agent side of the speed comparison
and of the equivalence test.
"""
from __future__ import annotations

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim.reference.simple_rules import SHARE_A, SHARE_B, STOP_A, UNAWARE, RefParams


class User(mesa.Agent):
    def __init__(self, model: "MesaRules", node: int) -> None:
        super().__init__(model)
        self.node = node
        self.state = UNAWARE
        self.hits = [0, 0]  # exposures to A and B received this tick

    def step(self) -> None:
        """Phase 1: a sharer exposes all its followers."""
        if self.state == SHARE_A or self.state == SHARE_B:
            k = self.state - SHARE_A
            users = self.model.users
            for v in self.model.graph.neighbors(self.node):
                users[v].hits[k] += 1

    def advance(self) -> None:
        """Phase 2: adopt (if unaware and exposed) or stop (if sharing)."""
        m, st = self.model, self.state
        a, b = self.hits
        if st == UNAWARE and (a or b):
            k = 0 if a >= b else 1
            s = a if k == 0 else b
            if m.random.random() < 1.0 - (1.0 - m.beta[k]) ** s:
                self.state = SHARE_A + k
                m.believers[k] += 1
        elif st == SHARE_A or st == SHARE_B:
            if m.random.random() < m.params.stop:
                self.state = STOP_A + (st - SHARE_A)
        self.hits = [0, 0]


class MesaRules(mesa.Model):
    def __init__(self, graph: nx.Graph, params: RefParams, seeds, seed: int) -> None:
        super().__init__(rng=seed)
        self.graph, self.params = graph, params
        self.beta = (params.beta_a, params.beta_b)
        self.users = [User(self, v) for v in range(graph.number_of_nodes())]
        self.believers = [0, 0]
        for k, group in enumerate(seeds):
            for v in group:
                self.users[int(v)].state = SHARE_A + k
                self.believers[k] += 1
        self.ticks = 0

    def step(self) -> None:
        self.agents.do("step")
        self.agents.do("advance")
        self.ticks += 1

    def active(self) -> bool:
        return any(u.state in (SHARE_A, SHARE_B) for u in self.users)

    def final_sizes(self) -> tuple[float, float]:
        n = len(self.users)
        return self.believers[0] / n, self.believers[1] / n


def to_networkx(followers: sp.csr_array) -> nx.Graph:
    """The symmetric follower CSR as an undirected networkx graph on nodes 0..n-1."""
    g = nx.Graph()
    g.add_nodes_from(range(followers.shape[0]))
    coo = sp.triu(followers, k=1, format="coo")
    g.add_edges_from(zip(coo.row.tolist(), coo.col.tolist()))
    return g


def run_mesa(graph: nx.Graph, params: RefParams, seeds, rng: np.random.Generator,
             max_ticks: int = 10_000) -> MesaRules:
    """Run to extinction (no sharers left) or ``max_ticks``."""
    model = MesaRules(graph, params, seeds, int(rng.integers(2**31)))
    while model.active() and model.ticks < max_ticks:
        model.step()
    return model
