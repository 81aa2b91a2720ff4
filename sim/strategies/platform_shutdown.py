"""Platform shutdown: a side blocks platforms for its own domestic users for a time window.

From ``start_day`` to ``end_day`` the chosen platforms (empty: all) become unreachable for
the side's domestic users, except a share ``vpn_share`` who get around the block. Blocked
users neither read nor post there, so the block also silences the side's own voices at
home (``Crowd.eff_plats``). The enforcement costs ``hours_per_day``; when the budget runs
out the block is lifted early.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.config.rules import PROB, member
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import communities, members, per_tick, tick_of_day


@dataclass
class Config(StrategyConfig):
    budget: float = 300.0
    start_day: float = 0.0
    end_day: float = 14.0
    platforms: list[str] = field(default_factory=list)  # empty: every platform
    vpn_share: float = param(
        0.1,
        PROB,
        plausible=(0.05, 0.5),
        source="no source: VPN use under a block varies widely by country",
        doc="domestic users who get around the block",
    )
    hours_per_day: float = param(
        20.0,
        plausible=(5, 50),
        source="no source: enforcement staff per day",
        doc="enforcement (staff-hours per day of the block)",
    )

    def check_world(self, key: str, world: Any) -> None:
        for p in self.platforms:
            member(f"{key}.platforms", p, list(world.platforms), "platform")


class PlatformShutdown(Strategy):
    name = "platform_shutdown"
    Config = Config
    meta = StrategyMeta(
        summary="block platforms for the side's own domestic users for a time window "
        "(silences home voices at home too)",
        sides=("home", "rival"),
        changes="platforms the side's domestic users can reach (crowd.eff_plats)",
        cost_model="hours_per_day of enforcement for every day the block is on",
        effect=Effect("reads_own_domestic", -1),
    )

    def setup(self) -> None:
        m, w = self.model, self.model.world
        users = members(m, communities(m, self.side, "domestic"))
        self.users = users[self.rng.random(len(users)) >= self.cfg.vpn_share]
        names = self.cfg.platforms or w.platforms
        self.mask = np.uint8(sum(1 << w.platforms.index(p) for p in names))
        self.start = tick_of_day(m, self.cfg.start_day)
        self.end = tick_of_day(m, self.cfg.end_day)
        self.on = False
        self.days_on = 0.0

    def act(self) -> None:
        m = self.model
        want = self.start <= m.tick < self.end and self.left > 0
        if want != self.on:
            eff = m.crowd.eff_plats
            if want:
                eff[self.users] &= ~self.mask
            else:  # lifted: give back only what this block took
                eff[self.users] |= m.crowd.plats[self.users] & self.mask
            self.on = want
        if self.on:
            self.charge(per_tick(m, self.cfg.hours_per_day))
            self.days_on += per_tick(m, 1.0)

    def report(self) -> dict[str, Any]:
        return {"blocked_users": int(len(self.users)), "days_on": round(self.days_on, 3)}
