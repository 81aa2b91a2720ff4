"""The crowd: ordinary users as a struct of numpy arrays.

One entry per user in each array; per-narrative state is narrative-major (K, n) so a
kernel touching one narrative reads one contiguous row. Trust and susceptibility are
properties of the community and are looked up through ``community``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.world import World

# Per-narrative states (uint8).
UNAWARE, SHARING, STOPPED, REJECTED, INOCULATED = 0, 1, 2, 3, 4
STATE_NAMES = ("unaware", "sharing", "stopped", "rejected", "inoculated")
N_STATES = len(STATE_NAMES)


@dataclass
class Crowd:
    n: int
    community: np.ndarray  # int16 (n,)
    langs: np.ndarray  # uint16 bitmask of languages understood
    primary_lang: np.ndarray  # uint8: language a user reshares in
    plats: np.ndarray  # uint8 bitmask of platforms the user has an account on
    eff_plats: np.ndarray  # uint8: platforms reachable now (after shutdowns)
    opinion: np.ndarray  # float32 in [-1, 1]; +1 = fully with the first side
    activity: np.ndarray  # float32 P(reads the feed in a tick)
    state: np.ndarray  # uint8 (K, n)
    origin: np.ndarray  # int32 (K, n): account whose post converted the user (-1 none)
    exposed: np.ndarray  # bool (K, n): ever read a post of the narrative
    # bool (K, n): ever reshared the narrative, in public; what campaigns may observe
    reshared: np.ndarray = field(init=False)  # all False at first (__post_init__)

    def __post_init__(self) -> None:
        self.reshared = np.zeros(self.state.shape, dtype=bool)

    def believers(self, k: int) -> np.ndarray:
        s = self.state[k]
        return (s == SHARING) | (s == STOPPED)


def assign_communities(world: World, n: int, rng: np.random.Generator) -> np.ndarray:
    """Community of each user: exact counts from the shares (largest remainder), shuffled."""
    raw = world.comm_share * n
    counts = np.floor(raw).astype(np.int64)
    rest = n - counts.sum()
    if rest > 0:
        counts[np.argsort(-(raw - counts), kind="stable")[:rest]] += 1
    comm = np.repeat(np.arange(len(counts), dtype=np.int16), counts)
    rng.shuffle(comm)
    return comm


def _bitmask(prob: np.ndarray, community: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one Bernoulli per (user, item); users who drew none get their community's
    most likely item, so everyone speaks a language and uses a platform. The draws are
    item-major (one row of n per item, the order of one (items, n) draw), an item at a time
    so no (items, n) table is held."""
    n, m = len(community), prob.shape[1]
    mask = np.zeros(n, dtype=np.uint16)
    for i in range(m):  # loop over items (<= 16), not users
        p = prob[:, i].astype(np.float32)[community]
        mask |= (rng.random(n, dtype=np.float32) < p).astype(np.uint16) << np.uint16(i)
    empty = mask == 0
    best = np.argmax(prob, axis=1)
    mask[empty] = np.uint16(1) << best[community[empty]].astype(np.uint16)
    return mask


def _primary(langs: np.ndarray, lang_prob: np.ndarray, community: np.ndarray) -> np.ndarray:
    """The spoken language most common in the user's community (the first on a tie)."""
    best = np.full(len(langs), -1.0)
    out = np.zeros(len(langs), dtype=np.uint8)
    for i in range(lang_prob.shape[1]):  # loop over languages (<= 16), not users
        score = np.where((langs >> np.uint16(i)) & 1 == 1, lang_prob[community, i] + 1.0, 0.0)
        better = score > best
        out[better], best[better] = i, score[better]
    return out


def build_crowd(world: World, community: np.ndarray, rng: np.random.Generator) -> Crowd:
    """Sample every user's languages, platforms, opinion and activity from its community."""
    n, k = len(community), world.n_narratives
    langs = _bitmask(world.lang_prob, community, rng)
    plats = _bitmask(world.plat_prob, community, rng).astype(np.uint8)
    mean, sd = world.comm_opinion[community, 0], world.comm_opinion[community, 1]
    opinion = np.clip(mean + sd * rng.standard_normal(n), -1.0, 1.0).astype(np.float32)
    # Heterogeneous activity with the community's mean: gamma(2, mean/2), capped at 1.
    base = world.comm_activity[community].astype(np.float64)
    activity = np.minimum(rng.gamma(2.0, 0.5, n) * base, 1.0).astype(np.float32)
    return Crowd(
        n=n,
        community=community.astype(np.int16),
        langs=langs,
        primary_lang=_primary(langs, world.lang_prob, community),
        plats=plats,
        eff_plats=plats.copy(),
        opinion=opinion,
        activity=activity,
        state=np.zeros((k, n), dtype=np.uint8),
        origin=np.full((k, n), -1, dtype=np.int32),
        exposed=np.zeros((k, n), dtype=bool),
    )
