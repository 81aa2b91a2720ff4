"""The scheduled events of ``world.events`` (sim.config.events), applied tick by tick.

At the start of each tick the model calls ``Timeline.apply``. A narrative event seeds its
sharers on its first tick; while any event is in its window its multipliers hold: the
story's appeal (the world's appeal array, which the kernel reads), the posts about it of the
actors who push it (``Poster.narr_weight``), the posting rate of a side's actors
(``Actor.event_rate``) and the activity of a side's users (``Crowd.activity``). The values
are recomputed only when the set of events in their window changes, from the base values
kept here, so overlapping events multiply and a window's end restores exactly the start.
Without events nothing is touched and runs are what they were before events existed.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sim.config.events import EventConfig, date_of
from sim.crowd import STOPPED, UNAWARE
from sim.world import World

if TYPE_CHECKING:
    from sim.model import InfoWarModel


class Scheduled(NamedTuple):
    name: str
    event: EventConfig
    start: int  # first tick in the window
    end: int  # first tick after it


def own_arrays(world: World) -> World:
    """A copy of ``world`` with its own appeal array, which the timeline rewrites."""
    return dataclasses.replace(world, narr_appeal=world.narr_appeal.copy())


class Timeline:
    """Applies a model's scheduled events (module docstring)."""

    def __init__(self, model: InfoWarModel) -> None:
        self.model = model
        w, cfg = model.world, model.cfg.world
        ticks = lambda d: int(round(d * 24.0 / w.tick_hours))  # noqa: E731
        self.events = [
            Scheduled(name, e, ticks(e.day), min(ticks(e.day + e.duration_days), w.ticks))
            for name, e in cfg.events.items()
        ]
        self.rng = model.streams.get("events")
        self.base_appeal = w.narr_appeal.copy()
        self.base_activity = model.crowd.activity.copy()
        self.live: frozenset[int] = frozenset()

    def apply(self) -> None:
        """This tick's seeds, then the multipliers of the events in their window."""
        t = self.model.tick
        for s in self.events:
            if s.start == t and s.event.kind == "narrative" and s.event.seed_fraction > 0:
                self._seed(s.event)
        live = frozenset(i for i, s in enumerate(self.events) if s.start <= t < s.end)
        if live != self.live:
            self.live = live
            self._set([self.events[i].event for i in sorted(live)])

    def _set(self, events: list[EventConfig]) -> None:
        m, w = self.model, self.model.world
        appeal = np.ones(w.n_narratives)
        weight = np.ones(w.n_narratives)
        actors = np.ones(len(w.sides))
        users = np.ones(len(w.communities))
        for e in events:
            if e.kind == "narrative":
                k = w.narratives.index(e.narrative)
                appeal[k] *= e.appeal
                weight[k] *= e.posting
                continue
            sides = [w.sides.index(e.side)] if e.side else list(range(len(w.sides)))
            actors[sides] *= e.actors
            comms = np.isin(w.comm_side, sides) if e.side else np.ones(len(users), bool)
            users[comms] *= e.users
        w.narr_appeal[:] = (self.base_appeal * appeal).astype(w.narr_appeal.dtype)
        m.poster.narr_weight = None if (weight == 1.0).all() else weight
        for a in m.actors:
            a.event_rate = float(actors[a.side])
        scaled = self.base_activity * users[m.crowd.community].astype(np.float32)
        m.crowd.activity[:] = np.minimum(scaled, np.float32(1.0))

    def _seed(self, e: EventConfig) -> None:
        """``seed_fraction`` of the story's side's users start sharing it (those unaware of
        it or no longer sharing it; believers who rejected it are not re-seeded)."""
        m, w = self.model, self.model.world
        k = w.narratives.index(e.narrative)
        comms = np.flatnonzero(w.comm_side == w.narr_side[k])
        pool = np.concatenate([m.members[c] for c in comms]) if len(comms) else m.members_all()
        want = min(len(pool), int(round(e.seed_fraction * len(pool))))
        users = np.sort(self.rng.choice(pool, want, replace=False))
        state = m.crowd.state[k, users]
        m.seed_believers(k, users[(state == UNAWARE) | (state == STOPPED)])

    def report(self) -> list[dict]:
        """Each event with its calendar window, for summary.json."""
        start, hours = self.model.cfg.world.start_date, self.model.world.tick_hours
        return [
            {
                "event": s.name,
                "kind": s.event.kind,
                "from": date_of(start, s.start * hours / 24.0) or s.start * hours / 24.0,
                "to": date_of(start, s.end * hours / 24.0) or s.end * hours / 24.0,
                "source": s.event.source,
            }
            for s in self.events
        ]
