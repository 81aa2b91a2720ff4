"""Staff-hours per side and day: the budget that binds every strategy of a side.

``world.staff_hours_per_day`` gives each side its people's working hours a day (a side
not named there is unlimited), spread evenly over the day's ticks: each tick the side has
per_day x tick_hours / 24 hours, and time not used in a tick is lost (staff time does not
keep). One-off set-up work before the first tick may use one day's hours. Strategies draw
on a tick's hours as they act, in the stated order (every strategy's ``act`` in
strategy-name order, then every ``revise``), so one strategy cannot starve the others
for a whole day; a strategy's own ``budget`` caps its total on top. Work that does not
fit is not done; each strategy reports its hours not done (``short``).
"""

from __future__ import annotations

import math

import numpy as np


class StaffPool:
    def __init__(self, sides: list[str], per_day: dict[str, float], tick_hours: float) -> None:
        self.per_day = np.array([per_day.get(s, math.inf) for s in sides], dtype=np.float64)
        self.per_tick = self.per_day * tick_hours / 24.0
        self.now = self.per_day.copy()  # set-up work before the first tick: one day's hours

    def refill(self) -> None:
        """A new tick: every side has this tick's share of its daily hours again."""
        self.now = self.per_tick.copy()

    def left(self, side: int) -> float:
        return float(max(self.now[side], 0.0))

    def spend(self, side: int, hours: float) -> None:
        self.now[side] -= hours
