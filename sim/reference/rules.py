"""The spread rules for one reader and one post, written as scalar Python.

These are the equations of docs/model.md ("Submodels"), restated one event at a time so
that a reader can check them line by line against the documentation. The vectorized
kernel (``sim.kernel``) must agree with them in distribution.
"""

from __future__ import annotations

import math

import numpy as np

from sim.crowd import INOCULATED, REJECTED, SHARING, STOPPED, UNAWARE
from sim.kernel import ALIGN_WIDTH
from sim.world import World, side_sign


def alignment(opinion: float, sign: float, confidence: float) -> float:
    """Bounded confidence: ~1 while the narrative's side lies within ``confidence`` of
    the reader (distance measured on [0, 1]), falling off smoothly beyond that."""
    distance = abs(opinion - sign) / 2.0
    z = (distance - confidence) / ALIGN_WIDTH
    return 0.0 if z > 700 else 1.0 / (1.0 + math.exp(z))


def belief_per_read(
    world: World,
    trust: np.ndarray,
    beta: float,
    confidence: float,
    inoculation: float,
    community: int,
    opinion: float,
    state: int,
    narr: int,
    kind: int,
    quality: float,
) -> float:
    """Chance that a single read of a post converts its reader; ``trust`` is the current
    (community, side, source kind) table."""
    q = (
        beta
        * float(trust[community, int(world.narr_side[narr]), kind])
        * quality
        * float(world.narr_appeal[narr])
        * float(world.comm_suscept[community])
    )
    q *= alignment(opinion, float(world.narr_sign[narr]), confidence)
    if state == INOCULATED:
        q *= 1.0 - inoculation
    return min(max(q, 0.0), 1.0)


def any_hit(rng: np.random.Generator, p: float, tries: int) -> bool:
    """True when at least one of ``tries`` independent chances ``p`` comes up."""
    hit = False
    for _ in range(tries):
        hit |= rng.random() < p  # always draw every try: the count of draws stays fixed
    return hit


def pulled(opinion: float, sign: float, step: float) -> float:
    """Opinion after one pull a fraction ``step`` of the way toward ``sign``."""
    return min(1.0, max(-1.0, opinion + step * (sign - opinion)))


def winning_side(world: World, narratives: list[int], opinion: float) -> int:
    """Rule 1: several sides convinced a user in one tick. The side with more successful
    reads wins; a tie goes to the side nearest the user's opinion, then the lower index."""
    counts: dict[int, int] = {}
    for k in narratives:
        s = int(world.narr_side[k])
        counts[s] = counts.get(s, 0) + 1
    return max(counts, key=lambda s: (counts[s], -abs(side_sign(s) - opinion), -s))


def adopted(world: World, wins: list[tuple[int, int]], opinion: float) -> dict[int, int]:
    """Narratives a user adopts this tick from its successful (narrative, origin) reads in
    event order, each with the origin of its first success. Rule 2: a debunk adopted in the
    same tick as its target wins over it."""
    side = winning_side(world, [k for k, _ in wins], opinion)
    kept = [(k, o) for k, o in wins if int(world.narr_side[k]) == side]
    refuted = {int(world.narr_target[k]) for k, _ in kept if world.narr_target[k] >= 0}
    first: dict[int, int] = {}
    for k, o in kept:
        if k not in refuted and k not in first:
            first[k] = o
    return first


def after_debunk(state: int, convinced: bool) -> int:
    """A debunk's effect on its target narrative: believers reject it if the correction
    ``convinced`` them (else they keep believing), the unaware are inoculated
    (prebunking); rejecters and the inoculated stay as they are."""
    if state in (SHARING, STOPPED):
        return REJECTED if convinced else state
    if state == UNAWARE:
        return INOCULATED
    return state
