"""Steps 1-2 of the spread kernel: who reads which post this tick. Vectorized over events.

An *event* is one post batch entry reaching one follower. Post batches are expanded to
followers (CSR rows); an event stays if the reader is active, shares a platform with the
post and reads its language. Limited attention: a reader with a feed of F posts reads each
with probability min(1, attention / F), so a crowded feed dilutes every post. With
per-user draws (``sim.draws``) each event carries the key its later choices are drawn by.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.crowd import Crowd
from sim.draws import Draws, as_draws, event_word, post_words
from sim.posts import Posts


@dataclass
class Reads:
    """Events with at least one read post."""

    reader: np.ndarray  # int32
    reads: np.ndarray  # int32 posts read
    post: np.ndarray  # int32 index into the concatenated batch
    posts: Posts  # the concatenated batch (actors' and users' posts)
    word: np.ndarray | None = None  # per-user draws: each event's key (sim.draws)


def expand(
    src: np.ndarray, indptr: np.ndarray, indices: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Followers of each source: (reader, position of the source in ``src``)."""
    starts = indptr[src].astype(np.int64)
    lens = indptr[src + 1].astype(np.int64) - starts
    total = int(lens.sum())
    pos = np.repeat(np.arange(len(src), dtype=np.int32), lens)
    offs = np.arange(total, dtype=np.int64)
    offs += np.repeat(starts - (np.cumsum(lens) - lens), lens)
    return indices[offs], pos


def deliver(
    crowd: Crowd,
    batches: list[tuple[Posts, np.ndarray, np.ndarray]],
    active: np.ndarray,
    attention: int,
    rng: Draws | np.random.Generator,
) -> Reads:
    """Steps 1-2: who reads which post this tick. ``batches``: actors' posts, users'
    posts, then direct ones (their order names the channel of a post's key, sim.draws)."""
    draws = as_draws(rng)
    readers, pos, parts, source, offset = [], [], [], [], 0
    for b, (posts, indptr, indices) in enumerate(batches):
        if not len(posts):
            continue
        r, p = expand(posts.src, indptr, indices)
        ok = active[r]
        ok &= (crowd.eff_plats[r] & posts.plats[p]) != 0
        ok &= ((crowd.langs[r] >> posts.lang[p].astype(np.uint16)) & 1).astype(bool)
        readers.append(r[ok])
        pos.append(p[ok] + offset)
        parts.append(posts)
        source.append((min(b, 2), posts.origin if b >= 2 else posts.src))
        offset += len(posts)
    allposts = Posts.concat(parts)
    if not readers:
        z = np.zeros(0, dtype=np.int32)
        return Reads(z, z, z, allposts)
    reader, post = np.concatenate(readers), np.concatenate(pos)
    word = None
    if draws.per_user:  # channel: 0 actors (account ids), 1 users, 2 direct (origin ids)
        chan = np.concatenate([np.full(len(s), c, np.uint8) for c, s in source])
        src = np.concatenate([s for _, s in source])
        word = event_word(post_words(src, allposts.narr, allposts.lang, chan)[post], reader)
    count = allposts.count[post]
    p_read = np.minimum(1.0, attention / np.maximum(feed_sizes(reader, count, crowd.n), 1.0))
    reads = draws.reads(count, p_read, word).astype(np.int32)
    keep = reads > 0
    return Reads(
        reader[keep], reads[keep], post[keep], allposts, None if word is None else word[keep]
    )


def distinct(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values, as ``np.unique(x)``: one sort and a neighbour compare
    (numpy 2's hash-based ``unique`` without return values is many times slower)."""
    s = np.sort(x)
    return s[np.concatenate(([True], s[1:] != s[:-1]))] if len(s) else s


def feed_sizes(reader: np.ndarray, count: np.ndarray, n: int) -> np.ndarray:
    """Posts in each event's reader's feed this tick. With few events, sums over the
    distinct readers instead of over an n-vector (same sums, same order)."""
    if len(reader) * 16 < n:
        _, inv = np.unique(reader, return_inverse=True)
        return np.bincount(inv, weights=count)[inv]
    return np.bincount(reader, weights=count, minlength=n)[reader]
