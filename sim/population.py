"""Who the users are and who follows whom: ``build_world`` is the one build sequence.

Communities come first (from the config's shares, or from a loaded graph's labels),
then the crowd's attributes, then the generated graph, which needs the users'
languages and platforms for its homophily and platform layers. The model, the validation
modes, the benchmark and the tests all build through ``build_world`` (or ``build_people``
when they time or replace the graph step), so the draws are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
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


def build_people(cfg: SimConfig, streams: Streams) -> tuple[World, Crowd, GraphFn]:
    """The compiled world and the crowd, and the graph step still to run on the crowd."""
    world = compile_world(cfg)
    community, graph_fn = build_population(cfg, world, streams)
    return world, build_crowd(world, community, streams.get("crowd")), graph_fn


def build_world(cfg: SimConfig, streams: Streams | None = None) -> BuiltWorld:
    """World, crowd and graph for ``cfg`` (streams from ``cfg.seed`` unless given)."""
    streams = streams if streams is not None else Streams(cfg.seed)
    world, crowd, graph_fn = build_people(cfg, streams)
    return BuiltWorld(streams, world, crowd, graph_fn(crowd))
