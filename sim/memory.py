"""Estimate a run's memory from its config and refuse one that cannot fit.

The estimate counts the big arrays: per user (attributes, per-narrative state, origin
and exposure flags, reshare credits), per follow (an int32 index and a bool), the generator's
peak (its draw: the follows as int32 beside the candidate pools; or its transpose: input and
output, 10 bytes per follow), the actors' accounts with their follower lists and the posts
they deliver in a tick, and the per-tick tables, plus the interpreter and libraries. A graph
file's size is known only once it is read: the check runs again then. It errs high: the
build's peak measured 0.45 GiB at 10^6 users (12.0 M follows) and 2.18 GiB at 10^7 against
0.50 and 2.68 here (results/benchmark.md, section 5).
"""

from __future__ import annotations

import psutil

from sim.config.schema import SimConfig
from sim.errors import ConfigError

BYTES_PER_USER_BASE = 48  # community, langs, plats, opinion, activity, reshares, scratch
BYTES_PER_USER_NARR = 6  # state (1) + origin (4) + exposed (1)
GEN_DRAW_PER_FOLLOW = 4  # while drawing: each follow's target (int32) ...
GEN_DRAW_PER_USER = 130  # ... beside the pools (~5 slots x 16 B) and per-user draw tables
GEN_TRANSPOSE_PER_FOLLOW = 10  # transposing: int32 index + bool, in and out
GEN_FIXED = 64 * 2**20  # the draw threads' block temporaries and malloc arenas
EVENT_BYTES = 64  # per delivered post-follower event in a tick
PROCESS_BYTES = 200 * 2**20  # Python, numpy, scipy, pandas, Mesa and Hydra loaded


BYTES_PER_ACCOUNT = 2048  # Python objects, label, follower array header, per-tick counters
BYTES_PER_ACCOUNT_FOLLOW = 12  # int32 index, plus the copies made while sampling and merging


def estimate_bytes(c: SimConfig, n: int | None = None, follows: float | None = None) -> int:
    """Peak bytes of the run; ``n`` and ``follows`` as read from a graph file, when known."""
    if n is None:
        n = c.graph.n if c.graph.kind != "file" or c.graph.n else 0
    if follows is None:
        deg = {"ba": 2 * c.graph.m}.get(c.graph.kind, c.graph.mean_degree)
        follows = n * deg
    k = max(len(c.world.narratives), 1)
    ticks = int(c.world.horizon_days * 24 / c.world.tick_hours)
    tables = ticks * k * len(c.population.communities) * 8 * 8
    peak_graph = GEN_FIXED + max(
        follows * GEN_DRAW_PER_FOLLOW + n * GEN_DRAW_PER_USER,
        follows * GEN_TRANSPOSE_PER_FOLLOW,
    )
    events = follows * 0.2 * EVENT_BYTES  # a busy tick reaches ~20% of follows
    return int(
        PROCESS_BYTES
        + n * (BYTES_PER_USER_BASE + k * BYTES_PER_USER_NARR)
        + max(peak_graph, events)
        + tables
        + actor_bytes(c, n)
    )


def actor_bytes(c: SimConfig, n: int) -> int:
    """The actors' accounts, their follower lists and the posts they deliver in one tick."""
    shares = {name: cm.share for name, cm in c.population.communities.items()}
    total = 0.0
    for g in c.actors.groups.values():
        hosts = [shares.get(h, 0.0) for h in g.hosts] or list(shares.values())
        actors = len(hosts) if g.per_host else 1
        reach = (max(hosts) if g.per_host else sum(hosts)) * n * g.followers
        per_account = min(n, reach * (1 + g.outside_followers))
        accounts = actors * g.accounts
        posts_per_tick = accounts * g.posts_per_day * c.world.tick_hours / 24
        total += accounts * (BYTES_PER_ACCOUNT + per_account * BYTES_PER_ACCOUNT_FOLLOW)
        total += min(posts_per_tick, accounts) * per_account * 8  # one delivery: two int32
    return int(total)


def output_bytes(c: SimConfig) -> int:
    """Room the run's files need on disk, erring high: the per-tick tables uncompressed,
    the figures, and a margin for the rest (actors, summary, logs)."""
    k = max(len(c.world.narratives), 1)
    ticks = int(c.world.horizon_days * 24 / c.world.tick_hours)
    tables = ticks * k * max(len(c.population.communities), 1) * 8 * 16
    figures = 8 * 2**20 if c.output.figures else 0
    return int(tables + figures + 4 * 2**20)


def limit_bytes(c: SimConfig) -> int:
    if c.output.max_memory_gb > 0:
        return int(c.output.max_memory_gb * 2**30)
    return int(psutil.virtual_memory().available * 0.9)


def check_memory(c: SimConfig, n: int | None = None, follows: float | None = None) -> None:
    """Refuse a run whose estimate exceeds the limit; again with the real size of a graph
    file once it is read (``n``, ``follows``), since the config alone cannot know it."""
    need, have = estimate_bytes(c, n, follows), limit_bytes(c)
    if need <= have:
        return
    actors = actor_bytes(c, n if n is not None else c.graph.n)
    key, fix = (
        ("actors.groups", "fewer accounts or a lower followers fraction")
        if actors > need / 2
        else ("graph.path", "a smaller graph file")
        if n is not None
        else ("graph.n", "lower graph.n or graph.mean_degree")
    )
    raise ConfigError(
        key,
        f"this run needs about {need / 2**30:.1f} GiB but only "
        f"{have / 2**30:.1f} GiB is available; {fix} (or raise output.max_memory_gb)",
    )
