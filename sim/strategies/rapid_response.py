"""Rapid response: monitor the rival's false stories and answer them with debunks fast.

A monitoring cell detects each rival false narrative that the side has a debunk for,
``delay_hours`` after it appears or as soon as the share of users who have publicly
reshared it passes ``threshold``, whichever is first; it catches a story at all only with
``detect_prob`` (drawn once per story when it appears). From then on, while
``flag_hours_per_day`` per detected story is paid, the platforms label the story's posts:
a share ``label_share`` of every copy of it (actors' posts and users' reshares) carries a
fact-check label, a copy of the debunk (source kind media) that reaches the same
followers, so the correction travels to the story's readers through the accounts that
carry it. Also, every official account of the side whose actor targets a community where
the story has been seen posts debunks aimed there for as long as the budget lasts (its
pushers may keep posting it), in the community's best language among the account's own
plus up to ``translation_capacity`` translated languages (chosen for the largest affected
audience the own ones miss).

The cell reads no user's belief or opinion. The threshold counts users who have publicly
reshared the story (a running count fed from each tick's delivered reshares, kept only
when ``threshold`` > 0). Where a story has been seen is, with ``seen=reach`` (default),
its reach per community (users who have read it): an assumption that social-listening
services estimate this aggregate. ``seen=public`` uses only public carriers: communities
where a member reshared it or an account targeting the community posted it
(``sim.strategies.sightings``; docs/model.md, "Rapid response: what the cell sees").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.config.rules import PROB, rng
from sim.config.schema import SOURCE_KINDS
from sim.posts import Posts
from sim.strategies.base import Strategy, StrategyConfig, StrategyMeta, param
from sim.strategies.effects import Effect
from sim.strategies.sightings import Resharers, Sightings
from sim.strategies.toolkit import (
    OFFICIAL,
    account_posts,
    best_language,
    debunks_of,
    hours_since,
    live_accounts,
    per_tick,
    rival_fakes,
    side_actors,
)


@dataclass
class Config(StrategyConfig):
    budget: float = 600.0
    delay_hours: float = param(
        24.0,
        rng(0, 10000),
        plausible=(1, 72),
        source="no source (the sources call speed crucial)",
        doc="detection delay after a false story appears",
    )
    threshold: float = param(
        0.0,
        PROB,
        plausible=(0, 0.05),
        source="no source: 0 is off; a cell would act once a few percent reshare",
        doc="also detect once this share of users has publicly reshared it (0: off)",
    )
    seen: str = param(
        "reach",
        choices=("reach", "public"),
        what="signal",
        source="no source: what a monitoring cell can observe; public = resharing history "
        "and targeting",
        doc="where a story counts as seen: its readers per community, or public carriers",
    )
    posts_per_hour: float = param(
        0.5,
        rng(0, 100),
        plausible=(0.05, 2),
        source="docs/sources.md: embassies post 60-110 tweets a month, one 16,000 in late 2020",
        doc="debunks per responding account per affected community",
    )
    translation_capacity: int = param(
        2,
        rng(0, 16),
        plausible=(0, 6),
        source="docs/sources.md: an embassy posting in 4 languages, the rival leader in 5",
        doc="languages beyond the accounts' own it can translate into",
    )
    quality: float = param(
        0.8,
        PROB,
        plausible=(0.5, 1.0),
        source="no source: official debunks read as credible; effect via spread.correction",
        doc="persuasiveness of a debunk",
    )
    staff_hours_per_post: float = param(
        1.0,
        plausible=(0.25, 4),
        source="docs/sources.md: staff shortage, no figure; checking and writing one debunk",
    )
    translation_hours_per_post: float = param(
        0.5,
        plausible=(0.1, 2),
        source="no source: translating one short post",
        doc="extra for a translated debunk",
    )
    monitoring_hours_per_day: float = param(
        4.0,
        plausible=(1, 24),
        source="docs/sources.md: staff shortage, no figure; part of one person to a 24-hour cell",
        doc="the monitoring cell, from the start of the run",
    )
    detect_prob: float = param(
        0.9,
        PROB,
        plausible=(0.5, 1.0),
        source="no source",
        doc="chance monitoring ever catches a given story",
    )
    label_share: float = param(
        0.5,
        PROB,
        plausible=(0.1, 0.9),
        source="no source",
        doc="share of a detected story's posts that carry a fact-check label",
    )
    label_quality: float = param(
        0.8, PROB, plausible=(0.5, 1.0), source="no source", doc="persuasiveness of a label"
    )
    flag_hours_per_day: float = param(
        1.0,
        plausible=(0.25, 4),
        source="no source: reporting a story to the platforms",
        doc="reporting a detected story to the platforms, per story",
    )


MEDIA = SOURCE_KINDS.index("media")


class RapidResponse(Strategy):
    name = "rapid_response"
    Config = Config
    meta = StrategyMeta(
        summary="detect rival false stories after a delay or once enough users publicly reshare "
        "them (and only with detect_prob), then have the platforms label the story's posts "
        "with fact-checks and post debunks into the affected communities in their languages",
        sides=("home", "rival"),
        changes="fact-check labels (debunk copies) on every carrier's posts of the story; extra "
        "debunk posts by the side's official accounts (state, ministry, embassies)",
        cost_model="monitoring_hours_per_day from the start; flag_hours_per_day per detected "
        "story; staff_hours_per_post per debunk, plus translation_hours_per_post when translated",
        effect=Effect(
            "other_false_protected",
            +1,
            params=dict(delay_hours=1, posts_per_hour=2, translation_capacity=6, budget=3000),
        ),
    )

    def setup(self) -> None:
        self.fakes = rival_fakes(self.model, self.side)
        self.detected: dict[int, int] = {}  # fake -> tick detected
        self.actors = side_actors(self.model, self.side, OFFICIAL)
        self.posted = 0
        self.translated = 0
        self.labels = 0
        self.languages_used: set[int] = set()
        self.caught: dict[int, bool] = {}  # fake -> will monitoring ever catch it
        self.row = {int(k): i for i, k in enumerate(self.fakes)}
        self.resharers = Resharers(self.model, self.fakes) if self.cfg.threshold > 0 else None
        public = self.cfg.seen == "public"
        self.sightings = Sightings(self.model, self.fakes) if public else None

    def act(self) -> None:
        self.charge(per_tick(self.model, self.cfg.monitoring_hours_per_day))
        if self.resharers is not None:
            self.resharers.count(self.model.queued)
        self._detect()
        if self.detected:  # actors' languages now (multilingual may have added some)
            self.own_langs = sorted({lang for a in self.actors for lang in a.languages})
            self.lang_mask = np.zeros(len(self.model.accounts), dtype=np.int64)
            for a in self.actors:
                self.lang_mask[a.accounts] = sum(1 << lang for lang in set(a.languages))
        for k in sorted(self.detected):
            self._respond(k)

    def _detect(self) -> None:
        m, w = self.model, self.model.world
        for k in self.fakes:
            if k in self.detected or m.tick < w.narr_start_tick[k]:
                continue
            if int(k) not in self.caught:
                self.caught[int(k)] = bool(self.rng.random() < self.cfg.detect_prob)
            if not self.caught[int(k)]:
                continue
            rs = self.resharers
            shared = rs.distinct[self.row[int(k)]] / m.crowd.n if rs is not None else 0.0
            late = hours_since(m, int(w.narr_start_tick[k])) >= self.cfg.delay_hours
            if late or (self.cfg.threshold > 0 and shared >= self.cfg.threshold):
                self.detected[int(k)] = m.tick

    def _languages(self, affected: np.ndarray) -> list[int]:
        """Own languages plus the translations that reach most affected users they miss."""
        w, users = self.model.world, self.model.tally.users
        if self.cfg.translation_capacity <= 0 or not len(affected):
            return self.own_langs
        p = w.lang_prob[affected]
        missed = 1.0 - p[:, self.own_langs].max(axis=1)
        score = (users[affected] * missed)[:, None] * p
        score[:, self.own_langs] = 0.0
        order = [
            int(l) for l in np.argsort(-score.sum(axis=0), kind="stable") if score[:, l].sum() > 0
        ]
        return sorted(self.own_langs + order[: self.cfg.translation_capacity])

    def _respond(self, k: int) -> None:
        m = self.model
        if self.sightings is not None:
            affected = self.sightings.affected(self.row[k])
        else:  # reach: see the module docstring
            affected = np.flatnonzero(m.tally.exposed[k] > 0)
        langs = self._languages(affected)
        debunks = debunks_of(m, self.side, k)
        acct, comm = [], []
        for a in self.actors:
            hosts = np.intersect1d(a.hosts, affected)
            accs = live_accounts(m, a)
            if len(hosts) and len(accs):
                acct.append(np.repeat(accs, len(hosts)))
                comm.append(np.tile(hosts, len(accs)))
        if not acct:
            return
        acct_a, comm_a = np.concatenate(acct), np.concatenate(comm)
        n = self.rng.poisson(self.cfg.posts_per_hour * m.world.tick_hours, len(acct_a))
        acct_a, comm_a = np.repeat(acct_a, n), np.repeat(comm_a, n)
        lang = best_language(m, comm_a, langs)
        own = ((self.lang_mask[acct_a] >> lang.astype(np.int64)) & 1).astype(bool)
        unit = self.cfg.staff_hours_per_post + np.where(
            own, 0.0, self.cfg.translation_hours_per_post
        )
        paid = np.cumsum(unit) <= self.left + 1e-9
        self.spend(float(unit[paid].sum()), float(unit.sum()))
        if not paid.any():
            return
        narr = debunks[self.rng.integers(len(debunks), size=int(paid.sum()))]
        m.outbox.append(account_posts(m, acct_a[paid], narr, lang[paid], self.cfg.quality))
        self.posted += int(paid.sum())
        self.translated += int((~own[paid]).sum())
        self.languages_used.update(int(x) for x in np.unique(lang[paid]))

    def revise(self) -> None:
        """Fact-check labels on this tick's copies of every detected story (whoever posted
        them, so after every strategy's ``act``)."""
        m = self.model
        if self.sightings is not None:
            self.sightings.watch(Posts.concat([m.queued, *m.user_outbox]), Posts.concat(m.outbox))
        if not self.enabled or not self.detected:
            return
        paid = self.charge(per_tick(m, self.cfg.flag_hours_per_day * len(self.detected)))
        if paid < 1.0:
            return
        labels = {k: int(debunks_of(m, self.side, k)[0]) for k in self.detected}
        m.outbox.append(self._labels(Posts.concat(m.outbox), labels))
        m.user_outbox.append(self._labels(Posts.concat([m.queued, *m.user_outbox]), labels))

    def _labels(self, p: Posts, labels: dict[int, int]) -> Posts:
        """Label copies for a share of the batch's posts of detected stories."""
        if not len(p):
            return p
        lut = np.full(self.model.world.n_narratives, -1, dtype=np.int64)
        lut[list(labels)] = list(labels.values())
        hit = lut[p.narr] >= 0
        if not hit.any():
            return Posts.empty()
        lab = p.select(hit)
        lab.count = self.rng.binomial(lab.count, self.cfg.label_share).astype(lab.count.dtype)
        lab = lab.select(lab.count > 0)
        lab.narr = lut[lab.narr].astype(lab.narr.dtype)
        lab.kind[:] = MEDIA
        lab.quality[:] = self.cfg.label_quality
        lab.backfire[:] = False
        self.labels += int(lab.count.sum())
        return lab

    def report(self) -> dict[str, Any]:
        w = self.model.world
        return {
            "missed": [w.narratives[k] for k, c in sorted(self.caught.items()) if not c],
            "labels": self.labels,
            "detected_hour": {
                w.narratives[k]: round((t - int(w.narr_start_tick[k])) * w.tick_hours, 2)
                for k, t in sorted(self.detected.items())
            },
            "debunks_posted": self.posted,
            "translated": self.translated,
            "languages": [w.languages[i] for i in sorted(self.languages_used)],
        }
