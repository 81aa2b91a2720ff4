"""Validation modes of the kernel: classic processes with known results on simple graphs.

``run_mode(mode, followers, spread, rng)`` runs one of them on the ``followers`` CSR
(row s = users who follow s, so whatever s spreads reaches row s) until it is over
or ``MAX_TICKS`` have passed, vectorized over users and edges:

- ``sir``: discrete-time SIR. In a tick every infected user infects each susceptible
  follower with probability ``spread.beta`` (independently), then each user infected
  before this tick recovers with probability ``spread.gamma``; the newly infected become
  infectious next tick. A user is thus infectious for D ~ Geometric(gamma) >= 1 ticks, and
  the per-edge transmissibility is ``T = 1 - E[(1 - beta)^D] = beta / (beta + gamma -
  beta * gamma)``. Ends when nobody infected has a susceptible follower left.
- ``rumor``: Maki-Thompson. In a tick every spreader, with probability ``spread.beta``,
  calls one follower chosen uniformly. An ignorant callee becomes a spreader (from the
  next tick); a callee who already knows the rumour turns the caller into a stifler.
  Calls in one tick are resolved as if made one after another in random order: when
  several spreaders call the same ignorant, the first converts it and the others find
  a spreader and stop. Spreaders with no follower stop at once. Ends with no spreader.
- ``deffuant``: bounded confidence on opinions x in [0, 1] drawn uniformly. In a tick
  ``n // 2`` follow ties are drawn uniformly; a tie whose user already takes part in an
  earlier tie of the tick is skipped (so updates never conflict), and each remaining
  pair with ``|x_i - x_j| < spread.epsilon`` moves both by ``spread.mu`` toward the
  other. Ends when no tie joins two users closer than epsilon but further apart than
  ``CONVERGED``. Clusters: opinions sorted, split where the gap exceeds epsilon / 2;
  ``n_clusters`` counts those holding more than ``MAJOR_CLUSTER`` of the users.

Every mode is seeded with ``spread.initial`` (rounded, at least one user) of the users,
drawn uniformly (sir: infected; rumor: spreaders; unused by deffuant).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import brentq
from tqdm import tqdm

from sim.config.schema import SpreadConfig

MAX_TICKS = 100_000
CONVERGED = 1e-4  # deffuant: ties closer than this count as agreeing
CHECK_EVERY = 10  # deffuant: ticks between convergence checks
MAJOR_CLUSTER = 0.01  # deffuant: a cluster counts when it holds more than this share


@dataclass
class ModeResult:
    summary: dict[str, Any]
    timeseries: pd.DataFrame  # one row per tick: tick and the share of users in each state


def transmissibility(beta: float, gamma: float) -> float:
    """Per-edge probability that discrete-time SIR ever transmits along a follow."""
    return 1.0 if beta + gamma == 0 else beta / (beta + gamma - beta * gamma)


def sir_final_size(k: float, t: float, r0: float) -> float:
    """Final size r of SIR on a locally tree-like random graph of mean degree ``k`` (Poisson
    degrees) with transmissibility ``t`` and seeded share ``r0``: r = 1 - (1 - r0) e^(-k t r)."""
    if r0 >= 1:
        return 1.0
    return float(brentq(lambda r: r - 1 + (1 - r0) * np.exp(-k * t * r), 1e-12, 1.0))


def run_mode(
    mode: str,
    followers: sp.csr_array,
    spread: SpreadConfig,
    rng: np.random.Generator,
    progress: bool = False,
) -> ModeResult:
    """Run validation mode ``mode`` (sir, rumor, deffuant) on ``followers``."""
    fn = MODES.get(mode)
    if fn is None:
        raise ValueError(f"unknown validation mode {mode!r}; allowed: {', '.join(MODES)}")
    g = sp.csr_array(followers)
    with tqdm(desc=mode, unit="tick", disable=not progress, leave=False) as bar:
        summary, rows = fn(g, spread, rng, bar.update)
    ts = pd.DataFrame(rows)
    return ModeResult({"mode": mode, "ticks": int(len(ts) - 1), **summary}, ts)


def _seed(n: int, fraction: float, rng: np.random.Generator) -> np.ndarray:
    k = min(max(int(round(fraction * n)), 1), n)
    return rng.choice(n, k, replace=False)


def _row_of(g: sp.csr_array) -> np.ndarray:
    return np.repeat(np.arange(g.shape[0], dtype=np.int32), np.diff(g.indptr))


def sir(
    g: sp.csr_array, spread: SpreadConfig, rng: np.random.Generator, tick: Callable[[int], Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    n = g.shape[0]
    reads = g.T.tocsr().astype(np.float32)  # row u: accounts u follows
    state = np.zeros(n, dtype=np.int8)  # 0 susceptible, 1 infected, 2 recovered
    state[_seed(n, spread.initial, rng)] = 1
    log = np.log1p(-spread.beta) if spread.beta < 1 else -np.inf
    rows = [_sir_row(0, state, n)]
    for t in range(1, MAX_TICKS + 1):
        inf = (state == 1).astype(np.float32)
        hits = reads @ inf  # infected accounts each user follows
        sus = np.flatnonzero((state == 0) & (hits > 0))
        if sus.size == 0 or spread.beta == 0:
            break  # nobody can be infected any more: the size is final
        h = hits[sus]
        p = -np.expm1(h * log) if np.isfinite(log) else np.ones(h.size)
        new = sus[rng.random(sus.size) < p]
        old = np.flatnonzero(inf)
        state[old[rng.random(old.size) < spread.gamma]] = 2
        state[new] = 1
        rows.append(_sir_row(t, state, n))
        tick(1)
    last = rows[-1]
    peak = max(rows, key=lambda r: r["infected"])
    return (
        {
            "final_size": round(last["infected"] + last["recovered"], 6),
            "peak_infected": round(peak["infected"], 6),
            "peak_tick": peak["tick"],
            "transmissibility": round(transmissibility(spread.beta, spread.gamma), 6),
            "final_size_theory": round(_sir_theory(g, spread), 6),
        },
        rows,
    )


def _sir_theory(g: sp.csr_array, spread: SpreadConfig) -> float:
    n = g.shape[0]
    seeded = min(max(int(round(spread.initial * n)), 1), n) / n
    return sir_final_size(g.nnz / n, transmissibility(spread.beta, spread.gamma), seeded)


def _sir_row(t: int, state: np.ndarray, n: int) -> dict[str, Any]:
    c = np.bincount(state, minlength=3) / n
    return {"tick": t, "susceptible": c[0], "infected": c[1], "recovered": c[2]}


def rumor(
    g: sp.csr_array, spread: SpreadConfig, rng: np.random.Generator, tick: Callable[[int], Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    n = g.shape[0]
    deg = np.diff(g.indptr)
    state = np.zeros(n, dtype=np.int8)  # 0 ignorant, 1 spreader, 2 stifler
    state[_seed(n, spread.initial, rng)] = 1
    state[(state == 1) & (deg == 0)] = 2
    rows = [_rumor_row(0, state, n)]
    for t in range(1, MAX_TICKS + 1):
        spreaders = np.flatnonzero(state == 1)
        if spreaders.size == 0 or spread.beta == 0:
            break
        callers = spreaders[rng.random(spreaders.size) < spread.beta]
        callers = callers[rng.permutation(callers.size)]  # the order calls are made in
        pick = (rng.random(callers.size) * deg[callers]).astype(np.int64)
        callee = g.indices[g.indptr[callers] + np.minimum(pick, deg[callers] - 1)]
        fresh = state[callee] == 0
        first = np.zeros(callers.size, dtype=bool)
        _, at = np.unique(callee[fresh], return_index=True)
        first[np.flatnonzero(fresh)[at]] = True  # the earliest call to each ignorant
        state[callers[~first]] = 2
        state[callee[first]] = 1
        state[(state == 1) & (deg == 0)] = 2
        rows.append(_rumor_row(t, state, n))
        tick(1)
    last = rows[-1]
    return (
        {"final_size": round(1.0 - last["ignorant"], 6), "never_heard": round(last["ignorant"], 6)},
        rows,
    )


def _rumor_row(t: int, state: np.ndarray, n: int) -> dict[str, Any]:
    c = np.bincount(state, minlength=3) / n
    return {"tick": t, "ignorant": c[0], "spreader": c[1], "stifler": c[2]}


def deffuant(
    g: sp.csr_array, spread: SpreadConfig, rng: np.random.Generator, tick: Callable[[int], Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    n, eps, mu = g.shape[0], spread.epsilon, spread.mu
    src, dst = _row_of(g), g.indices
    x = rng.random(n)
    rows = [_deffuant_row(0, x, 0.0)]
    draws, quiet, wait = max(n // 2, 1), 0, CHECK_EVERY
    for t in range(1, MAX_TICKS + 1):
        if g.nnz == 0 or (quiet >= wait and _converged(x, src, dst, eps)):
            break
        if quiet >= wait:  # not yet: check less and less often (the cost is O(ties))
            quiet, wait = 0, min(2 * wait, 100 * CHECK_EVERY)
        moved, gap = _deffuant_tick(x, src, dst, draws, eps, mu, rng)
        quiet = 0 if gap > CONVERGED else quiet + 1
        rows.append(_deffuant_row(t, x, moved / n))
        tick(1)
    sizes = cluster_sizes(x, eps)
    major = sizes[sizes > MAJOR_CLUSTER * n]
    return (
        {
            "n_clusters": int(major.size),
            "cluster_shares": [round(float(s) / n, 6) for s in np.sort(major)[::-1]],
            "converged": bool(_converged(x, src, dst, eps)),
        },
        rows,
    )


def _deffuant_tick(
    x: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    draws: int,
    eps: float,
    mu: float,
    rng: np.random.Generator,
) -> tuple[int, float]:
    """One tick of pairwise updates on a conflict-free set of random ties; returns the
    number of users updated and the largest gap between a pair (0 when none met)."""
    e = rng.integers(0, src.size, draws)
    a, b = src[e], dst[e]
    slot = np.arange(draws)
    claim = np.full(x.size, draws, dtype=np.int64)
    np.minimum.at(claim, a, slot)
    np.minimum.at(claim, b, slot)
    ok = (claim[a] == slot) & (claim[b] == slot)  # each user's first tie of the tick
    a, b = a[ok], b[ok]
    d = x[b] - x[a]
    near = np.abs(d) < eps
    a, b, d = a[near], b[near], d[near]
    x[a] += mu * d
    x[b] -= mu * d
    return 2 * d.size, float(np.abs(d).max()) if d.size else 0.0


def _converged(x: np.ndarray, src: np.ndarray, dst: np.ndarray, eps: float) -> bool:
    d = np.abs(x[src] - x[dst])
    return not ((d < eps) & (d > CONVERGED)).any()


def cluster_sizes(x: np.ndarray, eps: float) -> np.ndarray:
    """Users per opinion cluster: sorted opinions split where a gap exceeds eps / 2."""
    if x.size == 0:
        return np.zeros(0, dtype=np.int64)
    xs = np.sort(x)
    cuts = np.flatnonzero(np.diff(xs) > eps / 2) + 1
    return np.diff(np.concatenate(([0], cuts, [xs.size])))


def _deffuant_row(t: int, x: np.ndarray, moved: float) -> dict[str, Any]:
    return {
        "tick": t,
        "opinion_mean": float(x.mean()),
        "opinion_sd": float(x.std()),
        "moved": moved,
    }


MODES: dict[str, Callable[..., tuple[dict[str, Any], list[dict[str, Any]]]]] = {
    "sir": sir,
    "rumor": rumor,
    "deffuant": deffuant,
}
