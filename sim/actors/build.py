"""Create the actors of every configured group and give their accounts followers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.actors.base import Actor

if TYPE_CHECKING:
    from sim.model import InfoWarModel


def platform_mask(world_platforms: list[str], names: list[str]) -> int:
    if not names:
        return (1 << len(world_platforms)) - 1
    return sum(1 << world_platforms.index(p) for p in names)


def sample_followers(
    model: InfoWarModel,
    hosts: list[int],
    fraction: float,
    outside: float,
    plats: int,
    rng: np.random.Generator,
    pools: dict | None = None,
) -> np.ndarray:
    """Followers of one account: a ``fraction`` of each host community (users on one of
    the account's platforms), plus a share ``outside`` of followers from elsewhere.

    In a scaled scenario (``world.scale > 0``) the count is rounded at random, up with
    probability its fractional part: rounding to the nearest would give the 50 bots of
    karabakh2020 (0.2 % of a small host each) no followers at all at a small scale and some
    at a large one, so what a user reads per tick would depend on the scale. ``pools``
    keeps the candidate arrays between the accounts of one actor (they depend only on the
    hosts and the platforms, and finding them scans every user)."""
    crowd = model.crowd
    pools = {} if pools is None else pools
    scaled = model.cfg.world.scale > 0
    picked = []
    for h in hosts:
        if ("host", h, plats) not in pools:
            pools["host", h, plats] = _on(model.members[h], crowd.plats, plats)
        pool = pools["host", h, plats]
        want = fraction * len(pool)
        k = min(len(pool), int(want + rng.random()) if scaled else int(round(want)))
        if k:
            picked.append(rng.choice(pool, k, replace=False))
    inside = sum(len(p) for p in picked)
    if outside > 0 and inside:
        k_out = int(round(inside * outside / (1.0 - outside)))
        out_key = ("out", tuple(hosts), plats)
        if out_key not in pools:
            pools[out_key] = _outside(crowd, hosts, plats, len(model.world.communities))
        pool = pools[out_key]
        if len(pool) and k_out:
            picked.append(rng.choice(pool, min(k_out, len(pool)), replace=False))
    return np.concatenate(picked) if picked else np.zeros(0, dtype=np.int32)


def _on(users: np.ndarray, user_plats: np.ndarray, plats: int) -> np.ndarray:
    """The users with an account on one of the platforms ``plats``."""
    return users[(user_plats[users] & plats) != 0]


def _outside(crowd, hosts: list[int], plats: int, n_comm: int) -> np.ndarray:
    """Users outside the host communities on one of the platforms ``plats``."""
    in_host = np.zeros(n_comm, dtype=bool)
    in_host[hosts] = True
    return np.flatnonzero(~in_host[crowd.community] & ((crowd.plats & plats) != 0))


def build_actors(model: InfoWarModel) -> list[Actor]:
    """One actor per group, or one per host community for ``per_host`` groups (embassies)."""
    cfg, world = model.cfg, model.world
    actors: list[Actor] = []
    for gname, g in cfg.actors.groups.items():
        hosts = [world.communities.index(h) for h in g.hosts]
        parts = [[h] for h in hosts] if g.per_host else [hosts]
        plats = platform_mask(world.platforms, g.platforms)
        for hs in parts:
            name = f"{gname}/{world.communities[hs[0]]}" if g.per_host else gname
            rng = model.streams.get(f"actor/{name}")
            actor = Actor(model, name, gname, g, hs)
            pools: dict = {}  # candidate followers, shared by the actor's accounts only
            for i in range(g.accounts):
                fol = sample_followers(
                    model, hs, g.followers, g.outside_followers, plats, rng, pools
                )
                label = f"{name}#{i + 1}" if g.accounts > 1 else name
                actor.accounts.append(
                    model.accounts.add(len(actors), label, fol, plats, actor.source_kind)
                )
            actors.append(actor)
    model.accounts.freeze()
    return actors
