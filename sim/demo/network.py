"""A drawable sample of the crowd: a few hundred users plus every actor account.

Drawing the whole graph would be unreadable and slow, so the view keeps a sample
stratified by community (each community keeps its share, at least a handful), the
follows among the sampled users and from accounts to sampled followers, and a layout
computed once when the model is built: on later steps only the colours change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

if TYPE_CHECKING:
    from sim.model import InfoWarModel

SAMPLE_USERS = 300
MIN_PER_COMMUNITY = 6


@dataclass
class NetworkView:
    users: np.ndarray  # sampled user ids, sorted
    accounts: np.ndarray  # account ids (all of them)
    user_xy: np.ndarray  # (S, 2)
    account_xy: np.ndarray  # (A, 2)
    segments: np.ndarray  # (E, 2, 2) edge segments for a LineCollection
    account_kind: list[str]  # actor kind per account
    account_side: np.ndarray  # side index per account


def sample_users(model: InfoWarModel, size: int, rng: np.random.Generator) -> np.ndarray:
    """About ``size`` users, each community keeping its share (at least a few)."""
    out = []
    n = model.crowd.n
    for members in model.members:
        if len(members) == 0:
            continue
        k = max(MIN_PER_COMMUNITY, int(round(size * len(members) / n)))
        out.append(rng.choice(members, min(k, len(members)), replace=False))
    return np.sort(np.concatenate(out)).astype(np.int64)


def sample_edges(model: InfoWarModel, users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(user-user pairs, account-user pairs) as positions in ``users`` / account ids."""
    sub = model.followers[users][:, users].tocoo()
    uu = np.stack([sub.row, sub.col], axis=1)
    indptr, indices = model.accounts.csr()
    owner = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    pos = np.searchsorted(users, indices)
    pos = np.minimum(pos, len(users) - 1)
    hit = users[pos] == indices
    au = np.stack([owner[hit], pos[hit]], axis=1)
    return uu, au


def initial_positions(
    model: InfoWarModel, users: np.ndarray, au: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Communities on a circle, users jittered around theirs, accounts amid their followers."""
    n_comm = len(model.world.communities)
    angle = 2 * np.pi * np.arange(n_comm) / n_comm
    centre = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    uxy = centre[model.crowd.community[users]] + 0.18 * rng.standard_normal((len(users), 2))
    n_acc = len(model.accounts)
    sums = np.zeros((n_acc, 2))
    np.add.at(sums, au[:, 0], uxy[au[:, 1]])
    cnt = np.bincount(au[:, 0], minlength=n_acc)[:, None]
    axy = np.where(cnt > 0, sums / np.maximum(cnt, 1), 0.0) + 0.05 * rng.standard_normal((n_acc, 2))
    return np.concatenate([uxy, axy])


def build_view(model: InfoWarModel, size: int = SAMPLE_USERS) -> NetworkView:
    """Sample, then lay out once. An invisible hub per community, tied to its members and
    to the accounts aimed at it, keeps communities together and places users or bots
    with no sampled follows next to their own audience instead of flinging them out."""
    rng = model.streams.get("demo/network")
    users = sample_users(model, size, rng)
    uu, au = sample_edges(model, users)
    s, n_acc, n_comm = len(users), len(model.accounts), len(model.world.communities)
    init = initial_positions(model, users, au, rng)
    hub = s + n_acc + np.arange(n_comm)
    g = nx.Graph()
    g.add_nodes_from(range(s + n_acc + n_comm))
    g.add_edges_from(uu.tolist(), weight=1.0)
    g.add_edges_from((au + np.array([s, 0])).tolist(), weight=1.0)  # accounts after users
    g.add_edges_from(zip(range(s), hub[model.crowd.community[users]].tolist()), weight=0.6)
    owner = np.asarray(model.accounts.owner, dtype=np.int64)
    for a, o in enumerate(owner):
        g.add_edges_from(((s + a, int(hub[h])) for h in model.actors[o].hosts), weight=0.3)
    pos0 = {i: init[i] for i in range(s + n_acc)}
    angle = 2 * np.pi * np.arange(n_comm) / max(n_comm, 1)
    pos0.update(
        {int(hub[c]): np.array([np.cos(angle[c]), np.sin(angle[c])]) for c in range(n_comm)}
    )
    pos = nx.spring_layout(
        g, pos=pos0, k=0.08, iterations=60, weight="weight", seed=int(rng.integers(2**31))
    )
    xy = np.array([pos[i] for i in range(s + n_acc)])
    seg_uu = np.stack([xy[uu[:, 0]], xy[uu[:, 1]]], axis=1)
    seg_au = np.stack([xy[s + au[:, 0]], xy[au[:, 1]]], axis=1)
    return NetworkView(
        users=users,
        accounts=np.arange(n_acc),
        user_xy=xy[:s],
        account_xy=xy[s:],
        segments=np.concatenate([seg_uu, seg_au]).reshape(-1, 2, 2),
        account_kind=[model.actors[o].kind for o in owner],
        account_side=np.array([model.actors[o].side for o in owner], dtype=np.int64),
    )
