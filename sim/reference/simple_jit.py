"""The benchmark's reference rules as one compiled kernel (numba): same rules, same draws.

``SimpleRules`` (numpy, ``simple_rules``) spends a tick in ~25 array calls; at 10^5 users
the fixed cost of those calls and the temporaries they allocate are most of the tick. Here a
tick is one compiled call that walks the follows once (push from the sharers, or pull over
the still-unaware users, whichever touches fewer), so it costs in proportion to the follows
it reads. It consumes the random stream exactly as ``SimpleRules`` does (one draw of
``len(exposed) + len(sharers)`` float32 numbers per tick, exposed users in ascending order,
then the sharers in the same order), so both give bit-identical runs from the same
Generator: ``tests/test_reference_simple.py`` checks it.

The kernel compiles on first use (about 2 s) and is cached on disk beside this module.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

try:
    from numba import njit
except ImportError:  # an optional extra: only the benchmark's compiled reference needs it
    raise ImportError(
        "sim.reference.simple_jit needs numba: pip install 'infowar-sim[fast]' "
        "(or uv sync --extra fast)"
    ) from None

from sim.reference.simple_rules import (
    SHARE_A,
    UNAWARE,
    RefParams,
    adopt_table,
    count_packing,
    run_simple,
)

PUSH_COST = 2  # a pushed follow (scattered add, later sorted) costs about 2 pulled ones
# tally slots
BELIEVE_A, BELIEVE_B, E_SHARE, E_UNAWARE = 0, 1, 2, 3


@njit(cache=True, nogil=True)
def _push(indptr, indices, state, code, sharers, ns, buf, exposed, counts):
    """Add each sharer's code onto its unaware followers; exposed users ascending."""
    n_exp = 0
    for i in range(ns):
        s = sharers[i]
        c = code[s]
        for j in range(indptr[s], indptr[s + 1]):  # branch-free: the tests are coin flips
            f = indices[j]
            fresh = state[f] == UNAWARE
            exposed[n_exp] = f
            n_exp += fresh & (buf[f] == 0)
            buf[f] += c * fresh
    if n_exp * 32 < len(buf):  # few users: sort them; many: one ordered scan is cheaper
        exposed[:n_exp].sort()
    else:
        n_exp = 0
        for v in range(len(buf)):
            exposed[n_exp] = v
            n_exp += buf[v] != 0
    for i in range(n_exp):
        v = exposed[i]
        counts[i] = buf[v]
        buf[v] = 0
    return n_exp


@njit(cache=True, nogil=True)
def _pull(indptr, indices, state, code, unaware, nu, exposed, counts):
    """Sum the codes over each unaware user's follows; drops converted users from the list."""
    n_exp = 0
    kept = 0
    for i in range(nu):
        v = unaware[i]
        if state[v] != UNAWARE:
            continue
        unaware[kept] = v
        kept += 1
        total = 0
        for j in range(indptr[v], indptr[v + 1]):
            total += code[indices[j]]
        exposed[n_exp] = v
        counts[n_exp] = total
        n_exp += total != 0
    return n_exp, kept


@njit(cache=True, nogil=True)
def _tick(
    indptr,
    indices,
    deg,
    state,
    code,
    buf,
    exposed,
    counts,
    sharers,
    ns,
    unaware,
    nu,
    lut,
    off,
    stop,
    unit,
    shift,
    tally,
    rng,
):
    """One synchronous tick (expose, adopt, stop); returns the new (ns, nu)."""
    if PUSH_COST * tally[E_SHARE] <= tally[E_UNAWARE]:
        n_exp = _push(indptr, indices, state, code, sharers, ns, buf, exposed, counts)
    else:
        n_exp, nu = _pull(indptr, indices, state, code, unaware, nu, exposed, counts)
    r = rng.random(n_exp + ns, np.float32)
    kept = 0
    for i in range(ns):  # stopping, in the sharers' order (as SimpleRules draws it)
        s = sharers[i]
        if r[n_exp + i] < stop:
            state[s] += 2  # SHARE_A/B -> STOP_A/B
            code[s] = 0
            tally[E_SHARE] -= deg[s]
        else:
            sharers[kept] = s
            kept += 1
    for i in range(n_exp):  # adoption: the narrative with more exposures, ties to A
        a, b = counts[i] & (unit[1] - 1), counts[i] >> shift
        k = 1 if b > a else 0
        if r[i] < lut[b + off if k else a]:
            v = exposed[i]
            state[v] = SHARE_A + k
            code[v] = unit[k]
            tally[k] += 1
            tally[E_UNAWARE] -= deg[v]
            tally[E_SHARE] += deg[v]
            sharers[kept] = v
            kept += 1
    return kept, nu


class CompiledRules:
    """Drop-in twin of ``SimpleRules`` (same constructor, ``step``, ``active``,
    ``final_sizes``, ``state``, ``ticks``) whose tick is one call of ``_tick``."""

    def __init__(
        self,
        followers: sp.csr_array,
        params: RefParams,
        seeds: tuple[np.ndarray, np.ndarray],
        rng: np.random.Generator,
    ) -> None:
        n = followers.shape[0]
        self.p, self.rng, self.n = params, rng, n
        self.indptr = followers.indptr.astype(np.int64)
        self.indices = followers.indices.astype(np.int32)
        self.deg = np.diff(self.indptr)
        max_deg = int(self.deg.max()) if n else 0
        self.lut, self.off = adopt_table(params, max_deg), np.int64(max_deg + 1)
        dt, shift, self.unit = count_packing(max_deg)  # int32 codes: half the cache footprint
        self.shift = dt(shift)
        self.state = np.zeros(n, dtype=np.uint8)
        self.code = np.zeros(n, dtype=dt)
        self.buf = np.zeros(n, dtype=dt)  # push target, all zero between ticks
        self.exposed = np.zeros(n, dtype=np.int32)
        self.counts = np.zeros(n, dtype=dt)
        self.sharers = np.zeros(n, dtype=np.int32)  # first ns entries: current sharers
        self.unaware = np.arange(n, dtype=np.int32)  # a superset of the unaware, ascending
        self.tally = np.array([0, 0, 0, int(self.deg.sum())], dtype=np.int64)
        self.ns, self.nu, self.ticks = 0, n, 0
        seed = np.concatenate([seeds[0], seeds[1]]).astype(np.int32)
        k = np.repeat(np.array([0, 1], np.uint8), [len(seeds[0]), len(seeds[1])])
        self.state[seed] = SHARE_A + k
        self.code[seed] = self.unit[k]
        d = int(self.deg[seed].sum())
        self.tally += (len(seeds[0]), len(seeds[1]), d, -d)
        self.sharers[: len(seed)] = seed
        self.ns = len(seed)

    def step(self) -> None:
        """One tick; ``stop`` is compared in float32, as ``SimpleRules`` compares it."""
        self.ns, self.nu = _tick(
            self.indptr,
            self.indices,
            self.deg,
            self.state,
            self.code,
            self.buf,
            self.exposed,
            self.counts,
            self.sharers,
            self.ns,
            self.unaware,
            self.nu,
            self.lut,
            self.off,
            np.float32(self.p.stop),
            self.unit,
            self.shift,
            self.tally,
            self.rng,
        )
        self.ticks += 1

    def active(self) -> bool:
        return self.ns > 0

    def final_sizes(self) -> tuple[float, float]:
        """Fractions of users who ever believed A and B."""
        return float(self.tally[BELIEVE_A] / self.n), float(self.tally[BELIEVE_B] / self.n)


def run_compiled(
    followers: sp.csr_array,
    params: RefParams,
    seeds,
    rng: np.random.Generator,
    max_ticks: int = 10_000,
) -> CompiledRules:
    """Run to extinction (no sharers left) or ``max_ticks``."""
    rules = run_simple(followers, params, seeds, rng, max_ticks, kernel=CompiledRules)
    assert isinstance(rules, CompiledRules)
    return rules
