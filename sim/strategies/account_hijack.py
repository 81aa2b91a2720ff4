"""Account hijack: a cyber-attack takes over official accounts of the other side for a while.

At ``start_day`` the attacker takes ``accounts`` live accounts of the target side's actors
of the kinds in ``targets`` (chosen at random). Until ``end_day`` their owners are locked
out (the accounts post nothing of their own) and the attacker posts its own side's
stories through them, in the accounts' languages, under the accounts' trusted source kind,
to their followers. At ``end_day`` the owners regain control.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import PROB, member, rng
from sim.config.schema import ACTOR_KINDS
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import (
    account_posts,
    claims,
    live_accounts,
    other_side,
    per_tick,
    side_actors,
    tick_of_day,
)


@dataclass
class Config(StrategyConfig):
    budget: float = 200.0
    start_day: float = 1.0
    end_day: float = 2.0
    accounts: int = param(
        1,
        rng(0, 10**6),
        plausible=(1, 5),
        source="no source: hijacks of official accounts come one or a few at a time",
        doc="accounts taken over",
    )
    targets: list[str] = param(
        ["embassy", "ministry"], choices=[k for k in ACTOR_KINDS if k != "bots"], what="actor kind"
    )  # actor kinds
    target_side: str = ""  # empty: the first other side
    posts_per_day: float = param(
        24.0,
        rng(0, 10000),
        plausible=(5, 50),
        source="no source: an intruder posts while the owner is locked out",
        doc="per hijacked account",
    )
    quality: float = param(
        0.6, PROB, plausible=(0.3, 0.8), source="no source: below an official post's, above a bot's"
    )
    hours_per_account: float = param(
        40.0,
        plausible=(8, 200),
        source="no source: days to a few weeks of intrusion work",
        doc="the intrusion, once per account",
    )
    hours_per_post: float = param(0.1, plausible=(0.05, 0.5), source="no source: minutes per post")

    def check_world(self, key: str, world: Any) -> None:
        if self.target_side:
            member(f"{key}.target_side", self.target_side, list(world.sides), "side")


class AccountHijack(Strategy):
    name = "account_hijack"
    Config = Config
    meta = StrategyMeta(
        summary="take over official accounts of the other side for a time window and post "
        "one's own stories through them",
        sides=("rival",),
        hostile=True,
        changes="target accounts' owners locked out (Accounts.active); extra posts of the "
        "attacker's stories from those accounts",
        cost_model="hours_per_account once per account taken, plus hours_per_post per post",
        effect=Effect(
            "own_reads_among_other_sides",
            +1,
            params=dict(
                start_day=0.5,
                end_day=2.5,
                accounts=3,
                posts_per_day=48,
                targets=["head_of_state", "ministry"],
            ),
        ),
    )

    def setup(self) -> None:
        m = self.model
        ts = self.cfg.target_side
        self.target = m.world.side_index(ts) if ts else other_side(m, self.side)
        self.victims = side_actors(m, self.target, tuple(self.cfg.targets))
        self.start = tick_of_day(m, self.cfg.start_day)
        self.end = tick_of_day(m, self.cfg.end_day)
        self.taken = np.zeros(0, dtype=np.int64)
        self.posted = 0
        self.state = "waiting"

    def act(self) -> None:
        m = self.model
        if self.state == "over":
            return
        if self.state == "waiting" and m.tick >= self.start:
            self._take()
        if self.state == "holding":
            if m.tick >= self.end:
                m.accounts.active[self.taken] = True  # owners back in control
                self.state = "over"
            else:
                self._post()

    def _take(self) -> None:
        m = self.model
        accs = np.concatenate(
            [live_accounts(m, a) for a in self.victims] or [np.zeros(0, np.int64)]
        )
        k = min(self.cfg.accounts, len(accs))
        chosen = np.sort(self.rng.choice(accs, k, replace=False)) if k else accs[:0]
        self.taken = chosen[: self.afford(len(chosen), self.cfg.hours_per_account)]
        m.accounts.active[self.taken] = False  # the owners cannot post
        self.state = "holding" if len(self.taken) else "over"

    def _post(self) -> None:
        m = self.model
        narr = claims(m, self.side)
        if not len(narr):
            return
        n = self.rng.poisson(per_tick(m, self.cfg.posts_per_day), len(self.taken))
        total = self.afford(int(n.sum()), self.cfg.hours_per_post)
        if total == 0:
            return
        acct = np.repeat(self.taken, n)[:total]
        owner = np.array(m.accounts.owner, dtype=np.int64)[acct]
        lang = np.empty(total, dtype=np.uint8)
        for o in np.unique(owner):  # per victim actor: its best language for a random host
            sel, actor = owner == o, m.actors[int(o)]
            host = actor.hosts[self.rng.integers(len(actor.hosts), size=int(sel.sum()))]
            lang[sel] = actor.language_for(host)
        k = narr[self.rng.integers(len(narr), size=total)]
        m.outbox.append(account_posts(m, acct, k, lang, self.cfg.quality))
        self.posted += total

    def report(self) -> dict[str, Any]:
        return {
            "accounts_taken": [self.model.accounts.names[a] for a in self.taken],
            "posts": self.posted,
        }
