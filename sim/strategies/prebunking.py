"""Prebunking: warn the rival's target audiences about a false story before it arrives.

From ``start_day`` until ``overlap_days`` after each rival false story appears, the side
runs a warning campaign: ``posts_per_day`` promoted warnings (the side's debunk of that
story), each shown straight to ``reach_per_post`` users of one community the rival's
pushers of the story target (not the rival's own communities) who have never publicly
reshared the rival's stories (what a campaign can see; never opinions), in that
community's main language, from the side's most-followed official account. In the
kernel a reader who takes in a debunk before meeting its target becomes inoculated
(belief probability times 1 - spread.inoculation, waning with
spread.inoculation_halflife_days), and the warning spreads further as readers reshare
it. Needs a debunk narrative of the rival story in world.narratives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import PROB, rng
from sim.posts import Posts
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.toolkit import (
    OFFICIAL,
    best_language,
    debunks_of,
    per_tick,
    reshared_side,
    rival_fakes,
    sample_readers,
    send_direct,
    side_actors,
    tick_of_day,
)


@dataclass
class Config(StrategyConfig):
    budget: float = 200.0
    start_day: float = 0.0
    overlap_days: float = param(
        0.5,
        plausible=(0, 3),
        source="no source: warnings go on briefly after a story appears",
        doc="keep warning this long after the story appears",
    )
    posts_per_day: float = param(
        12.0,
        rng(0, 10000),
        plausible=(2, 50),
        source="no source: promoted warnings a small team can run",
        doc="promoted warnings per day, in all",
    )
    reach_per_post: int = param(
        50,
        rng(0, 10**7),
        plausible=(10, 500),
        source="no source: users a promoted post is shown to, at model scale",
        doc="users each warning is shown to",
    )
    quality: float = param(
        0.7,
        PROB,
        plausible=(0.4, 0.9),
        source="no source: effect size enters via spread.inoculation (Roozenbeek et al. 2022)",
    )
    staff_hours_per_post: float = param(
        1.0,
        plausible=(0.25, 4),
        source="no source: writing, translating and promoting one warning",
        doc="writing, translating and promoting one warning",
    )
    preparation_hours: float = param(
        16.0,
        plausible=(4, 80),
        source="no source: researching the rival's likely stories",
        doc="one-off: researching the rival's likely stories",
    )


class Prebunking(Strategy):
    name = "prebunking"
    Config = Config
    meta = StrategyMeta(
        summary="promoted warnings (debunks) shown to the rival's target audiences before its "
        "false stories arrive, inoculating readers",
        sides=("home", "rival"),
        changes="extra debunk posts delivered straight to users (model.direct); inoculated users",
        cost_model="preparation_hours once, plus staff_hours_per_post per warning",
        effect=Effect(
            "other_false_protected", +1, params=dict(posts_per_day=48, overlap_days=3, budget=2000)
        ),
    )

    def setup(self) -> None:
        m, w = self.model, self.model.world
        self.start = tick_of_day(m, self.cfg.start_day)
        overlap = tick_of_day(m, self.cfg.overlap_days)
        self.until = {
            int(k): int(w.narr_start_tick[k]) + overlap for k in rival_fakes(m, self.side)
        }
        self.audience = {k: self._audience(k) for k in self.until}
        own = list(side_actors(m, self.side, OFFICIAL))
        accs = [acc for a in own for acc in a.accounts]
        fans = m.accounts.n_followers()
        self.sender = max(accs, key=lambda a: (fans[a], -a)) if accs else None
        self.prepared = self.charge(self.cfg.preparation_hours) >= 1.0
        self.posted = 0

    def _audience(self, k: int) -> np.ndarray:
        """Communities the story's pushers target, outside the story's own side."""
        m, w = self.model, self.model.world
        side = w.narr_side[k]
        hosts = {int(h) for a in m.actors if a.side == side and k in a.narratives for h in a.hosts}
        return np.array(sorted(h for h in hosts if w.comm_side[h] != side), dtype=np.int64)

    def act(self) -> None:
        m = self.model
        if not self.prepared or self.sender is None or m.tick < self.start:
            return
        for k, until in self.until.items():
            if m.tick < until and len(self.audience[k]):
                self._warn(k)

    def _warn(self, k: int) -> None:
        m = self.model
        assert self.sender is not None  # act() warns only once a sender is chosen
        n = self.afford(
            int(self.rng.poisson(per_tick(m, self.cfg.posts_per_day))),
            self.cfg.staff_hours_per_post,
        )
        if n == 0:
            return
        comms = self.audience[k]
        size = m.tally.users[comms].astype(np.float64)
        comm = comms[self.rng.choice(len(comms), n, p=size / size.sum())]
        lang = best_language(m, comm, list(range(len(m.world.languages))))
        plats = int(m.accounts.plats[self.sender])
        rival = int(m.world.narr_side[k])
        readers = []
        for c, lg in zip(comm, lang):  # a handful of warnings per tick
            pool = m.members[c]
            pool = pool[~reshared_side(m, pool, rival)]  # not publicly with the rival
            readers.append(
                sample_readers(m, pool, int(lg), plats, self.cfg.reach_per_post, self.rng)
            )
        debunks = debunks_of(m, self.side, k)
        narr = debunks[self.rng.integers(len(debunks), size=n)]
        posts = Posts.make(
            src=np.zeros(n),
            narr=narr,
            lang=lang,
            count=1,
            quality=self.cfg.quality,
            kind=m.accounts.kind[self.sender],
            origin=m.crowd.n + self.sender,
            plats=plats,
        )
        send_direct(m, posts, readers)
        self.posted += n

    def report(self) -> dict[str, Any]:
        return {
            "warnings_posted": self.posted,
            "targets": [self.model.world.narratives[k] for k in sorted(self.until)],
        }
