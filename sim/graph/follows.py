"""Follows drawn follower-major, cleaned in place and turned into the ``followers`` CSR.

Generators draw each follower's follows side by side (``FollowList``: one int32 target per
follow, in follower order). Duplicates and self-loops are found per follower by sorting
its few targets, in blocks of followers; a redraw is looked up in the follower's own sorted
targets (a short binary search) instead of in a table of every follow's key; dropping and
inserting then rewrite the list in place, block by block; and one transpose (scipy's
O(nnz) counting sort) makes the ``followers`` CSR. So the follows live in one int32 array
until the transpose, whose input and output (10 bytes per follow) are the peak.

The result is the graph the follows-then-transpose order gives: in the followers CSR a
row's followers ascend, repeats of a (target, follower) pair after the first and self-loops
are dropped, and their followers draw again in the order of the CSR (target, then follower).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

BLOCK_FOLLOWS = 1 << 18  # follows per clean-up block: temporaries stay cache-sized


@dataclass
class FollowList:
    """``col[ptr[u]:ptr[u + 1]]`` are follower u's targets, sorted; -1 was parked on u."""

    col: np.ndarray  # int32 (E,)
    ptr: np.ndarray  # int64 (n + 1,)

    @property
    def n(self) -> int:
        return self.ptr.size - 1


def followers_of(lo: int, counts: np.ndarray) -> np.ndarray:
    """The follower of every follow of followers lo, lo + 1, ... making counts[i] each."""
    return np.repeat(np.arange(lo, lo + counts.size, dtype=np.int32), counts)


def tidy_block(tgt: np.ndarray, src: np.ndarray, lo: int, n: int) -> np.ndarray:
    """One block's targets (follower-major, -1: none) parked and sorted per follower, in
    place; returns the keys ``target * n + follower`` of the follows it must drop."""
    np.copyto(tgt, src, where=tgt < 0)  # no target: a self-loop, dropped below
    key = (src - lo).astype(np.int64)
    key *= n
    key += tgt
    key.sort(kind="stable")  # runs already sorted by follower: timsort is ~3x faster here
    key %= n
    tgt[:] = key
    drop = drops(tgt, src)
    out = tgt[drop].astype(np.int64)
    out *= n
    out += src[drop]
    return out


def drops(col: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Self-loops, and repeats of the follow before (targets sorted per follower)."""
    drop = col == src
    drop[1:] |= (col[1:] == col[:-1]) & (src[1:] == src[:-1])
    return drop


def contains(fl: FollowList, tgt: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Whether follower src[i] already follows tgt[i]: a binary search in its sorted targets,
    all queries at once (as many rounds as the longest follower's list has bits)."""
    lo, end = fl.ptr[src], fl.ptr[src + 1]
    hi = end.copy()
    todo = np.flatnonzero(lo < hi)
    while todo.size:
        mid = (lo[todo] + hi[todo]) >> 1
        less = fl.col[mid] < tgt[todo]
        lo[todo[less]] = mid[less] + 1
        hi[todo[~less]] = mid[~less]
        todo = todo[lo[todo] < hi[todo]]
    found = lo < end
    found[found] = fl.col[lo[found]] == tgt[found]
    return found


def accepted(
    fl: FollowList, src: np.ndarray, rounds: int, draw: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Sorted keys ``target * n + follower`` of one new follow per follower in ``src``,
    targets from ``draw(src)`` (-1: none). Each of ``rounds`` rounds accepts the draws that
    are no self-loop, not already followed and not repeated among the new follows (the
    first of a repeat is kept); the rest draw again, and what is left is dropped."""
    n = fl.n
    new = np.zeros(0, dtype=np.int64)
    for _ in range(rounds):
        if src.size == 0:
            break
        tgt = draw(src)
        key = np.maximum(tgt, 0).astype(np.int64) * n + src
        ok = (tgt >= 0) & (tgt != src)
        ok[ok] = ~contains(fl, tgt[ok], src[ok])
        if new.size:
            ok &= new[np.minimum(np.searchsorted(new, key), new.size - 1)] != key
        order = np.argsort(np.where(ok, key, -1), kind="stable")
        k = key[order]
        first = np.ones(k.size, dtype=bool)
        first[1:] = k[1:] != k[:-1]
        ok[order[~first]] = False  # a repeat within the round: only its first is kept
        new = np.sort(np.concatenate([new, key[ok]]))
        src = src[~ok]
    return new


def rebuild(fl: FollowList, new: np.ndarray) -> FollowList:
    """``fl`` without its dropped follows, plus the ``new`` ones (keys target * n +
    follower), rewritten block by block. In place when each block's output ends before the
    next block's input begins, as in the generator (a follower gains at most as many
    follows as it dropped); else (new follows for followers that dropped none) from the
    first block that would overrun into a fresh array."""
    n = fl.n
    by_src = np.sort((new % n) * n + new // n)  # follower-major
    add_src, add_tgt = (by_src // n).astype(np.int32), (by_src % n).astype(np.int32)
    counts = np.diff(fl.ptr)
    bounds = _bounds(fl.ptr)
    out, dst, at = np.zeros(n + 1, dtype=np.int64), fl.col, 0
    for lo, hi in itertools.pairwise(bounds):
        a, z = fl.ptr[lo], fl.ptr[hi]
        src = followers_of(lo, counts[lo:hi])
        kept = ~drops(fl.col[a:z], src)
        i, j = np.searchsorted(add_src, [lo, hi])
        where = np.searchsorted(src[kept], add_src[i:j], side="right")
        block = np.insert(fl.col[a:z][kept], where, add_tgt[i:j])
        if dst is fl.col and at + block.size > z:  # at most what is left, plus the adds
            dst = np.empty(at + fl.col.size - a + add_src.size - i, dtype=np.int32)
            dst[:at] = fl.col[:at]
        dst[at : at + block.size] = block
        at += block.size
        out[lo + 1 : hi + 1] = np.bincount(src[kept] - lo, minlength=hi - lo)
        out[lo + 1 : hi + 1] += np.bincount(add_src[i:j] - lo, minlength=hi - lo)
    np.cumsum(out, out=out)
    return FollowList(dst[:at], out)


def _bounds(ptr: np.ndarray) -> np.ndarray:
    """Follower blocks of about BLOCK_FOLLOWS follows each (a follower is never split)."""
    cuts = np.searchsorted(ptr, np.arange(0, ptr[-1], BLOCK_FOLLOWS), side="right") - 1
    return np.unique(np.concatenate(([0], cuts, [ptr.size - 1])))


def transpose(fl: FollowList) -> sp.csr_array:
    """The ``followers`` CSR (row s = users following s, ascending), bool data, int32
    indices and indptr (< 2**31 follows). Consumes ``fl.col``'s memory only when the
    caller drops ``fl``; the transpose holds input and output (10 bytes per follow)."""
    n = fl.n
    ptr = fl.ptr.astype(np.int32 if fl.col.size < 2**31 else np.int64)
    following = sp.csr_array((np.ones(fl.col.size, dtype=bool), fl.col, ptr), shape=(n, n))
    out = following.T.tocsr()
    out.has_canonical_format = True
    return out
