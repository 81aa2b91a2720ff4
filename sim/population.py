"""Who the users are and who follows whom: ``build_world`` is the one build sequence.

Communities come first (from the config's shares, or from a loaded graph's labels),
then the crowd's attributes, then the generated graph, which needs the users'
languages and platforms for its homophily and platform layers. The model, the validation
modes, the benchmark and the tests all build through ``build_world`` (or ``build_people``
when they time or replace the graph step), so the draws are the same everywhere.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sim.config.schema import SimConfig
from sim.crowd import Crowd, assign_communities, build_crowd
from sim.rng import Streams
from sim.world import World, compile_world

GraphFn = Callable[[Crowd], sp.csr_array]


def check_no_empty_community(path: str, community: np.ndarray, names: list[str]) -> None:
    """A community with no user in the file would be reported as opinion 0, support 0."""
    from sim.errors import ConfigError

    counts = np.bincount(community, minlength=len(names))
    for name, count in zip(names, counts):
        if count == 0:
            raise ConfigError(
                "graph.path",
                f"{path}: no user is in community '{name}'; label some users '{name}' in the "
                f"file or remove population.communities.{name}",
            )


def build_population(cfg: SimConfig, world: World, streams: Streams) -> tuple[np.ndarray, GraphFn]:
    g, rng = cfg.graph, streams.get("graph")
    if g.kind == "file":
        from sim.graph.load import load_graph
        from sim.memory import check_memory

        followers, community = load_graph(g, world.communities)
        check_memory(cfg, n=followers.shape[0], follows=followers.nnz)
        missing = community < 0
        if missing.any():  # unlabelled users get communities by the configured shares
            community[missing] = assign_communities(
                world, int(missing.sum()), streams.get("population")
            )
        if cfg.mode == "infowar":
            check_no_empty_community(g.path, community, world.communities)
        return community.astype(np.int16), lambda crowd: followers
    community = assign_communities(world, g.n, streams.get("population"))
    if g.kind == "er":
        from sim.graph.simple import erdos_renyi

        return community, lambda crowd: erdos_renyi(g.n, g.mean_degree, rng)
    if g.kind == "ba":
        from sim.graph.simple import barabasi_albert

        return community, lambda crowd: barabasi_albert(g.n, g.m, rng)
    from sim.graph.social import generate_social

    return community, lambda crowd: generate_social(
        crowd.community, crowd.langs, crowd.plats, world, g, rng
    )


@dataclass
class BuiltWorld:
    """A run's compiled world, its users and their follower graph, and the streams used."""

    streams: Streams
    world: World
    crowd: Crowd
    followers: sp.csr_array


def build_people(
    cfg: SimConfig, streams: Streams, world: World | None = None
) -> tuple[World, Crowd, GraphFn]:
    """The compiled world and the crowd, and the graph step still to run on the crowd."""
    world = world if world is not None else compile_world(cfg)
    community, graph_fn = build_population(cfg, world, streams)
    return world, build_crowd(world, community, streams.get("crowd")), graph_fn


def build_world(cfg: SimConfig, streams: Streams | None = None) -> BuiltWorld:
    """World, crowd and graph for ``cfg`` (streams from ``cfg.seed`` unless given)."""
    streams = streams if streams is not None else Streams(cfg.seed)
    if not _reusing or cfg.graph.kind == "file":
        world, crowd, graph_fn = build_people(cfg, streams)
        return BuiltWorld(streams, world, crowd, graph_fn(crowd))
    return _reused(cfg, streams)


# -- Many runs per process: reuse the last built crowd and graph --------------------------
# What the build draws depends only on the root seed, the compiled world and the graph
# section (the streams "population", "crowd" and "graph" are keyed by the seed; sim/rng.py),
# so runs that agree on those (strategy arms, other spread or actor parameters under one
# seed) get the same users and follows. They share the graph (its arrays made read-only)
# and each gets its own copy of the crowd, whose state the run changes, and of the build
# streams in the state the build left them: the run is bit for bit a separately built one
# (tests/test_sweep_batch.py). File graphs are read anew each time (the file may change).
BUILD_STREAMS = ("population", "crowd", "graph")
_reuse: dict[bytes, tuple[Crowd, sp.csr_array, dict[str, np.random.Generator]]] = {}


_reusing = False
reuse_stats = {"built": 0, "reused": 0}  # this process's builds inside reusing_worlds


@contextmanager
def reusing_worlds() -> Iterator[None]:
    """Within the block (a sweep job), ``build_world`` reuses the crowd and graph kept from
    an earlier block in this process when the key matches, and keeps its own for the next;
    one entry, the old graph freed before a new one is built (``forget_worlds`` frees it)."""
    global _reusing
    outer, _reusing = _reusing, True
    try:
        yield
    finally:
        _reusing = outer


def forget_worlds() -> None:
    _reuse.clear()


def world_key(cfg: SimConfig, world: World) -> bytes:
    """Everything the crowd and graph are drawn from: seed, compiled world, graph section."""
    h = hashlib.sha256()
    _feed(h, (int(cfg.seed), world, cfg.graph))
    return h.digest()


def _feed(h: hashlib._Hash, x: object) -> None:
    """Hash ``x`` by value, arrays by dtype, shape and bytes (no pickle: the package never
    serialises objects it could be asked to load)."""
    if isinstance(x, np.ndarray):
        h.update(f"a{x.dtype.str}{x.shape}".encode())
        h.update(np.ascontiguousarray(x).tobytes())
    elif dataclasses.is_dataclass(x) and not isinstance(x, type):
        h.update(type(x).__name__.encode())
        for f in dataclasses.fields(x):
            h.update(f.name.encode())
            _feed(h, getattr(x, f.name))
    elif isinstance(x, dict):
        h.update(b"d%d" % len(x))
        for k in sorted(x, key=repr):
            _feed(h, k)
            _feed(h, x[k])
    elif isinstance(x, list | tuple):
        h.update(b"l%d" % len(x))
        for v in x:
            _feed(h, v)
    else:
        h.update(f"{type(x).__name__}:{x!r};".encode())


def _reused(cfg: SimConfig, streams: Streams) -> BuiltWorld:
    world = compile_world(cfg)
    key = world_key(cfg, world)
    if key not in _reuse:
        _reuse.clear()  # peak memory: never two graphs held for reuse
        _, crowd, graph_fn = build_people(cfg, streams, world)
        followers = graph_fn(crowd)
        for a in (followers.data, followers.indices, followers.indptr):
            a.flags.writeable = False
        used = {n: copy.deepcopy(streams.get(n)) for n in BUILD_STREAMS}
        _reuse[key] = (copy.deepcopy(crowd), followers, used)
        reuse_stats["built"] += 1
        return BuiltWorld(streams, world, crowd, followers)
    crowd, followers, used = _reuse[key]
    reuse_stats["reused"] += 1
    for name, rng in used.items():
        streams.put(name, copy.deepcopy(rng))
    return BuiltWorld(streams, world, copy.deepcopy(crowd), followers)
