"""Tree metrics of a forest given as a parent array, all vectorized over nodes.

Node i's parent is ``parent[i]`` (-1 for a root). Depths and roots come from pointer
jumping (log2(depth) array passes); subtree sizes from one pass per depth level, deepest
first. Structural virality (Goel et al. 2016) is the mean distance over all pairs of
nodes, computed exactly for every tree size through the Wiener index: each edge above a
subtree of s nodes in a tree of n nodes lies on s * (n - s) of the paths, so
W = sum over edges of s * (n - s) and virality = W / (n (n - 1) / 2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Forest:
    """Per-node results: ``root`` (node index of the tree's root), ``depth`` and
    ``subtree`` (nodes in the subtree, itself included)."""

    parent: np.ndarray
    root: np.ndarray
    depth: np.ndarray
    subtree: np.ndarray


def forest(parent: np.ndarray) -> Forest:
    """Roots, depths and subtree sizes; ``parent`` must describe a forest (no cycles)."""
    parent = np.asarray(parent, dtype=np.int64)
    n = len(parent)
    idx = np.arange(n, dtype=np.int64)
    up = np.where(parent < 0, idx, parent)  # roots point at themselves
    depth = (parent >= 0).astype(np.int64)
    for _ in range(64):  # pointer jumping: each pass doubles the distance covered
        nxt = up[up]
        if np.array_equal(nxt, up):
            break
        depth = depth + depth[up] * (up != nxt)
        up = nxt
    if n and (parent[up] >= 0).any():  # jumping settled somewhere other than a root
        raise ValueError("parent array has a cycle")
    return Forest(parent, up, depth, _subtree_sizes(parent, depth))


def _subtree_sizes(parent: np.ndarray, depth: np.ndarray) -> np.ndarray:
    size = np.ones(len(parent), dtype=np.int64)
    if not len(parent):
        return size
    order = np.argsort(-depth, kind="stable")
    d = depth[order]
    cuts = np.flatnonzero(np.diff(d)) + 1
    for level in np.split(order, cuts):  # one pass per depth level, deepest first
        p = parent[level]
        ok = p >= 0
        size += np.bincount(p[ok], weights=size[level][ok], minlength=len(size)).astype(np.int64)
    return size


@dataclass
class TreeStats:
    """One entry per tree, ordered by root node index."""

    root: np.ndarray
    size: np.ndarray
    depth: np.ndarray
    max_breadth: np.ndarray
    wiener: np.ndarray
    virality: np.ndarray  # NaN for single-node trees


def tree_stats(f: Forest) -> TreeStats:
    """Size, depth, largest generation, Wiener index and structural virality per tree."""
    roots, tree = np.unique(f.root, return_inverse=True)
    m = len(roots)
    size = np.bincount(tree, minlength=m)
    depth = np.zeros(m, dtype=np.int64)
    np.maximum.at(depth, tree, f.depth)
    width = int(depth.max()) + 1 if m else 1
    gen = np.bincount(tree * width + f.depth, minlength=m * width).reshape(m, width)
    edge = f.parent >= 0
    s, n = f.subtree[edge], size[tree[edge]]
    wiener = np.bincount(tree[edge], weights=(s * (n - s)).astype(np.float64), minlength=m)
    pairs = size * (size - 1) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        vir = np.where(size > 1, wiener / pairs, np.nan)
    return TreeStats(roots, size, depth, gen.max(axis=1), wiener, vir)


def time_to_reach(
    tree: np.ndarray, tick: np.ndarray, counts: tuple[int, ...], n_trees: int
) -> np.ndarray:
    """(n_trees, len(counts)) ticks from a tree's first node to its c-th node (NaN when
    the tree never gets c nodes). ``tree`` and ``tick`` cover the nodes to count."""
    out = np.full((n_trees, len(counts)), np.nan)
    if not len(tree):
        return out
    order = np.lexsort((tick, tree))
    t, k = tree[order], tick[order].astype(np.float64)
    start = np.searchsorted(t, np.arange(n_trees))
    end = np.searchsorted(t, np.arange(n_trees), side="right")
    first = np.where(end > start, k[np.minimum(start, len(k) - 1)], np.nan)
    for j, c in enumerate(counts):
        has = end - start >= c
        out[has, j] = k[start[has] + c - 1] - first[has]
    return out
