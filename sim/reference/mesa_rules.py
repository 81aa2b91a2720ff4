"""The benchmark's reference rules as per-agent Mesa models (the baseline to beat).

One ``mesa.Agent`` per user on a networkx graph, updated synchronously in two phases
(``step`` then ``advance``), in two forms with the same rules as
``sim.reference.simple_rules`` (see its docstring):

- ``form="pull"`` (the plain, textbook form): in ``step`` every unaware user looks at the
  accounts it follows, counts the sharers of each narrative among them and decides its
  next state; every sharer decides whether it stops; ``advance`` applies the next states.
- ``form="push"`` (a lean form): in ``step`` only sharers act, adding one exposure to each
  neighbour's counter; in ``advance`` every user resolves its own counters.

Both are the per-agent side of the speed comparison and of the equivalence test; push is
faster because a tick's work follows the few sharers, not the many unaware users.
"""

from __future__ import annotations

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim.reference.simple_rules import SHARE_A, SHARE_B, STOP_A, UNAWARE, RefParams


class User(mesa.Agent):
    """Push form: sharers write exposures into their neighbours' counters."""

    def __init__(self, model: MesaRules, node: int) -> None:
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
        elif (st in (SHARE_A, SHARE_B)) and m.random.random() < m.params.stop:
            self.state = STOP_A + (st - SHARE_A)
        self.hits = [0, 0]


class PullUser(mesa.Agent):
    """Pull form: each unaware user counts the sharers among the accounts it follows."""

    def __init__(self, model: MesaRules, node: int) -> None:
        super().__init__(model)
        self.node = node
        self.state = UNAWARE
        self.next_state = UNAWARE

    def step(self) -> None:
        """Phase 1: decide the next state from the neighbours' current states."""
        m, st = self.model, self.state
        self.next_state = st
        if st == UNAWARE:
            a = b = 0
            for v in m.graph.neighbors(self.node):
                other = m.users[v].state
                if other == SHARE_A:
                    a += 1
                elif other == SHARE_B:
                    b += 1
            if a or b:
                k = 0 if a >= b else 1
                s = a if k == 0 else b
                if m.random.random() < 1.0 - (1.0 - m.beta[k]) ** s:
                    self.next_state = SHARE_A + k
        elif (st in (SHARE_A, SHARE_B)) and m.random.random() < m.params.stop:
            self.next_state = STOP_A + (st - SHARE_A)

    def advance(self) -> None:
        """Phase 2: every user takes its next state at once."""
        if self.state == UNAWARE and self.next_state != UNAWARE:
            self.model.believers[self.next_state - SHARE_A] += 1
        self.state = self.next_state


FORMS: dict[str, type[User] | type[PullUser]] = {"push": User, "pull": PullUser}


class MesaRules(mesa.Model):
    def __init__(
        self, graph: nx.Graph, params: RefParams, seeds, seed: int, form: str = "push"
    ) -> None:
        super().__init__(rng=seed)
        if form not in FORMS:
            raise ValueError(f"form: {form!r}, allowed: {sorted(FORMS)}")
        self.graph, self.params, self.form = graph, params, form
        self.beta = (params.beta_a, params.beta_b)
        self.users: list[User | PullUser] = [
            FORMS[form](self, v) for v in range(graph.number_of_nodes())
        ]
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


def run_mesa(
    graph: nx.Graph,
    params: RefParams,
    seeds,
    rng: np.random.Generator,
    max_ticks: int = 10_000,
    form: str = "push",
) -> MesaRules:
    """Run to extinction (no sharers left) or ``max_ticks``."""
    model = MesaRules(graph, params, seeds, int(rng.integers(2**31)), form)
    while model.active() and model.ticks < max_ticks:
        model.step()
    return model
