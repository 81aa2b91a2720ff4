"""Erdos-Renyi and Barabasi-Albert graphs for the kernel's validation modes.

Both are undirected graphs stored as symmetric ``followers`` CSR arrays (every tie is a
follow both ways), with int32 indices, bool data, no self-loops and no duplicates.
Both are vectorized: no Python loop over nodes or edges.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

DENSE_PAIRS = 4_000_000  # up to this many node pairs, ER draws one Bernoulli per pair
BA_CHUNK = 0.02  # BA: a chunk of new nodes is at most this fraction of the current size
BA_REDRAWS = 64  # BA: rounds that draw again a new node's repeated targets


def erdos_renyi(n: int, mean_degree: float, rng: np.random.Generator) -> sp.csr_array:
    """G(n, p) with ``p = mean_degree / (n - 1)``: each pair is tied independently.

    Small graphs draw a Bernoulli per pair. Large ones draw the edge count
    ``M ~ Binomial(n(n-1)/2, p)`` and then M distinct pairs uniformly (pairs drawn with
    replacement, duplicates removed, topped up until M are left, then a uniform M of
    them kept), which is the same distribution without touching n^2 pairs."""
    n = int(n)
    if n < 2:
        return symmetric(np.zeros(0, np.int64), np.zeros(0, np.int64), max(n, 0))
    p = min(max(float(mean_degree) / (n - 1), 0.0), 1.0)
    pairs = n * (n - 1) // 2
    if pairs <= DENSE_PAIRS or p > 0.2:
        return _dense_er(n, p, rng)
    m = int(rng.binomial(pairs, p))
    keys = np.zeros(0, dtype=np.int64)
    while keys.size < m:
        need = int((m - keys.size) * 1.05) + 16
        a = rng.integers(0, n, need, dtype=np.int64)
        b = rng.integers(0, n - 1, need, dtype=np.int64)
        b += b >= a  # uniform over the other n - 1 nodes
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        keys = _distinct(np.concatenate([keys, lo * n + hi]))
    keys = np.delete(keys, rng.choice(keys.size, keys.size - m, replace=False))
    return symmetric(keys // n, keys % n, n)


def _dense_er(n: int, p: float, rng: np.random.Generator) -> sp.csr_array:
    """G(n, p) with one Bernoulli per pair, in blocks of rows of about DENSE_PAIRS pairs
    (the sparse method's rejection of repeated pairs gets slow when p is large)."""
    step = max(1, DENSE_PAIRS // n)
    a, b = [], []
    for lo in range(0, n - 1, step):  # a loop over blocks of rows, not over pairs
        hi = min(lo + step, n - 1)
        i, j = np.nonzero(rng.random((hi - lo, n)) < p)
        i += lo
        keep = j > i
        a.append(i[keep])
        b.append(j[keep])
    return symmetric(np.concatenate(a), np.concatenate(b), n)


def barabasi_albert(n: int, m: int, rng: np.random.Generator) -> sp.csr_array:
    """Preferential attachment: each new node ties to ``m`` distinct older nodes chosen
    with probability proportional to their degree, starting from a clique of m + 1 nodes.

    Method (a vectorized approximation of the sequential process): every tie's two ends
    go into one endpoint array, so a uniform draw from it is a degree-proportional draw
    of a node. New nodes join in chunks of at most ``BA_CHUNK`` times the current size
    (at least one node); a chunk's nodes all draw from the endpoint array as it was when
    the chunk started, so they neither see each other's new degrees nor tie to each
    other. With 2% chunks this changes the degree distribution very little (the P(k)
    ~ k^-3 tail and the mean 2m are kept) and takes about 600 vectorized chunk steps
    for 10^6 nodes. A new node's repeated targets are drawn again (``BA_REDRAWS``
    rounds; what is still repeated after that is dropped, which only happens in tiny
    graphs)."""
    n, m = int(n), int(m)
    if n <= m + 1 or m < 1:
        i, j = np.triu_indices(max(n, 0), k=1)
        return symmetric(i, j, max(n, 0))
    i, j = np.triu_indices(m + 1, k=1)
    n_edges = i.size + (n - m - 1) * m
    ends = np.empty(2 * n_edges, dtype=np.int32)
    ends[: 2 * i.size : 2], ends[1 : 2 * i.size : 2] = i, j
    filled, t = 2 * i.size, m + 1
    while t < n:
        c = min(max(1, int(t * BA_CHUNK)), n - t)
        tgt = _distinct_rows(ends[:filled], t, c, m, rng)
        src = np.repeat(np.arange(t, t + c, dtype=np.int32), m)
        ends[filled : filled + 2 * c * m : 2] = src
        ends[filled + 1 : filled + 2 * c * m : 2] = tgt.ravel()
        filled += 2 * c * m
        t += c
    a, b = ends[:filled:2].astype(np.int64), ends[1:filled:2].astype(np.int64)
    ok = a != b  # targets still repeated after the redraws are marked with a self-tie
    return symmetric(a[ok], b[ok], n)


def _distinct_rows(
    ends: np.ndarray, t: int, c: int, m: int, rng: np.random.Generator
) -> np.ndarray:
    """(c, m) degree-proportional targets for new nodes t..t+c-1, distinct within each
    row where possible. A target still repeated in its row after ``BA_REDRAWS`` rounds
    is replaced by the row's own node (a self-tie), which the caller drops."""
    filled = ends.size
    tgt = ends[rng.integers(0, filled, (c, m))]
    for _ in range(BA_REDRAWS):
        tgt.sort(axis=1)
        dup = np.zeros(tgt.shape, dtype=bool)
        dup[:, 1:] = tgt[:, 1:] == tgt[:, :-1]
        k = int(dup.sum())
        if k == 0:
            return tgt
        tgt[dup] = ends[rng.integers(0, filled, k)]
    tgt.sort(axis=1)
    dup = np.zeros(tgt.shape, dtype=bool)
    dup[:, 1:] = tgt[:, 1:] == tgt[:, :-1]
    tgt[dup] = (t + np.nonzero(dup)[0]).astype(np.int32)
    return tgt


def _distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values (one sort and a neighbour compare, cheaper than np.unique)."""
    keys = np.sort(keys)
    if keys.size:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


def symmetric(a: np.ndarray, b: np.ndarray, n: int) -> sp.csr_array:
    """The followers CSR holding each undirected tie (a_i, b_i) in both directions.

    Ties must be distinct and without self-loops."""
    if 2 * a.size >= 2**31:
        raise ValueError("graph too large for int32 CSR indices")
    rows = np.concatenate([a, b]).astype(np.int32)
    cols = np.concatenate([b, a]).astype(np.int32)
    out = sp.csr_array((np.ones(rows.size, dtype=bool), (rows, cols)), shape=(n, n))
    out.indices = out.indices.astype(np.int32, copy=False)
    out.indptr = out.indptr.astype(np.int32, copy=False)
    out.sort_indices()
    return out
