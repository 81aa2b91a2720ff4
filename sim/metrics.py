"""Per-tick, per-account and per-run measurements.

Per tick the running tally (sim.tally) is copied into preallocated arrays, so collection
costs O(communities x narratives), independent of the number of users.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.crowd import INOCULATED, REJECTED, SHARING, STOPPED
from sim.kernel import Reads
from sim.posts import Posts

if TYPE_CHECKING:
    from sim.model import InfoWarModel

CONTAIN_SHARE = 0.05  # a false story is contained once its sharers fall to 5% of their peak


class Layer:
    """Counts on one platform alone (``output.measure_platform``), for figures measured there.

    A post is on the platform when its platform mask has the platform's bit: an actor's post
    when the account is on it, a user's reshare when the user reaches it (after shutdowns).
    User reshares are kept apart from actors' posts because a simulated user stands for
    ``1 / world.scale`` people while an account is one account (sim.analysis.layer2020)."""

    def __init__(self, model: InfoWarModel, n_acc: int, k: int) -> None:
        name = model.cfg.output.measure_platform
        self.bit = 1 << model.world.platforms.index(name) if name else 0
        self.n = model.crowd.n
        self.reshares = np.zeros(n_acc, dtype=np.int64)  # user reshares of accounts' posts
        self.user_posts = np.zeros(k, dtype=np.int64)  # user reshares per narrative
        self.actor_posts = np.zeros(k, dtype=np.int64)  # accounts' posts per narrative
        self.acc_posts = np.zeros(n_acc, dtype=np.int64)

    def count_reshares(self, queued: Posts) -> None:
        if not self.bit:
            return
        on = (queued.plats & self.bit) != 0
        origin, narr, count = queued.origin[on], queued.narr[on], queued.count[on]
        acc = origin >= self.n
        self.reshares += np.bincount(
            origin[acc] - self.n, weights=count[acc], minlength=len(self.reshares)
        ).astype(np.int64)
        self.user_posts += np.bincount(narr, weights=count, minlength=len(self.user_posts)).astype(
            np.int64
        )

    def count_actor_posts(self, p: Posts, n_acc_posts: int) -> None:
        if not self.bit:
            return
        on = (p.plats[:n_acc_posts] & self.bit) != 0
        w = p.count[:n_acc_posts] * on
        self.actor_posts += np.bincount(
            p.narr[:n_acc_posts], weights=w, minlength=len(self.actor_posts)
        ).astype(np.int64)
        self.acc_posts += np.bincount(
            p.src[:n_acc_posts], weights=w, minlength=len(self.acc_posts)
        ).astype(np.int64)


class Metrics:
    def __init__(self, model: InfoWarModel) -> None:
        self.m = model
        w = model.world
        t, k, c, s = w.ticks, w.n_narratives, len(w.communities), len(w.sides)
        self.states = np.zeros((t, k, 5, c), dtype=np.int64)
        self.exposed = np.zeros((t, k, c), dtype=np.int64)
        self.reads = np.zeros((t, k, c), dtype=np.int64)
        self.opinion = np.zeros((t, 2, c))  # mean, sd
        self.support = np.zeros((t, 2, c), dtype=np.int64)
        self.reach_side = np.zeros((t, s), dtype=np.int64)
        self.trust = np.zeros((t, s, c))  # mean trust in each side's sources, per community
        n_acc = len(model.accounts)
        self.acc_posts = np.zeros(n_acc, dtype=np.int64)
        self.acc_reach = np.zeros(n_acc, dtype=np.int64)
        self.reshares = np.zeros(model.crowd.n + n_acc, dtype=np.int64)  # by origin
        self.narr_posts = np.zeros(k, dtype=np.int64)  # hashtag volume
        self.layer = Layer(model, n_acc, k)
        self.ticks_done = 0

    def count_reshares(self, queued: Posts) -> None:
        """Credit each queued reshare to the account whose post started the chain."""
        if len(queued):
            if len(queued) * 16 < len(self.reshares):  # few: touch only their origins
                u, c = np.unique(queued.origin, return_counts=True)
                self.reshares[u] += c
            else:
                self.reshares += np.bincount(queued.origin, minlength=len(self.reshares))
            self.narr_posts += np.bincount(
                queued.narr, weights=queued.count, minlength=len(self.narr_posts)
            ).astype(np.int64)
            self.layer.count_reshares(queued)

    def collect(self, rd: Reads) -> None:
        m, t = self.m, self.m.tick
        tl = m.tally
        self.states[t] = tl.states
        self.exposed[t] = tl.exposed
        mean, sd = tl.opinion_mean_sd()
        self.opinion[t] = (mean, sd)
        self.support[t] = tl.support
        self.trust[t] = m.trust.cur.mean(axis=2).T
        p = rd.posts
        n_acc_posts = sum(len(b) for b in m.outbox)
        if len(p):
            self.narr_posts += np.bincount(
                p.narr[:n_acc_posts], weights=p.count[:n_acc_posts], minlength=len(self.narr_posts)
            ).astype(np.int64)
            self.acc_posts += np.bincount(
                p.src[:n_acc_posts], weights=p.count[:n_acc_posts], minlength=len(self.acc_posts)
            ).astype(np.int64)
            self.layer.count_actor_posts(p, n_acc_posts)
        if len(rd.reader):
            m.kernel.count_reads(rd, n_acc_posts, self.reads[t], self.reach_side[t], self.acc_reach)
        self.ticks_done = t + 1

    # -- tables ----------------------------------------------------------------------
    def timeseries(self) -> pd.DataFrame:
        """One row per tick x community, narrative counts as columns."""
        w, T = self.m.world, self.ticks_done
        C = len(w.communities)
        tick = np.repeat(np.arange(T), C)
        df = pd.DataFrame(
            {
                "tick": tick.astype(np.int32),
                "day": (tick * w.tick_hours / 24.0),
                "community": pd.Categorical(np.tile(w.communities, T), categories=w.communities),
                "users": np.tile(self.m.tally.users, T),
                "opinion_mean": self.opinion[:T, 0].ravel(),
                "opinion_sd": self.opinion[:T, 1].ravel(),
            }
        )
        users = np.maximum(df["users"].to_numpy(), 1)
        # All columns built first and joined once: inserting them one by one copies the
        # frame each time (quadratic in the number of narratives, and pandas warns).
        cols: dict[str, np.ndarray] = {}
        for i, side in enumerate(w.sides[:2]):
            cols[f"support_{side}"] = self.support[:T, i].ravel() / users
            cols[f"trust_{side}"] = self.trust[:T, i].ravel()
        cols["undecided"] = 1.0 - np.sum([cols[f"support_{s}"] for s in w.sides[:2]], axis=0)
        for k, name in enumerate(w.narratives):
            st = self.states[:T, k]
            cols[f"believers_{name}"] = (st[:, SHARING] + st[:, STOPPED]).ravel()
            cols[f"sharers_{name}"] = st[:, SHARING].ravel()
            cols[f"rejecters_{name}"] = st[:, REJECTED].ravel()
            cols[f"inoculated_{name}"] = st[:, INOCULATED].ravel()
            cols[f"exposed_{name}"] = self.exposed[:T, k].ravel()
            cols[f"reads_{name}"] = self.reads[:T, k].ravel()
        return pd.concat([df, pd.DataFrame(cols, index=df.index)], axis=1)

    def actors_table(self) -> pd.DataFrame:
        """One row per account, with its actor, side, kind and activity."""
        m = self.m
        acc = m.accounts
        owner = np.array(acc.owner, dtype=np.int64)
        actors = m.actors
        return pd.DataFrame(
            {
                "account": acc.names,
                "actor": [actors[o].name for o in owner],
                "group": [actors[o].group for o in owner],
                "kind": [actors[o].kind for o in owner],
                "side": [m.world.sides[actors[o].side] for o in owner],
                "followers": acc.n_followers(),
                "posts": self.acc_posts,
                "reach": self.acc_reach,
                "reshares_received": self.reshares[m.crowd.n :],
                "active": acc.active.copy(),
            }
        )
