"""The spread kernel: the one hot module. Every function is vectorized over events.

An *event* is one post batch entry reaching one follower. Per tick the kernel
(steps 1-2 in ``sim.feed``, re-exported here; its random choices from ``sim.draws``)
1. expands post batches to followers (CSR rows) and keeps events the reader can see:
   the reader is active, shares a platform with the post, and reads its language;
2. applies limited attention: a reader with a feed of F posts reads each with
   probability min(1, attention / F), so a crowded feed dilutes every post;
3. turns reads into belief: a read converts with probability
   q = beta * trust[community, side, source kind] * quality * appeal * susceptibility
       * align(opinion, side) * (1 - inoculation if prebunked);
4. resolves contradictions within the tick (see ``resolve``), applies adoptions,
   corrections (believers may reject, the unaware are inoculated, trust in the refuted
   side falls), small persuasion pulls, gaffes (attitude and trust cost) and stifling;
5. lets attention fade (``fade``): ex-sharers forget, inoculation wanes, trust recovers.
Belief (per-narrative state), attitude (opinion) and trust (``sim.trust``) are kept apart.
Costs scale with the number of events (``fade``: with the users), not per-user loops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config.schema import SOURCE_KINDS, SpreadConfig
from sim.crowd import INOCULATED, REJECTED, SHARING, STOPPED, UNAWARE, Crowd
from sim.draws import Draws, as_draws, user_word
from sim.errors import ConfigError
from sim.feed import Reads, deliver, distinct, expand, feed_sizes
from sim.posts import Posts
from sim.tally import Tally
from sim.trust import Trust
from sim.world import World, per_tick_hazard

if TYPE_CHECKING:
    from sim.cascades.recorder import Recorder

ALIGN_WIDTH = 0.1  # softness of the bounded-confidence edge (on the [0, 1] distance scale)

__all__ = [
    "Kernel",
    "Reads",
    "align",
    "conversion_prob",
    "deliver",
    "expand",
    "feed_sizes",
    "make_kernel",
    "resolve",
]


def align(
    opinion: np.ndarray | np.floating, sign: np.ndarray | np.floating, confidence: float
) -> np.ndarray:
    """Bounded confidence: near 1 when the narrative's side is within ``confidence`` of the
    reader's opinion (distance on the [0, 1] scale), falling off smoothly beyond it."""
    d = np.abs(opinion - sign) * 0.5
    return 1.0 / (1.0 + np.exp((d - confidence) / ALIGN_WIDTH))


def conversion_prob(
    crowd: Crowd,
    world: World,
    spread: SpreadConfig,
    rd: Reads,
    state: np.ndarray,
    trust: np.ndarray | None = None,
) -> np.ndarray:
    """Probability that at least one of an event's reads converts the reader. ``trust`` is
    (community, side, source kind); None: the configured start values."""
    p, r = rd.posts, rd.reader
    comm = crowd.community[r]
    narr = p.narr[rd.post]
    kind = p.kind[rd.post]
    t = world.trust[comm, kind] if trust is None else trust[comm, world.narr_side[narr], kind]
    q = spread.beta * t * p.quality[rd.post] * world.narr_appeal[narr] * world.comm_suscept[comm]
    q = q * align(crowd.opinion[r], world.narr_sign[narr], spread.confidence)
    q = np.where(state == INOCULATED, q * (1.0 - spread.inoculation), q)
    q = np.clip(q, 0.0, 1.0)
    return 1.0 - (1.0 - q) ** rd.reads


def resolve(user: np.ndarray, narr: np.ndarray, world: World, opinion: np.ndarray) -> np.ndarray:
    """Contradictions in one tick, for successful (user, narrative) events.

    Rule 1: a user converted toward several sides in one tick adopts only the side with
    more successful reads; a tie goes to the side closest to the user's opinion (so
    confirmation bias breaks ties), then to the lower side index.
    Rule 2: a debunk and its target converting the same user in one tick: the debunk wins.
    Returns a mask over the events that stand.
    """
    if len(user) == 0:
        return np.zeros(0, dtype=bool)
    n_sides = len(world.sides)
    side = world.narr_side[narr].astype(np.int64)
    users, inv = np.unique(user, return_inverse=True)
    score = np.zeros((len(users), n_sides))
    np.add.at(score, (inv, side), 1.0)
    signs = np.array([1.0, -1.0] + [0.0] * (n_sides - 2))[:n_sides]
    dist = np.abs(signs[None, :] - opinion[users][:, None])
    score -= 1e-3 * dist + 1e-6 * np.arange(n_sides)[None, :]
    score[score < 0.5] = -np.inf  # a side with no success cannot win
    keep = side == np.argmax(score, axis=1)[inv]
    tgt = world.narr_target[narr]
    deb = keep & (tgt >= 0)
    if deb.any():
        beaten = np.isin(
            user.astype(np.int64) * 65536 + narr, user[deb].astype(np.int64) * 65536 + tgt[deb]
        )
        keep &= ~beaten
    return keep


class Kernel:
    """Applies reads to the crowd and keeps the tally in step."""

    def __init__(
        self,
        crowd: Crowd,
        world: World,
        spread: SpreadConfig,
        tally: Tally,
        rng: Draws | np.random.Generator,
        trust: Trust | None = None,
    ) -> None:
        self.crowd, self.world, self.spread, self.tally = crowd, world, spread, tally
        self.draws = as_draws(rng)
        self.trust = trust if trust is not None else Trust(world, tally.users)
        hours = world.tick_hours
        self.inoc_wane = per_tick_hazard(spread.inoculation_halflife_days, hours)
        self.trust_back = per_tick_hazard(spread.trust_halflife_days, hours)
        self.recorder: Recorder | None = None  # set when output.cascades is on

    def set_state(self, k: np.ndarray, u: np.ndarray, new: int | np.ndarray) -> None:
        """Move unique (narrative, user) pairs to ``new`` and update the tally."""
        if len(u) == 0:
            return
        st = self.crowd.state
        old = st[k, u]
        new_arr = np.broadcast_to(np.asarray(new, dtype=np.uint8), old.shape)
        st[k, u] = new_arr
        self.tally.move(k, old, new_arr, self.crowd.community[u])

    def pull(self, users: np.ndarray, sign: np.ndarray, step: float | np.ndarray) -> None:
        """Move each user's opinion a fraction ``step`` (per event or one for all) toward
        ``sign`` (users may repeat; pulls apply in event order)."""
        step = np.broadcast_to(np.asarray(step, dtype=np.float64), np.shape(users))
        moves = step > 0
        users, sign, step = users[moves], sign[moves], step[moves]
        if len(users) == 0:
            return
        x = self.crowd.opinion
        order = np.argsort(users, kind="stable")
        users, sign, step = users[order], sign[order], step[order]
        uniq, first, counts = np.unique(users, return_index=True, return_counts=True)
        old = x[uniq].copy()
        new = old.astype(np.float64)
        for j in range(int(counts.max())):  # repeated pulls, applied in event order
            has = counts > j
            i = first[has] + j
            new[has] = new[has] + step[i] * (sign[i] - new[has])
        new = np.clip(new, -1.0, 1.0).astype(np.float32)
        x[uniq] = new
        self.tally.opinions(self.crowd.community[uniq], old, new)

    def read(self, rd: Reads) -> dict[str, np.ndarray]:
        """Steps 3-4 for one tick's reads. Returns per-event success flags for metrics."""
        crowd, world = self.crowd, self.world
        narr = rd.posts.narr[rd.post].astype(np.int64)
        r = rd.reader.astype(np.int64)
        state = crowd.state[narr, r]
        self._expose(narr, r)
        backfire = rd.posts.backfire[rd.post]
        open_ = ((state == UNAWARE) | (state == INOCULATED)) & ~backfire
        p = conversion_prob(crowd, world, self.spread, rd, state, self.trust.cur)
        success = self.draws.uniform("adopt", self._words(rd)) < p
        self._gaffes(r[backfire], narr[backfire])
        conv = success & open_
        self._stifle(narr, r, state, rd.reads, self._words(rd))
        if self.recorder is not None:
            self.recorder.events(rd.post[conv])
        self._adopt(r[conv], narr[conv], rd.posts.origin[rd.post[conv]])
        return {"success": conv}

    @staticmethod
    def _words(rd: Reads) -> np.ndarray:
        """The events' draw keys (sequential draws use only their number)."""
        return rd.word if rd.word is not None else np.zeros(len(rd.reader), np.uint64)

    def _expose(self, narr: np.ndarray, r: np.ndarray) -> None:
        flat = narr * self.crowd.n + r
        new = distinct(flat[~self.crowd.exposed.reshape(-1)[flat]])
        self.crowd.exposed.reshape(-1)[new] = True
        self.tally.expose(new // self.crowd.n, self.crowd.community[new % self.crowd.n])

    def _stifle(self, narr, r, state, reads, word) -> None:
        """Rumour-style stifling: a sharer who meets the story again may lose interest."""
        sh = state == SHARING
        if not sh.any() or self.spread.stifle <= 0:
            return
        p = 1.0 - (1.0 - self.spread.stifle) ** reads[sh]
        hit = self.draws.uniform("stifle", word[sh]) < p
        flat = distinct(narr[sh][hit] * self.crowd.n + r[sh][hit])
        self.set_state(flat // self.crowd.n, flat % self.crowd.n, STOPPED)

    def _gaffes(self, r: np.ndarray, narr: np.ndarray) -> None:
        """Every read of a gaffe, taken as the side's official position, pushes its reader
        away from that side and costs the side trust in the reader's community."""
        sp, w = self.spread, self.world
        self.pull(r, -w.narr_sign[narr], sp.gaffe_attitude)
        self.trust.lose(self.crowd.community[r], w.narr_side[narr], sp.gaffe_trust)

    def _adopt(self, r: np.ndarray, narr: np.ndarray, origin: np.ndarray) -> None:
        crowd, world, n = self.crowd, self.world, self.crowd.n
        keep = resolve(r, narr, world, crowd.opinion)  # counts successful events per side
        flat, first = np.unique(narr[keep] * n + r[keep], return_index=True)
        u, k, origin = flat % n, flat // n, origin[keep][first]
        if self.recorder is not None:  # parent links (output.cascades)
            self.recorder.adopted(k, u, np.flatnonzero(keep)[first])
        self.set_state(k, u, SHARING)
        crowd.origin[k, u] = origin
        tgt = world.narr_target[k]
        d = tgt >= 0
        if d.any():
            self._correct(u[d], tgt[d].astype(np.int64), k[d])
        self.pull(u, world.narr_sign[k], world.narr_persuasion[k])

    def _correct(self, tu: np.ndarray, tk: np.ndarray, debunk: np.ndarray) -> None:
        """Readers who accepted correction ``debunk`` of claim ``tk``: a believer rejects
        it with ``spread.correction`` (else a residue of belief stays), the unaware are
        inoculated, and each loses trust in the refuted claim's side."""
        st = self.crowd.state[tk, tu]
        believed = (st == SHARING) | (st == STOPPED)
        u = self.draws.uniform("correct", user_word(tu, debunk))
        fixed = believed & (u < self.spread.correction)
        self.set_state(tk[fixed], tu[fixed], REJECTED)
        fresh = st == UNAWARE
        self.set_state(tk[fresh], tu[fresh], INOCULATED)
        side = self.world.narr_side[tk]
        self.trust.lose(self.crowd.community[tu], side, self.spread.trust_loss)

    def deliver(
        self,
        batches: list[tuple[Posts, np.ndarray, np.ndarray]],
        active: np.ndarray,
        attention: int,
    ) -> Reads:
        """Steps 1-2 (``sim.feed.deliver``): who reads which post this tick."""
        return deliver(self.crowd, batches, active, attention, self.draws)

    def reshare(self, share_prob: float, forget: float) -> Posts:
        """Active sharers reshare each story with ``share_prob`` (delivered next tick); then
        sharers stop with ``forget``. All narratives at once (``Draws.reshare``: sequential
        draws are laid out as the per-narrative loop takes them, so results equal the loop's)."""
        crowd = self.crowd
        # narrative-major, users ascending (flat indices: 2-D np.nonzero is ~3x slower)
        k, users = np.divmod(np.flatnonzero(crowd.state == SHARING), crowd.n)
        if not len(users):
            return Posts.empty()
        u_post, u_stop = self.draws.reshare(k, users, self.world.n_narratives)
        post = u_post < crowd.activity[users] * share_prob
        stop = u_stop < forget
        pk, pu = k[post], users[post]
        crowd.reshared[pk, pu] = True  # public resharing history
        queued = self._reshare_posts(pk, pu)
        self.set_state(k[stop], users[stop], STOPPED)
        return queued

    def count_reads(
        self,
        rd: Reads,
        n_acc_posts: int,
        by_narr_comm: np.ndarray,
        by_side: np.ndarray,
        acc_reach: np.ndarray,
    ) -> None:
        """For the metrics phase: this tick's reads per (narrative, community) and per side
        (written), and per account for the first ``n_acc_posts`` posts (the accounts'; added)."""
        w, p = self.world, rd.posts
        c = len(w.communities)
        narr = p.narr[rd.post].astype(np.int64)
        comm = self.crowd.community[rd.reader]
        by_narr_comm[:] = np.bincount(
            narr * c + comm, weights=rd.reads, minlength=w.n_narratives * c
        ).reshape(-1, c)
        by_side[:] = np.bincount(w.narr_side[narr], weights=rd.reads, minlength=len(w.sides))
        acc = rd.post < n_acc_posts
        acc_reach += np.bincount(
            p.src[rd.post[acc]], weights=rd.reads[acc], minlength=len(acc_reach)
        ).astype(np.int64)

    def _reshare_posts(self, pk: np.ndarray, pu: np.ndarray) -> Posts:
        """The reshares of users ``pu`` of narratives ``pk``, credited to their chain's origin."""
        if not len(pu):
            return Posts.empty()
        crowd = self.crowd
        origin = crowd.origin[pk, pu]
        return Posts.make(
            src=pu,
            narr=pk,
            lang=crowd.primary_lang[pu],
            count=1,
            quality=1.0,
            kind=SOURCE_KINDS.index("peer"),
            origin=np.where(origin >= 0, origin, pu),
            plats=crowd.eff_plats[pu],
        )

    def fade(self) -> None:
        """Attention fades, once a tick: a believer who stopped sharing forgets the claim
        (its half-life), inoculation wanes (both back to unaware), trust drifts back."""
        self.trust.recover(self.trust_back)
        forget = self.world.narr_forget
        if self.inoc_wane <= 0 and not forget.any():
            return
        st = self.crowd.state
        k, u = np.divmod(np.flatnonzero((st == STOPPED) | (st == INOCULATED)), self.crowd.n)
        if not len(u):
            return
        p = np.where(st[k, u] == STOPPED, forget[k], self.inoc_wane)
        hit = self.draws.uniform("fade", user_word(u, k)) < p
        self.set_state(k[hit], u[hit], UNAWARE)


AUTO_MIN_USER_TICKS = 10**6  # spread.engine=auto: users x ticks from which to compile


def make_kernel(
    engine: str,
    crowd: Crowd,
    world: World,
    spread: SpreadConfig,
    tally: Tally,
    draws: Draws,
    trust: Trust,
) -> Kernel:
    """The kernel of ``spread.engine``: numpy (this module, the reference) or compiled
    (``sim.kernel_jit``, numba: the same runs draw for draw; imported only when chosen).
    ``auto`` compiles runs of at least ``AUTO_MIN_USER_TICKS`` users x ticks: below that a
    whole run costs less than loading numba and its cached loops (about a second per
    process). Sequential draws always run the numpy form (the compiled loops key every draw)."""
    if engine == "auto":
        engine = "compiled" if crowd.n * world.ticks >= AUTO_MIN_USER_TICKS else "numpy"
    if engine == "compiled" and draws.per_user:
        try:
            from sim.kernel_jit import CompiledKernel
        except ImportError:
            if spread.engine == "auto":  # the same runs either way
                return Kernel(crowd, world, spread, tally, draws, trust)
            raise ConfigError(
                "spread.engine", "compiled needs numba (pip install numba), or choose numpy"
            ) from None

        return CompiledKernel(crowd, world, spread, tally, draws, trust)
    return Kernel(crowd, world, spread, tally, draws, trust)
