"""Deception: bots pose as trusted sources (impersonation, the culture of anonymity).

From ``start_day`` a share ``share`` of the side's live bot accounts are dressed up as a
trusted source kind (``mimic``, e.g. media): readers then weigh their posts with the
trust they give that kind (``Accounts.kind``). Keeping the disguise up costs upkeep;
when the budget runs out the disguises drop and the accounts look unknown again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import PROB
from sim.config.schema import SOURCE_KINDS
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import live_accounts, per_tick, side_actors, tick_of_day


@dataclass
class Config(StrategyConfig):
    budget: float = 250.0
    share: float = param(
        0.5,
        PROB,
        plausible=(0.1, 0.9),
        source="no source: any part of a bot network may be disguised",
        doc="share of the bot accounts disguised",
    )
    mimic: str = param(
        "media", choices=[k for k in SOURCE_KINDS if k != "unknown"], what="source kind"
    )  # source kind they pose as
    start_day: float = 0.0
    hours_per_account: float = param(
        2.0,
        plausible=(0.5, 10),
        source="no source: building one persona takes hours",
        doc="one-off: building a convincing persona",
    )
    upkeep_hours_per_day: float = param(
        0.2,
        plausible=(0.05, 1),
        source="no source: minutes a day per persona",
        doc="per disguised account",
    )


class Deception(Strategy):
    name = "deception"
    Config = Config
    meta = StrategyMeta(
        summary="bot accounts mimic a trusted source kind (media, state, diaspora...)",
        sides=("rival",),
        hostile=True,
        changes="source kind (hence trust) of the side's bot accounts (Accounts.kind)",
        cost_model="hours_per_account once per disguised account, plus upkeep_hours_per_day each",
        effect=Effect("own_false_auc", +1, params=dict(share=1.0)),
    )

    def setup(self) -> None:
        self.bots = side_actors(self.model, self.side, ("bots",))
        self.start = tick_of_day(self.model, self.cfg.start_day)
        self.disguised = np.zeros(0, dtype=np.int64)
        self.original = np.zeros(0, dtype=np.int8)
        self.done = False

    def act(self) -> None:
        m = self.model
        if self.done or m.tick < self.start:
            return
        if not len(self.disguised):
            self._disguise()
            if not len(self.disguised):
                self.done = True
                return
        live = self.disguised[m.accounts.active[self.disguised]]
        if self.charge(per_tick(m, self.cfg.upkeep_hours_per_day * len(live))) < 1.0:
            m.accounts.kind[self.disguised] = self.original  # disguises drop
            self.done = True

    def _disguise(self) -> None:
        m = self.model
        accs = np.concatenate([live_accounts(m, a) for a in self.bots] or [np.zeros(0, np.int64)])
        chosen = accs[self.rng.random(len(accs)) < self.cfg.share]
        chosen = chosen[: self.afford(len(chosen), self.cfg.hours_per_account)]
        self.disguised, self.original = chosen, m.accounts.kind[chosen].copy()
        m.accounts.kind[chosen] = SOURCE_KINDS.index(self.cfg.mimic)

    def report(self) -> dict[str, Any]:
        return {"accounts_disguised": int(len(self.disguised)), "mimic": self.cfg.mimic}
