"""Staff-hours per side and day: the budget that binds every strategy of a side.

``world.staff_hours_per_day`` gives each side its people's working hours a day (a side
not named there is unlimited). The pool refills at the start of every day; strategies
draw on it as they act, in the stated order (each tick: every strategy's ``act`` in
strategy-name order, then every ``revise``), and a strategy's own ``budget`` caps its
total on top. Work that does not fit is not done; each strategy reports its hours not
done (``short``) and the summary adds them up per side.
"""

from __future__ import annotations

import math

import numpy as np


class StaffPool:
    def __init__(self, sides: list[str], per_day: dict[str, float], tick_hours: float) -> None:
        self.per_day = np.array([per_day.get(s, math.inf) for s in sides], dtype=np.float64)
        self.today = self.per_day.copy()  # one-off set-up work draws on day 0
        self.ticks_per_day = max(int(round(24.0 / tick_hours)), 1)

    def refill(self, tick: int) -> None:
        """At the first tick of each day, every side has its full day's hours again."""
        if tick > 0 and tick % self.ticks_per_day == 0:
            self.today = self.per_day.copy()

    def left(self, side: int) -> float:
        return float(max(self.today[side], 0.0))

    def spend(self, side: int, hours: float) -> None:
        self.today[side] -= hours
