"""The information-war model: a vectorized crowd plus Mesa actors, one step per tick.

``InfoWarModel.step`` runs six phases in this order (docs/model.md, "Process overview"):
1. actors post            each actor agent emits its posts for the tick;
2. strategies act         each side's strategies adjust actors, post, block platforms
                          (every ``act`` in name order, then every ``revise``);
3. feeds built and read   posts (actors' now, users' reshares queued last tick) reach
                          followers (``direct`` posts: their chosen readers), limited
                          attention picks what is read;
4. beliefs update         conversions, corrections, small persuasion pulls, gaffes
                          (attitude and trust cost), stifling;
5. reshares queued        active sharers reshare (delivered next tick), sharers stop;
   attention fades        ex-sharers forget, inoculation wanes, trust drifts back;
6. metrics collected      the tally is copied into the per-tick tables.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

import mesa
import numpy as np

from sim.actors import Accounts, Actor
from sim.actors.build import build_actors
from sim.actors.posting import Poster
from sim.cascades.recorder import Recorder, senders
from sim.config.schema import SOURCE_KINDS, SimConfig
from sim.crowd import SHARING, STOPPED
from sim.draws import Draws
from sim.kernel import Kernel, Reads, deliver
from sim.metrics import Metrics
from sim.population import build_world
from sim.posts import Posts
from sim.rng import Streams
from sim.staff import StaffPool
from sim.strategies import REGISTRY, Strategy, load_all
from sim.tally import Tally
from sim.timeline import Timeline, own_arrays
from sim.trust import Trust
from sim.world import World

logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO


class InfoWarModel(mesa.Model):
    def __init__(self, cfg: SimConfig) -> None:
        self.streams = Streams(cfg.seed)
        super().__init__(rng=int(self.streams.get("mesa").integers(2**31)))
        self.cfg = cfg
        built = build_world(cfg, self.streams)
        # scheduled events rewrite the appeals: a run with events gets its own array
        self.world: World = own_arrays(built.world) if cfg.world.events else built.world
        self.tick = 0
        self.crowd, self.followers = built.crowd, built.followers
        self.members = _members(self.crowd.community, len(self.world.communities))
        self.accounts = Accounts()
        self.actors: list[Actor] = build_actors(self)
        self.poster = Poster(self)  # draws all actors' routine posts in a few array calls
        self.tally = Tally(self.crowd, len(self.world.communities), self.world.support_threshold)
        self.spread_rng = self.streams.get("spread")
        # the crowd's choices: per-user keyed uniforms, or in sequence from spread_rng
        self.draws = Draws(cfg.seed, cfg.spread.draws, self.spread_rng)
        self.trust = Trust(self.world, self.tally.users)  # per community x side x source kind
        self.kernel = Kernel(self.crowd, self.world, cfg.spread, self.tally, self.draws, self.trust)
        if cfg.output.cascades:
            self.kernel.recorder = Recorder(self.crowd.n)
        self._seed_narratives()
        self.timeline = Timeline(self) if cfg.world.events else None  # world.events
        self.metrics = Metrics(self)
        self.queued = Posts.empty()  # users' reshares, delivered next tick
        self.outbox: list[Posts] = []  # this tick's posts from actors' accounts (src = account id)
        self.user_outbox: list[
            Posts
        ] = []  # this tick's posts by users (src = user id), e.g. volunteers
        # This tick's posts sent straight to chosen readers (ads, mentions), not via followers:
        # (posts, indptr, indices) with ``posts.src`` indexing rows of that batch's own CSR.
        self.direct: list[tuple[Posts, np.ndarray, np.ndarray]] = []
        self.phase_seconds: dict[str, float] = defaultdict(float)
        w = cfg.world
        self.staff = StaffPool(w.sides, dict(w.staff_hours_per_day), w.tick_hours)
        self.strategies: list[Strategy] = self._build_strategies()  # all chosen, for costs
        self.enabled_strategies = [s for s in self.strategies if s.enabled]  # budget 0: no hook
        for s in self.enabled_strategies:
            s.setup()

    # -- set-up ----------------------------------------------------------------------
    def _seed_narratives(self) -> None:
        """Initial believers: a fraction of the users of the narrative's side's communities."""
        w, rng = self.world, self.streams.get("seed")
        for k in np.flatnonzero(w.narr_seed > 0):
            comms = np.flatnonzero(w.comm_side == w.narr_side[k])
            pool = (
                np.concatenate([self.members[c] for c in comms])
                if len(comms)
                else self.members_all()
            )
            m = max(1, int(round(w.narr_seed[k] * len(pool))))
            self.seed_believers(int(k), np.sort(rng.choice(pool, min(m, len(pool)), replace=False)))

    def seed_believers(self, k: int, users: np.ndarray) -> None:
        """``users`` (unique) start sharing narrative ``k`` on their own (no parent post):
        the seeds at t=0 and those of a scheduled event (sim.timeline)."""
        kk = np.full(len(users), k, dtype=np.int64)
        self.kernel.set_state(kk, users, SHARING)
        self.crowd.origin[k, users] = users
        if self.kernel.recorder is not None:
            self.kernel.recorder.seeds(k, users, self.tick)
        new = users[~self.crowd.exposed[k, users]]
        self.crowd.exposed[k, new] = True
        self.tally.expose(kk[: len(new)], self.crowd.community[new])

    def members_all(self) -> np.ndarray:
        return np.arange(self.crowd.n, dtype=np.int32)

    def _build_strategies(self) -> list[Strategy]:
        load_all()
        out = []
        for side_name, chosen in self.cfg.strategies.items():
            side = self.world.side_index(side_name)
            for name, scfg in sorted(chosen.items()):  # listing order must not matter
                rng = self.streams.get(f"strategy/{side_name}/{name}")
                out.append(REGISTRY[name](self, side, scfg, rng))
        return out

    # -- the step --------------------------------------------------------------------
    def step(self) -> None:
        self.draws.at(self.tick)
        if self.timeline is not None:
            self._timed("events", self.timeline.apply)
        self._timed("post", self.post_actors)
        self._timed("strategies", self.run_strategies)
        reads = self._timed("feed", self.read_feeds)
        self._timed("update", self.update_beliefs, reads)
        self._timed("reshare", self.queue_reshares)
        self._timed("reshare", self.fade)
        self._timed("metrics", self.metrics.collect, reads)
        self.tick += 1

    def _timed(self, phase: str, fn, *args):
        t0 = time.perf_counter()
        out = fn(*args)
        self.phase_seconds[phase] += time.perf_counter() - t0
        return out

    def post_actors(self) -> None:
        self.outbox = self.poster.post()
        self.user_outbox = []
        self.direct = []
        self.poster.moderate()

    def run_strategies(self) -> None:
        self.staff.refill()  # this tick's share of each side's staff-hours; name order
        for s in self.enabled_strategies:
            s.act()
        for s in self.enabled_strategies:  # second pass: revise this tick's posts
            s.revise()

    def read_feeds(self) -> Reads:
        indptr, indices = self.accounts.csr()
        f = self.followers
        active = self.draws.active(self.crowd.activity)
        users = Posts.concat([self.queued, *self.user_outbox])
        batches = [
            (Posts.concat(self.outbox), indptr, indices),
            (users, f.indptr, f.indices),
            *self.direct,
        ]
        if self.kernel.recorder is not None:
            self.kernel.recorder.tick = self.tick
            self.kernel.recorder.senders = senders(batches, 1)
        return deliver(self.crowd, batches, active, self.cfg.spread.attention, self.draws)

    def fade(self) -> None:
        self.kernel.fade()

    def update_beliefs(self, reads: Reads) -> None:
        self.kernel.read(reads)

    def queue_reshares(self) -> None:
        """Active sharers reshare each story with ``share_prob``; then sharers may forget.

        All narratives at once (``Draws.reshare``: sequential draws are laid out as the
        per-narrative loop takes them, so results equal the loop's)."""
        crowd, sp = self.crowd, self.cfg.spread
        # narrative-major, users ascending (flat indices: 2-D np.nonzero is ~3x slower)
        k, users = np.divmod(np.flatnonzero(crowd.state == SHARING), crowd.n)
        self.queued = Posts.empty()
        if len(users):
            u_post, u_stop = self.draws.reshare(k, users, self.world.n_narratives)
            post = u_post < crowd.activity[users] * sp.share_prob
            stop = u_stop < sp.forget
            pk, pu = k[post], users[post]
            if len(pu):
                crowd.reshared[pk, pu] = True  # public resharing history
                origin = crowd.origin[pk, pu]
                self.queued = Posts.make(
                    src=pu,
                    narr=pk,
                    lang=crowd.primary_lang[pu],
                    count=1,
                    quality=1.0,
                    kind=SOURCE_KINDS.index("peer"),
                    origin=np.where(origin >= 0, origin, pu),
                    plats=crowd.eff_plats[pu],
                )
            self.kernel.set_state(k[stop], users[stop], STOPPED)
        self.metrics.count_reshares(self.queued)

    # -- running ---------------------------------------------------------------------
    def run(self, progress: bool = False) -> None:
        from tqdm import tqdm

        for _ in tqdm(
            range(self.world.ticks),
            disable=not progress,
            unit="tick",
            desc=f"{self.cfg.scenario} seed={self.cfg.seed}",
            leave=False,
        ):
            self.step()


def _members(community: np.ndarray, n_comm: int) -> list[np.ndarray]:
    order = np.argsort(community, kind="stable").astype(np.int32)
    bounds = np.searchsorted(community[order], np.arange(n_comm + 1))
    return [order[bounds[c] : bounds[c + 1]] for c in range(n_comm)]
