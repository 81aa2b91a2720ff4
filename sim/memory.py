"""Estimate a run's memory from its config and refuse one that cannot fit.

The estimate counts the big arrays: per user (attributes, per-narrative state, origin
and exposure flags, reshare credits), per follow (an int32 index, a bool, and the
transient copies made while generating), and the per-tick tables, plus the interpreter
and libraries. It errs high: results/benchmark.md measured a peak of ~57 bytes per
follow above the process baseline (690 MB at 10^6 users, 6.0 GiB at 10^7), against 60 here.
"""

from __future__ import annotations

import psutil

from sim.config.schema import SimConfig
from sim.errors import ConfigError

BYTES_PER_USER_BASE = 48  # community, langs, plats, opinion, activity, reshares, scratch
BYTES_PER_USER_NARR = 6  # state (1) + origin (4) + exposed (1)
BYTES_PER_FOLLOW = 5  # int32 index + bool data in the CSR
GEN_FOLLOW_FACTOR = 12.0  # peak while generating (draw blocks, keys, CSR copies): 60 B/follow
EVENT_BYTES = 64  # per delivered post-follower event in a tick
PROCESS_BYTES = 200 * 2**20  # Python, numpy, scipy, pandas, Mesa and Hydra loaded


def estimate_bytes(c: SimConfig) -> int:
    n = c.graph.n if c.graph.kind != "file" or c.graph.n else 0
    k = max(len(c.world.narratives), 1)
    deg = {"ba": 2 * c.graph.m}.get(c.graph.kind, c.graph.mean_degree)
    follows = n * deg
    ticks = int(c.world.horizon_days * 24 / c.world.tick_hours)
    tables = ticks * k * len(c.population.communities) * 8 * 8
    peak_graph = follows * BYTES_PER_FOLLOW * GEN_FOLLOW_FACTOR
    events = follows * 0.2 * EVENT_BYTES  # a busy tick reaches ~20% of follows
    return int(
        PROCESS_BYTES
        + n * (BYTES_PER_USER_BASE + k * BYTES_PER_USER_NARR)
        + max(peak_graph, events)
        + tables
    )


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


def check_memory(c: SimConfig) -> None:
    need, have = estimate_bytes(c), limit_bytes(c)
    if need > have:
        raise ConfigError(
            "graph.n",
            f"this run needs about {need / 2**30:.1f} GiB but only "
            f"{have / 2**30:.1f} GiB is available; lower graph.n or graph.mean_degree "
            "(or raise output.max_memory_gb)",
        )
