"""What a strategy may touch in the model: one declared view.

Strategies receive the model typed as ``ModelView``, never as ``ModelView``, so the
strategies package does not import the model (no import circle, even for typing) and a
reader sees in one place which handles a plug-in may use. ``ModelView`` satisfies this
protocol structurally; a test checks that it does.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import scipy.sparse as sp

from sim.actors import Accounts, Actor
from sim.config.schema import SimConfig
from sim.crowd import Crowd
from sim.posts import Posts
from sim.staff import StaffPool
from sim.tally import Tally
from sim.world import World


class ModelView(Protocol):
    """The model as strategies see it (docs/strategies.md, "Where strategies act")."""

    cfg: SimConfig  # the validated run config (read only)
    world: World  # names and index arrays of sides, languages, communities, narratives
    tick: int  # the current tick
    crowd: Crowd  # per-user arrays; strategies may change ``eff_plats``
    followers: sp.csr_array  # who follows whom among users (read only)
    members: list[np.ndarray]  # users of each community, in id order
    accounts: Accounts  # actors' accounts: kind, active, followers
    actors: list[Actor]  # actor agents: languages, quality, rate_multiplier
    tally: Tally  # per-community counts of this tick (read only)
    outbox: list[Posts]  # this tick's account posts: append a batch
    user_outbox: list[Posts]  # this tick's posts by users: append a batch
    direct: list[tuple[Posts, np.ndarray, np.ndarray]]  # posts sent to chosen readers
    staff: StaffPool  # each side's staff-hours this tick (Strategy.spend draws on it)
    queued: Posts  # users' reshares delivered this tick (rapid response labels them)
