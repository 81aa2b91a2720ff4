"""How many scenarios a study needs, worked out from a pilot (the study just run).

Two questions, each answered with a statsmodels routine at the usual 5% level:

* precision: the smallest number of scenarios at which the Wilson 95% interval of the top
  policy's satisficing share is no wider than +- ``target_halfwidth``, if the share stays
  what the pilot measured (``proportion_confint`` over a range of sizes);
* separation: the number of scenarios at which a paired comparison of two policies (the
  per-scenario difference "holds / fails", as McNemar's test compares them) would find the
  pilot's difference with 80% power (``TTestPower`` on the paired differences, a normal
  approximation good for the large sizes it gives). No difference in the pilot: no size
  can be derived, and the report says so.

Both take the pilot's estimates as the truth, which a small pilot only roughly is: the sizes
are a planning figure, not a guarantee.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.robust.intervals import ALPHA, share_ci

POWER = 0.8
MAX_SCENARIOS = 1_000_000  # the search for a size stops here


def halfwidth(p: float, n: int | np.ndarray) -> np.ndarray:
    """Half-width of the Wilson 95% interval of a share ``p`` measured on ``n`` scenarios."""
    n = np.atleast_1d(np.asarray(n, int))
    lo, hi = share_ci(np.round(p * n).astype(int), n)
    return np.asarray((hi - lo) / 2)


def scenarios_for_halfwidth(p: float, target: float) -> int:
    """The smallest number of scenarios whose Wilson half-width at share ``p`` is <= target."""
    n = np.arange(1, MAX_SCENARIOS + 1)
    ok = np.flatnonzero(halfwidth(p, n) <= target)
    return int(n[ok[0]]) if len(ok) else MAX_SCENARIOS


def scenarios_to_separate(top: np.ndarray, other: np.ndarray) -> int | None:
    """Scenarios needed to tell the two policies' satisficing apart (80% power, 5% level),
    if the pilot's paired difference is the true one; None when the pilot saw none."""
    from statsmodels.stats.power import TTestPower

    d = np.asarray(top, float) - np.asarray(other, float)
    mean, sd = float(d.mean()), float(d.std(ddof=1)) if len(d) > 1 else 0.0
    if mean == 0:
        return None
    if sd == 0:  # every scenario differs the same way: a handful settles it
        return 2
    n = TTestPower().solve_power(
        effect_size=abs(mean) / sd, alpha=ALPHA, power=POWER, alternative="two-sided"
    )
    return int(math.ceil(float(np.asarray(n).item())))


@dataclass
class Sizing:
    """The pilot's numbers and the sizes they point to."""

    pilot: int  # scenarios in the pilot
    share: float  # the top policy's satisficing share
    halfwidth_now: float
    target: float  # the half-width aimed for
    for_halfwidth: int
    against: str | None  # the policy the separation is sized for ("nothing" if compared)
    to_separate: int | None

    @property
    def recommended(self) -> int:
        """Scenarios for both aims, never fewer than the pilot had."""
        return max(self.pilot, self.for_halfwidth, self.to_separate or 0)


def size(ok: dict[str, np.ndarray], order: list[str], target: float) -> Sizing:
    """The sizing of a study from its per-scenario holds (policy -> 0/1 per scenario),
    ``order`` the robust ranking (top first). Separation is sized against doing nothing when
    that was compared, else against the runner-up."""
    top = order[0]
    share = float(np.mean(ok[top]))
    n = len(ok[top])
    against: str | None = "nothing" if "nothing" in ok and top != "nothing" else None
    if against is None and len(order) > 1:
        against = order[1]
    return Sizing(
        pilot=n,
        share=share,
        halfwidth_now=float(halfwidth(share, n)[0]),
        target=target,
        for_halfwidth=scenarios_for_halfwidth(share, target),
        against=against,
        to_separate=scenarios_to_separate(ok[top], ok[against]) if against else None,
    )
