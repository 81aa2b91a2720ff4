"""CSR plumbing for generated follower graphs: transpose once, drop, redraw, insert.

Generators draw follows follower-major (user u's follows side by side); the model wants
the ``followers`` CSR (row s = users following s, see ``sim.graph``). ``assemble`` turns
one into the other with scipy's O(nnz) transpose and marks self-loops and duplicates;
``replace`` draws replacements for them and swaps them in with one copy, so the
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
        (
            np.ones(int(kept[-1]), dtype=bool),
            a.indices[mask].astype(np.int32, copy=False),
            kept[a.indptr].astype(np.int32),
        ),
        shape=a.shape,
    )
    out.has_canonical_format = True
    return out


def assemble(
    src: np.ndarray, tgt: np.ndarray, indptr: np.ndarray, n: int
) -> tuple[sp.csr_array, np.ndarray]:
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


def add_follows(
    kept: sp.csr_array, src: np.ndarray, rounds: int, draw: Callable[[np.ndarray], np.ndarray]
) -> sp.csr_array:
    """``kept`` (canonical) plus one new follow per follower in ``src``: see ``replace``."""
    return replace(kept, np.zeros(kept.nnz, dtype=bool), src, rounds, draw)


def replace(
    a: sp.csr_array,
    drop: np.ndarray,
    src: np.ndarray,
    rounds: int,
    draw: Callable[[np.ndarray], np.ndarray],
) -> sp.csr_array:
    """``a`` (rows sorted) without the entries where ``drop`` holds (self-loops, or repeats
    of a kept entry) plus one new follow per follower in ``src``, targets from
    ``draw(src)`` (-1: none). Each of ``rounds`` rounds accepts the draws that are no
    self-loop, not already in the graph and not repeated among the new follows; the rest
    are drawn again, and what is left after the last round is dropped. Entries are looked
    up by their key ``row * n + column`` (sorted, so one compiled searchsorted does it);
    dropping and inserting take one O(nnz) copy together."""
    n = a.shape[0]
    have = rows(a).astype(np.int64)
    have *= n
    have += a.indices
    new = _accepted(have, src, rounds, draw, n)
    at = np.searchsorted(have, new)
    indices = np.insert(a.indices, at, (new % n).astype(np.int32))
    count = np.diff(a.indptr).astype(np.int64) + np.bincount(new // n, minlength=n)
    if drop.any():
        indices = indices[np.insert(~drop, at, True)]
        count -= np.bincount(have[drop] // n, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int32)  # < 2**31 follows
    np.cumsum(count, out=indptr[1:])
    out = sp.csr_array((np.ones(indices.size, dtype=bool), indices, indptr), shape=a.shape)
    out.has_canonical_format = True
    return out


def _accepted(have: np.ndarray, src: np.ndarray, rounds: int, draw, n: int) -> np.ndarray:
    """Sorted keys of the new follows accepted over the redraw rounds (see ``replace``).
    A round sorts only its own draws: repeats among them side by side, and a binary
    search in the (sorted) keys accepted before."""
    new = np.zeros(0, dtype=np.int64)
    for _ in range(rounds):
        if src.size == 0:
            break
        tgt = draw(src)
        key = np.maximum(tgt, 0).astype(np.int64) * n + src
        ok = (tgt >= 0) & (tgt != src)
        for old in (have, new):
            if old.size:
                ok &= old[np.minimum(np.searchsorted(old, key), old.size - 1)] != key
        order = np.argsort(np.where(ok, key, -1), kind="stable")
        k = key[order]
        first = np.ones(k.size, dtype=bool)
        first[1:] = k[1:] != k[:-1]
        ok[order[~first]] = False  # a repeat within the round: only its first is kept
        new = np.sort(np.concatenate([new, key[ok]]))
        src = src[~ok]
    return new
