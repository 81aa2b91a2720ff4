"""From the adoption table (recorder) to one row per cascade.

A cascade is a tree within one narrative: its root is a seed believer, or a post by a
sender that was not a believer (an actor's or bot's account, or a user posting on their
own, e.g. a volunteer); by default each tick's post of such a sender is its own root.
A parent link counts only when the parent adopted the narrative strictly earlier (users
reshare what they believe, delivered the next tick); otherwise the parent's post enters
as a root node of its own, which keeps every tree acyclic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.cascades.recorder import PARENT_KINDS, SEED
from sim.cascades.trees import forest, time_to_reach, tree_stats

REACH_COUNTS = (10, 100, 1000)
_ROOT_ID = np.int64(2**32)  # key space per narrative


def _nodes(
    adopt: pd.DataFrame, per_post: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(parent index, tick, kind, is_user) per node; adopters first, in table order."""
    k = adopt["narrative"].to_numpy(np.int64)
    u, p = adopt["user"].to_numpy(np.int64), adopt["parent"].to_numpy(np.int64)
    tick, kind = adopt["tick"].to_numpy(np.int64), adopt["parent_kind"].to_numpy(np.uint8)
    # a user may adopt a story again after forgetting it: link each child to its parent's
    # latest adoption strictly before the child's tick
    ids, inv = np.unique(k * _ROOT_ID + u, return_inverse=True)
    span = int(tick.max()) + 2
    comp = inv.reshape(-1) * span + tick
    order = np.argsort(comp, kind="stable")
    scomp = comp[order]
    pkey = k * _ROOT_ID + p
    pid = np.minimum(np.searchsorted(ids, pkey), len(ids) - 1)
    q = np.searchsorted(scomp, pid * span + tick, side="left") - 1
    linked = (p >= 0) & (ids[pid] == pkey) & (q >= 0) & (scomp[np.maximum(q, 0)] // span == pid)
    pidx = order[np.maximum(q, 0)]
    ghost = (p >= 0) & ~linked  # the sender's post is a root node of its own
    gcols = np.stack([k[ghost], p[ghost], tick[ghost] if per_post else 0 * p[ghost]], axis=1)
    groots, ginv = np.unique(gcols, axis=0, return_inverse=True)
    ginv = ginv.reshape(-1)
    n, g = len(u), len(groots)
    parent = np.full(n + g, -1, dtype=np.int64)
    parent[:n][linked] = pidx[linked]
    parent[:n][ghost] = n + ginv
    node_kind = np.concatenate([np.full(n, SEED, np.uint8), np.zeros(g, np.uint8)])
    node_kind[n + ginv] = kind[ghost]
    gtick = np.full(g, np.iinfo(np.int64).max)
    np.minimum.at(gtick, ginv, tick[ghost])  # a post's node: the tick it was read
    node_tick = np.concatenate([tick, gtick])
    is_user = np.concatenate([np.ones(n, bool), np.zeros(g, bool)])
    return parent, node_tick, node_kind, is_user


def cascades(
    adopt: pd.DataFrame, narr_true: np.ndarray, narr_side: np.ndarray, per_post: bool = True
) -> pd.DataFrame:
    """One row per cascade: narrative, truth, side, root kind, size (nodes, the root
    included), users, depth, max_breadth, virality, start_tick and ticks_to_<N>.

    With ``per_post`` each tick's post of a sender that is not itself a believer roots its
    own cascade (as one original tweet does on Twitter); otherwise all of that sender's
    posts of a narrative form one tree."""
    if not len(adopt):
        return _frame(np.zeros(0, np.int64), narr_true, narr_side, np.zeros(0, np.uint8), {})
    parent, tick, kind, is_user = _nodes(adopt, per_post)
    f = forest(parent)
    st = tree_stats(f)
    tree = np.searchsorted(st.root, f.root)
    reach = time_to_reach(tree[is_user], tick[is_user], REACH_COUNTS, len(st.root))
    narr = adopt["narrative"].to_numpy(np.int64)
    root_narr = np.zeros(len(st.root), dtype=np.int64)
    n_adopt = len(narr)
    is_adopter_root = st.root < n_adopt
    root_narr[is_adopter_root] = narr[st.root[is_adopter_root]]
    if (~is_adopter_root).any():  # a sender root: the narrative of any of its children
        child = np.flatnonzero(parent >= n_adopt)
        root_narr[np.searchsorted(st.root, parent[child])] = narr[child]
    users = np.bincount(tree[is_user], minlength=len(st.root))
    start = np.full(len(st.root), np.iinfo(np.int64).max)
    np.minimum.at(start, tree[is_user], tick[is_user])
    cols = {
        "size": st.size,
        "users": users,
        "depth": st.depth,
        "max_breadth": st.max_breadth,
        "virality": st.virality,
        "start_tick": start,
        **{f"ticks_to_{c}": reach[:, j] for j, c in enumerate(REACH_COUNTS)},
    }
    return _frame(root_narr, narr_true, narr_side, kind[st.root], cols)


def _frame(root_narr, narr_true, narr_side, root_kind, cols: dict) -> pd.DataFrame:
    names = ["size", "users", "depth", "max_breadth", "virality", "start_tick"]
    names += [f"ticks_to_{c}" for c in REACH_COUNTS]
    return pd.DataFrame(
        {
            "narrative": root_narr.astype(np.int16),
            "true": np.asarray(narr_true, bool)[root_narr],
            "side": np.asarray(narr_side)[root_narr].astype(np.int16),
            "root_kind": pd.Categorical.from_codes(root_kind, categories=PARENT_KINDS),
            **{c: cols.get(c, np.zeros(0)) for c in names},
        }
    )
