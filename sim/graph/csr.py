"""CSR plumbing for generated follower graphs: transpose once, drop, redraw, insert.

Generators draw follows follower-major (user u's follows side by side); the model wants
the ``followers`` CSR (row s = users following s, see ``sim.graph``). ``assemble`` turns
one into the other with scipy's O(nnz) transpose and marks self-loops and duplicates;
``add_follows`` draws replacements for them and inserts the accepted ones in place, so the
big transpose runs only once.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp


def rows(a: sp.csr_array) -> np.ndarray:
    """The row index of every stored entry."""
    return np.repeat(np.arange(a.shape[0], dtype=np.int32), np.diff(a.indptr))


def keep(a: sp.csr_array, mask: np.ndarray) -> sp.csr_array:
    """The CSR with the entries where ``mask`` holds, bool data, int32 indices, canonical."""
    kept = np.zeros(mask.size + 1, dtype=np.int64)
    np.cumsum(mask, out=kept[1:])
    out = sp.csr_array(
        (np.ones(int(kept[-1]), dtype=bool), a.indices[mask].astype(np.int32, copy=False),
         kept[a.indptr].astype(np.int32)),
        shape=a.shape,
    )
    out.has_canonical_format = True
    return out


def assemble(src: np.ndarray, tgt: np.ndarray, indptr: np.ndarray,
             n: int) -> tuple[sp.csr_array, np.ndarray]:
    """Follower-major follows -> followers CSR and the entries to drop (whose followers,
    ``indices[drop]``, must draw again).

    The transpose is scipy's O(nnz) counting sort; followers are visited in order, so rows
    come out sorted and duplicates sit side by side (the first is kept). Follows with no
    target (-1) are parked on the follower itself and dropped as self-loops. Data is bool:
    the transpose moves one byte per follow for it."""
    col = np.where(tgt < 0, src, tgt)
    following = sp.csr_array((np.ones(src.size, dtype=bool), col, indptr), shape=(n, n))
    followers = following.T.tocsr()
    ind, ptr = followers.indices, followers.indptr
    drop = np.zeros(ind.size, dtype=bool)
    np.equal(ind[1:], ind[:-1], out=drop[1:])
    drop[ptr[:-1][ptr[:-1] < ptr[1:]]] = False
    drop |= ind == rows(followers)
    return followers, drop


def add_follows(kept: sp.csr_array, src: np.ndarray, rounds: int,
                draw: Callable[[np.ndarray], np.ndarray]) -> sp.csr_array:
    """``kept`` (canonical) plus one new follow per follower in ``src``, targets from
    ``draw(src)`` (-1: none). Each of ``rounds`` rounds accepts the draws that are no
    self-loop, not already in the graph (a binary search in the target's sorted row) and
    not repeated among the new follows; the rest are drawn again, and what is left after
    the last round is dropped. The accepted follows are inserted with one O(nnz) copy."""
    n = kept.shape[0]
    new, at = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    for _ in range(rounds):
        if src.size == 0:
            break
        tgt = draw(src)
        ok = (tgt >= 0) & (tgt != src)
        t = np.maximum(tgt, 0)
        pos = row_search(kept, t, src)
        if kept.nnz:
            ok &= (pos >= kept.indptr[t + 1]) | (kept.indices[np.minimum(pos, kept.nnz - 1)] != src)
        key = np.where(ok, t.astype(np.int64) * n + src, -1 - np.arange(src.size))
        both = np.concatenate([new, key])  # accepted before, then this round's
        order = np.argsort(both, kind="stable")
        repeat = np.zeros(both.size, dtype=bool)
        repeat[order[1:]] = both[order[1:]] == both[order[:-1]]
        ok &= ~repeat[new.size:]
        new, at = np.concatenate([new, key[ok]]), np.concatenate([at, pos[ok]])
        src = src[~ok]
    order = np.argsort(new)
    new, at = new[order], at[order]
    indices = np.insert(kept.indices, at, (new % n).astype(np.int32))
    indptr = kept.indptr.astype(np.int64)
    indptr[1:] += np.cumsum(np.bincount(new // n, minlength=n))
    out = sp.csr_array((np.ones(indices.size, dtype=bool), indices, indptr.astype(np.int32)),
                       shape=kept.shape)
    out.has_canonical_format = True
    return out


def row_search(a: sp.csr_array, row: np.ndarray, col: np.ndarray) -> np.ndarray:
    """Per query, the first slot of row ``row`` whose column is >= ``col`` (rows sorted):
    a vectorized binary search, about log2(longest row) gathers per query."""
    lo, hi = a.indptr[row].astype(np.int64), a.indptr[row + 1].astype(np.int64)
    live = np.flatnonzero(lo < hi)
    while live.size:  # about log2(row length) rounds, each on the queries still open
        mid = (lo[live] + hi[live]) // 2
        right = a.indices[mid] < col[live]
        lo[live[right]] = mid[right] + 1
        hi[live[~right]] = mid[~right]
        live = live[lo[live] < hi[live]]
    return lo
