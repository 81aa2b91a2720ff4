"""The spread kernel's hot phases compiled (numba): the same runs as ``sim.kernel``, draw for draw.

``spread.engine = compiled`` (with per-user draws) runs the feed, belief-update, reshare and
fade phases here, and the metrics phase's counts of reads. The numpy form (``sim.feed``,
``sim.kernel``) is the reference: at 10^4 users it spends a tick in about a hundred small
array calls whose fixed cost is most of the tick; here each phase is one to three compiled
loops over the events or the sharers.

Same draws: every uniform is the SplitMix64 word of ``sim.draws`` (stream base + key x
gamma, mixed, top 52 bits), and reads are the inverse binomial CDF of the same uniform.
Same arithmetic: each float is computed with the numpy form's operations, dtypes and order
(float32 where numpy keeps float32; sums in the same order). numpy's own vectorized ``exp``
and ``power`` round differently from the C library numba calls, so the two transcendental
steps of the update (the bounded-confidence edge and ``1 - (1 - q) ** reads``) and trust's
loss factor stay numpy calls between the compiled loops: one call each per tick.
``tests/test_kernel_jit.py`` runs both engines and asserts identical outputs and arrays.

Every function compiles on first use and is cached on disk beside this module (numba's
``cache=True``), so later processes load it in well under a second.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.crowd import INOCULATED, REJECTED, SHARING, STOPPED, UNAWARE
from sim.draws import GAMMA
from sim.feed import Reads
from sim.kernel import ALIGN_WIDTH, Kernel
from sim.posts import Posts

_G = np.uint64(GAMMA)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S12, _S27, _S30, _S31 = np.uint64(12), np.uint64(27), np.uint64(30), np.uint64(31)
_S32, _S48, _S56 = np.uint64(32), np.uint64(48), np.uint64(56)
_LOW32 = np.uint64(0xFFFFFFFF)
_HALF_ULP = 2.0**-53
N_STATES = 5


# -- draws (sim.draws) -------------------------------------------------------------------
@njit(cache=True)
def _mix(x):
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    return x ^ (x >> _S31)


@njit(cache=True)
def _unit(base, word):
    """``sim.draws.uniforms`` for one key: (2 m + 1) / 2^53 with m the top 52 mixed bits."""
    m = _mix(word * _G + base) >> _S12
    return float(m * np.uint64(2) + np.uint64(1)) * _HALF_ULP


@njit(cache=True)
def binom_quantile(u, n, p):
    """Smallest k with P(Binomial(n, p) <= k) >= u: scipy's ``binom.ppf`` (ties of u with a
    CDF value aside, a measure-zero event). Sums the pmf upward, in logs while it would
    underflow, so many copies read with p near 1 still land on the right k."""
    if n <= 0:
        return 0
    if n == 1:
        return 1 if u > 1.0 - p else 0
    if p >= 1.0:
        return n
    q = 1.0 - p
    log_f = float(n) * np.log(q)  # pmf(0), in logs while it is below the normal floats
    in_logs = log_f < -700.0
    f = 0.0 if in_logs else q ** float(n)
    cdf, k = f, 0
    while cdf < u and k < n:
        ratio = (n - k) / (k + 1.0) * (p / q)
        if in_logs:
            log_f += np.log(ratio)
            in_logs = log_f < -700.0
            f = 0.0 if in_logs else np.exp(log_f)
        else:
            f *= ratio
        k += 1
        cdf += f
    return k


@njit(cache=True)
def binom_quantiles(u, n, p):
    out = np.empty(len(u), np.int32)
    for i in range(len(u)):
        out[i] = binom_quantile(u[i], n[i], p[i])
    return out


@njit(cache=True)
def _post_words(src, narr, lang, chan):
    """``sim.draws.post_words``: each post's hashed (channel, source, narrative, language)
    key plus its rank among the tick's earlier posts with the same four."""
    m = len(src)
    w = np.empty(m, np.uint64)
    for i in range(m):
        w[i] = (
            (np.uint64(np.int64(src[i])) & _LOW32)
            | (np.uint64(narr[i]) << _S32)
            | (np.uint64(lang[i]) << _S48)
            | (np.uint64(chan[i]) << _S56)
        )
    order = np.argsort(w, kind="mergesort")
    out = np.empty(m, np.uint64)
    rank = 0
    for j in range(m):
        i = order[j]
        rank = rank + 1 if j > 0 and w[i] == w[order[j - 1]] else 0
        out[i] = _mix(_mix(w[i]) + np.uint64(rank) * _G)
    return out


# -- feed (sim.feed.deliver) ---------------------------------------------------------------
@njit(cache=True)
def _expand(indptr, indices, src, plats, lang, offset, active, eff_plats, langs):
    """Followers of each post's source that can see it: (reader, post + offset)."""
    total = 0
    for i in range(len(src)):
        total += indptr[src[i] + 1] - indptr[src[i]]
    reader = np.empty(total, np.int32)
    post = np.empty(total, np.int32)
    m = 0
    for i in range(len(src)):
        pl, lg = plats[i], np.uint16(lang[i])
        for j in range(indptr[src[i]], indptr[src[i] + 1]):
            r = indices[j]
            if active[r] and (eff_plats[r] & pl) != 0 and (langs[r] >> lg) & 1:
                reader[m] = r
                post[m] = i + offset
                m += 1
    return reader[:m], post[:m]


@njit(cache=True)
def _reads(reader, post, post_word, count, attention, base, feed):
    """Copies of each post its reader reads: Binomial(count, min(1, attention / feed size))
    by the inverse CDF of the event's uniform; keeps events with at least one read.
    ``feed`` is an all-zero int32 n-vector (left all zero)."""
    m = len(reader)
    for i in range(m):
        feed[reader[i]] += count[post[i]]
    r_out = np.empty(m, np.int32)
    n_out = np.empty(m, np.int32)
    p_out = np.empty(m, np.int32)
    w_out = np.empty(m, np.uint64)
    kept = 0
    for i in range(m):
        r, c = reader[i], count[post[i]]
        p = min(1.0, attention / max(float(feed[r]), 1.0))
        word = post_word[post[i]] + np.uint64(r)
        k = binom_quantile(_unit(base, word), c, p) if c > 0 else 0
        if k > 0:
            r_out[kept], n_out[kept], p_out[kept], w_out[kept] = r, k, post[i], word
            kept += 1
    for i in range(m):
        feed[reader[i]] = 0
    return r_out[:kept], n_out[:kept], p_out[:kept], w_out[:kept]


# -- update (sim.kernel.Kernel.read) ---------------------------------------------------------
@njit(cache=True)
def _move(states, k, old, new, comm):
    states[k, old, comm] -= 1
    states[k, new, comm] += 1


@njit(cache=True)
def _read_start(reader, narr, kind, quality, state, exposed, community, opinion, w, beta, conf):
    """States before the tick, exposure, the belief probability before its bounded-
    confidence factor, and that factor's exponent (float32, as numpy computes it)."""
    (narr_sign, narr_side, narr_appeal, comm_suscept, trust, tally_exposed) = w
    m = len(reader)
    st = np.empty(m, np.uint8)
    z = np.empty(m, np.float32)
    q0 = np.empty(m, np.float64)
    half, c32, width = np.float32(0.5), np.float32(conf), np.float32(ALIGN_WIDTH)
    for i in range(m):
        r, k = reader[i], narr[i]
        c = community[r]
        st[i] = state[k, r]
        if not exposed[k, r]:
            exposed[k, r] = True
            tally_exposed[k, c] += 1
        t = trust[c, narr_side[k], kind[i]]
        q0[i] = beta * t * np.float64(quality[i]) * narr_appeal[k] * comm_suscept[c]
        z[i] = (abs(opinion[r] - narr_sign[k]) * half - c32) / width
    return st, z, q0


@njit(cache=True)
def _one_minus_q(q0, align, st, inoculation):
    out = np.empty(len(q0))
    for i in range(len(q0)):
        q = q0[i] * np.float64(align[i])
        if st[i] == INOCULATED:
            q = q * (1.0 - inoculation)
        out[i] = 1.0 - min(max(q, 0.0), 1.0)
    return out


@njit(cache=True)
def _pull(users, sign, step, opinion, community, op):
    """``Kernel.pull``: each user's opinion moves ``step`` toward ``sign`` per event, in
    event order, in float64; then clipped and stored as float32; the tally follows."""
    op_sum, op_sq, support, thr = op
    keep = np.flatnonzero(step > 0)
    if len(keep) == 0:
        return
    users, sign, step = users[keep], sign[keep], step[keep]
    order = np.argsort(users, kind="mergesort")
    n_c = len(op_sum)
    d_sum, d_sq, d_sup = np.zeros(n_c), np.zeros(n_c), np.zeros((2, n_c))
    i = 0
    while i < len(order):
        u = users[order[i]]
        old = opinion[u]
        new = np.float64(old)
        while i < len(order) and users[order[i]] == u:
            e = order[i]
            new = new + step[e] * (np.float64(sign[e]) - new)
            i += 1
        w = np.float32(min(max(new, -1.0), 1.0))
        opinion[u] = w
        o, x, c = np.float64(old), np.float64(w), community[u]
        d_sum[c] += x - o
        d_sq[c] += x * x - o * o
        d_sup[0, c] += np.float64(x > thr) - np.float64(o > thr)
        d_sup[1, c] += np.float64(-x > thr) - np.float64(-o > thr)
    for c in range(n_c):
        op_sum[c] += d_sum[c]
        op_sq[c] += d_sq[c]
        support[0, c] += np.int64(d_sup[0, c])
        support[1, c] += np.int64(d_sup[1, c])


@njit(cache=True)
def _resolve(user, narr, narr_side, narr_target, opinion, n_sides):
    """``sim.kernel.resolve`` over successful events (event order); returns the mask."""
    m = len(user)
    keep = np.zeros(m, np.bool_)
    order = np.argsort(user, kind="mergesort")
    score = np.empty(n_sides)
    i = 0
    while i < m:
        j = i
        while j < m and user[order[j]] == user[order[i]]:
            j += 1
        u = user[order[i]]
        score[:] = 0.0
        for g in range(i, j):
            score[narr_side[narr[order[g]]]] += 1.0
        best, top = 0, -np.inf
        for s in range(n_sides):
            sign = 1.0 if s == 0 else (-1.0 if s == 1 else 0.0)
            v = score[s] - (1e-3 * abs(sign - np.float64(opinion[u])) + 1e-6 * s)
            v = v if v >= 0.5 else -np.inf
            if v > top:
                best, top = s, v
        for g in range(i, j):
            e = order[g]
            keep[e] = narr_side[narr[e]] == best
        beaten = np.zeros(j - i, np.bool_)  # rule 2: a standing debunk beats its target
        for g in range(i, j):
            e = order[g]
            if keep[e] and narr_target[narr[e]] >= 0:
                for h in range(i, j):
                    if narr[order[h]] == narr_target[narr[e]]:
                        beaten[h - i] = True
        for g in range(i, j):
            if beaten[g - i]:
                keep[order[g]] = False
        i = j
    return keep


@njit(cache=True)
def _set_all(state, states, community, k, u, new):
    """``Kernel.set_state``: every pair's old state is read before any is written."""
    old = np.empty(len(k), np.uint8)
    for i in range(len(k)):
        old[i] = state[k[i], u[i]]
    for i in range(len(k)):
        state[k[i], u[i]] = new
        _move(states, k[i], old[i], new, community[u[i]])


@njit(cache=True)
def _read_rest(ev, p_adopt, p_stifle, bases, crowd, w, sp, op):
    """Draws, gaffes, stifling, contradictions, adoptions, corrections and persuasion, in
    ``Kernel.read``'s order. Returns conversions and the trust losses' (community, side)
    counts of gaffes and of corrections."""
    reader, narr, post_origin, word, st, backfire = ev
    state, origin, opinion, community = crowd
    narr_sign, narr_side, narr_target, narr_persuasion, states, n_sides = w
    gaffe_attitude, stifle, correction = sp
    b_adopt, b_stifle, b_correct = bases
    m, n_c = len(reader), len(op[0])
    conv = np.zeros(m, np.bool_)
    for i in range(m):
        ok = (st[i] == UNAWARE or st[i] == INOCULATED) and not backfire[i]
        conv[i] = ok and _unit(b_adopt, word[i]) < p_adopt[i]
    gaffe = np.zeros((n_c, n_sides), np.int64)
    g = np.flatnonzero(backfire)
    for e in g:
        gaffe[community[reader[e]], narr_side[narr[e]]] += 1
    _pull(reader[g], -narr_sign[narr[g]], np.full(len(g), gaffe_attitude), opinion, community, op)
    if stifle > 0:
        for i in range(m):
            if st[i] == SHARING and _unit(b_stifle, word[i]) < p_stifle[i]:
                k, r = narr[i], reader[i]
                if state[k, r] == SHARING:  # a pair once, as ``distinct`` does
                    state[k, r] = STOPPED
                    _move(states, k, SHARING, STOPPED, community[r])
    c = np.flatnonzero(conv)
    keep = c[_resolve(reader[c], narr[c], narr_side, narr_target, opinion, n_sides)]
    key = narr[keep].astype(np.int64) * len(opinion) + reader[keep]
    order = np.argsort(key, kind="mergesort")
    first = np.ones(len(order), np.bool_)
    for j in range(1, len(order)):
        first[j] = key[order[j]] != key[order[j - 1]]
    ev_new = keep[order[first]]  # first event of each (narrative, user), narrative-major
    ku, uu = narr[ev_new].astype(np.int64), reader[ev_new]
    _set_all(state, states, community, ku, uu, SHARING)
    for j in range(len(ku)):
        origin[ku[j], uu[j]] = post_origin[ev_new[j]]
    corrected = _correct(ku, uu, state, states, community, narr_target, b_correct, correction)
    fixes = np.zeros((n_c, n_sides), np.int64)
    for j in corrected:
        fixes[community[uu[j]], narr_side[narr_target[ku[j]]]] += 1
    step = narr_persuasion[ku].astype(np.float64)
    _pull(uu, narr_sign[ku], step, opinion, community, op)
    return conv, gaffe, fixes


@njit(cache=True)
def _correct(ku, uu, state, states, community, narr_target, base, correction):
    """``Kernel._correct`` for the adoptions of debunks (``ku``, ``uu``); returns their
    positions (each costs the refuted side trust)."""
    d = np.flatnonzero(narr_target[ku] >= 0)
    tk, tu = narr_target[ku[d]].astype(np.int64), uu[d]
    st = np.empty(len(d), np.uint8)
    fixed = np.zeros(len(d), np.bool_)
    for j in range(len(d)):
        st[j] = state[tk[j], tu[j]]
        word = np.uint64(tu[j]) | (np.uint64(ku[d[j]]) << _S32)
        u = _unit(base, word)
        fixed[j] = (st[j] == SHARING or st[j] == STOPPED) and u < correction
    _set_all(state, states, community, tk[fixed], tu[fixed], REJECTED)
    fresh = st == UNAWARE
    _set_all(state, states, community, tk[fresh], tu[fresh], INOCULATED)
    return d


# -- reshare and fade (sim.kernel.Kernel.reshare, .fade) ----------------------------------------
@njit(cache=True)
def _reshare(state, reshared, activity, community, states, rates, bases, n_sharers, fade):
    """The sharers reshare with ``activity x share_prob`` and stop with ``forget``; then,
    when ``fade``, each stopped or inoculated pair forgets or loses its inoculation
    (``Kernel.fade``, the model's next step: nothing changes a state between the two, and
    every draw is keyed by its pair, so doing both in one pass gives the same run). One
    scan over the states, eight at a time (most are unaware, stored as 0), allocates no
    K x n temporary. Returns the posting (narrative, user) pairs, narrative-major, users
    ascending; ``n_sharers`` (the tally's count) sizes them."""
    share_prob, forget, narr_forget, inoc_wane = rates
    b_post, b_stop, b_fade = bases
    n = state.shape[1]
    pk = np.empty(n_sharers, np.int64)
    pu = np.empty(n_sharers, np.int64)
    m, sp32, k, row = 0, np.float32(share_prob), 0, 0
    flat = state.reshape(-1)
    words = flat[: len(flat) // 8 * 8].view(np.uint64)
    for w in range(len(words) + 1):
        if w < len(words) and words[w] == 0:
            continue
        hi = min(8 * w + 8, len(flat)) if w < len(words) else len(flat)
        for f in range(8 * w, hi):
            if flat[f] == UNAWARE:
                continue
            while f >= row + n:  # positions ascend: narrative rows are walked, not divided
                k, row = k + 1, row + n
            u = f - row
            word = np.uint64(u) | (np.uint64(k) << _S32)
            if flat[f] == SHARING:
                if _unit(b_post, word) < activity[u] * sp32:
                    pk[m], pu[m] = k, u
                    reshared[k, u] = True
                    m += 1
                if _unit(b_stop, word) < forget:
                    flat[f] = STOPPED
                    _move(states, k, SHARING, STOPPED, community[u])
            s = flat[f]
            if fade and (s == STOPPED or s == INOCULATED):  # noqa: SIM109 (numba)
                p = narr_forget[k] if s == STOPPED else inoc_wane
                if _unit(b_fade, word) < p:
                    _move(states, k, s, UNAWARE, community[u])
                    flat[f] = UNAWARE
    return pk[:m], pu[:m]


@njit(cache=True)
def _count_reads(reader, post, reads, narr, src, community, narr_side, n_acc, by_nc, by_side, acc):
    """``Kernel.count_reads``: integer sums, so any order gives numpy's."""
    by_nc[:] = 0
    by_side[:] = 0
    for i in range(len(reader)):
        k, r = narr[post[i]], reads[i]
        by_nc[k, community[reader[i]]] += r
        by_side[narr_side[k]] += r
        if post[i] < n_acc:
            acc[src[post[i]]] += r


# -- the kernel --------------------------------------------------------------------------
class CompiledKernel(Kernel):
    """``Kernel`` whose feed, update, reshare, fade and read counts run the compiled loops
    above (per-user draws only; with ``output.cascades`` the update keeps the numpy form,
    which records parent links)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.draws.per_user:
            raise ValueError("the compiled engine needs spread.draws=per_user")
        self._feed = np.zeros(self.crowd.n, np.int32)  # posts in each feed, kept all zero
        self._faded = False  # ``reshare`` did this tick's fading of states

    def _base(self, stream: str) -> np.uint64:
        return np.uint64(self.draws.base(stream))

    def deliver(self, batches, active: np.ndarray, attention: int) -> Reads:
        crowd = self.crowd
        parts, readers, posts_at, offset = [], [], [], 0
        for b, (posts, indptr, indices) in enumerate(batches):
            if not len(posts):
                continue
            r, p = _expand(
                indptr, indices, posts.src, posts.plats, posts.lang, offset, active,
                crowd.eff_plats, crowd.langs,
            )  # fmt: skip
            readers.append(r)
            posts_at.append(p)
            parts.append((min(b, 2), posts.origin if b >= 2 else posts.src, posts))
            offset += len(posts)
        allposts = Posts.concat([p for _, _, p in parts])
        if not parts:
            z = np.zeros(0, dtype=np.int32)
            return Reads(z, z, z, allposts)
        chan = np.repeat(np.array([c for c, _, _ in parts], np.uint8), [len(p) for *_, p in parts])
        src = np.concatenate([s for _, s, _ in parts])
        pw = _post_words(src, allposts.narr, allposts.lang, chan)
        reader, reads, post, word = _reads(
            np.concatenate(readers), np.concatenate(posts_at), pw, allposts.count,
            attention, self._base("read"), self._feed,
        )  # fmt: skip
        return Reads(reader, reads, post, allposts, word)

    def read(self, rd: Reads) -> dict[str, np.ndarray]:
        if self.recorder is not None or rd.word is None:
            return super().read(rd)
        crowd, w, sp, p = self.crowd, self.world, self.spread, rd.posts
        narr = p.narr[rd.post].astype(np.int64)
        trust = self.trust.cur
        tables = (
            w.narr_sign,
            w.narr_side,
            w.narr_appeal,
            w.comm_suscept,
            trust,
            self.tally.exposed,
        )
        st, z, q0 = _read_start(
            rd.reader, narr, p.kind[rd.post], p.quality[rd.post], crowd.state, crowd.exposed,
            crowd.community, crowd.opinion, tables, float(sp.beta), float(sp.confidence),
        )  # fmt: skip
        align = 1.0 / (1.0 + np.exp(z))  # numpy's exp and power: see the module's docstring
        p_adopt = 1.0 - _one_minus_q(q0, align, st, float(sp.inoculation)) ** rd.reads
        p_stifle = 1.0 - (1.0 - sp.stifle) ** rd.reads
        tl = self.tally
        conv, gaffe, fixes = _read_rest(
            (rd.reader, narr, p.origin[rd.post], rd.word, st, p.backfire[rd.post]),
            p_adopt, p_stifle,
            (self._base("adopt"), self._base("stifle"), self._base("correct")),
            (crowd.state, crowd.origin, crowd.opinion, crowd.community),
            (w.narr_sign, w.narr_side, w.narr_target, w.narr_persuasion, tl.states, len(w.sides)),
            (float(sp.gaffe_attitude), float(sp.stifle), float(sp.correction)),
            (tl.op_sum, tl.op_sq, tl.support, float(tl.thr)),
        )  # fmt: skip
        self.trust.lose_counts(gaffe, sp.gaffe_trust)
        self.trust.lose_counts(fixes, sp.trust_loss)
        return {"success": conv}

    def count_reads(self, rd, n_acc_posts, by_narr_comm, by_side, acc_reach) -> None:
        p, w = rd.posts, self.world
        _count_reads(
            rd.reader, rd.post, rd.reads, p.narr, p.src, self.crowd.community, w.narr_side,
            n_acc_posts, by_narr_comm, by_side, acc_reach,
        )  # fmt: skip

    def reshare(self, share_prob: float, forget: float) -> Posts:
        crowd, forget_k = self.crowd, self.world.narr_forget
        self._faded = self.inoc_wane > 0 or bool(forget_k.any())
        pk, pu = _reshare(
            crowd.state, crowd.reshared, crowd.activity, crowd.community, self.tally.states,
            (float(share_prob), float(forget), forget_k, float(self.inoc_wane)),
            (self._base("reshare"), self._base("stop"), self._base("fade")),
            int(self.tally.states[:, SHARING].sum()), self._faded,
        )  # fmt: skip
        return self._reshare_posts(pk, pu)

    def fade(self) -> None:
        """Trust drifts back; the states were faded in ``reshare`` (called once a tick just
        before), else the numpy form fades them (same draws, same run)."""
        if not self._faded:
            return super().fade()
        self._faded = False
        self.trust.recover(self.trust_back)
