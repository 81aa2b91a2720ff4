"""Scheduled shocks: dated events that change narratives or activity for a window.

A scenario that follows a real episode lists its events under ``world.events`` (a mapping
keyed by name, so an override stays short: ``world.events.ganja_4oct.appeal=2``). Each event
starts on ``day`` (days after ``world.start_date``, which maps days to calendar dates) and
lasts ``duration_days``. Two kinds:

- ``narrative``: a story gets a push, e.g. an attack on a city behind a hashtag: at the start
  ``seed_fraction`` of its side's users start sharing it, and for the window its appeal and
  the posting of the actors who push it are multiplied;
- ``activity``: the posting of a side's actors and the activity of its users (reading and
  resharing) are multiplied for the window, e.g. the surge when a war starts, the winding
  down after a ceasefire.

The shock sizes are assumptions (docs/parameters.md); the dates come from the sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.config.params import PROB, check, member, param, rng
from sim.errors import ConfigError

if TYPE_CHECKING:
    from sim.config.schema import SimConfig

EVENT_KINDS = ("narrative", "activity")
SHOCK_SRC = "no source: an assumption (docs/model.md, Scheduled events)"
# the fields only one kind uses, and the value that leaves them unused
NARRATIVE_ONLY = {"narrative": "", "appeal": 1.0, "seed_fraction": 0.0, "posting": 1.0}
ACTIVITY_ONLY = {"side": "", "actors": 1.0, "users": 1.0}


@dataclass
class EventConfig:
    """One dated shock (module docstring). ``source`` says where its date comes from."""

    kind: str = param("activity", choices=EVENT_KINDS, what="event kind", doc="what it changes")
    day: float = param(
        0.0, doc="the day it starts (0: world.start_date)", allowed="a day in [0, horizon_days)"
    )
    duration_days: float = param(
        1.0,
        rng(0, 3650, lo_open=True),
        plausible=(1, 7),
        source=SHOCK_SRC,
        doc="how long the shock lasts (cut at the end of the run)",
    )
    source: str = param("", doc="where the date comes from (shown beside it in the summary)")
    narrative: str = param(
        "", doc="narrative: the story it pushes", allowed="a name of world.narratives"
    )
    appeal: float = param(
        1.0,
        rng(0, 10),
        plausible=(1.0, 2.0),
        source=SHOCK_SRC,
        doc="narrative: multiplies the story's appeal during the window",
    )
    seed_fraction: float = param(
        0.0,
        PROB,
        plausible=(0.0, 0.005),
        source=SHOCK_SRC,
        doc="narrative: share of its side's users who start sharing it at the start",
    )
    posting: float = param(
        1.0,
        rng(0, 100),
        plausible=(1.0, 5.0),
        source=SHOCK_SRC,
        doc="narrative: multiplies the posts about it of the actors who push it",
    )
    side: str = param("", doc="activity: whose actors and users ('': both)", allowed="a side or ''")
    actors: float = param(
        1.0,
        rng(0, 100),
        plausible=(0.3, 3.0),
        source=SHOCK_SRC,
        doc="activity: multiplies the side's actors' posting rate",
    )
    users: float = param(
        1.0,
        rng(0, 10),
        plausible=(0.5, 2.0),
        source=SHOCK_SRC,
        doc="activity: multiplies its users' activity (P(reads a tick), capped at 1)",
    )


def check_start_date(value: str) -> dt.date | None:
    """``world.start_date``: '' (days only) or an ISO date such as 2020-09-27."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            "world.start_date", f"'{value}' is not a date; allowed: YYYY-MM-DD or ''"
        ) from None


def date_of(start: str, day: float) -> str:
    """The calendar date (and hour when not midnight) of ``day``; '' without a start date."""
    if not start:
        return ""
    when = dt.datetime.combine(dt.date.fromisoformat(start), dt.time()) + dt.timedelta(days=day)
    return when.strftime("%Y-%m-%d %H:%M" if when.time() != dt.time() else "%Y-%m-%d")


def check_events(c: SimConfig) -> None:
    """Each event: a day inside the run, names that exist, no field of the other kind."""
    w = c.world
    check_start_date(w.start_date)
    for name, e in w.events.items():
        key = f"world.events.{name}"
        member(f"{key}.kind", e.kind, EVENT_KINDS, "event kind")
        check(f"{key}.day", e.day, rng(0, w.horizon_days, hi_open=True))
        unused = ACTIVITY_ONLY if e.kind == "narrative" else NARRATIVE_ONLY
        for f, off in unused.items():
            if getattr(e, f) != off:
                raise ConfigError(
                    f"{key}.{f}",
                    f"is for {'an activity' if e.kind == 'narrative' else 'a narrative'} "
                    f"event; this one is kind={e.kind} (allowed here: "
                    f"{', '.join(ACTIVITY_ONLY if e.kind == 'activity' else NARRATIVE_ONLY)})",
                )
        if e.kind == "narrative":
            member(f"{key}.narrative", e.narrative, list(w.narratives), "narrative")
            start = w.narratives[e.narrative].start_day
            if e.day < start:
                raise ConfigError(
                    f"{key}.day",
                    f"{e.day:g} is before {e.narrative}'s start_day={start:g}; allowed: a day "
                    f"in [{start:g}, {w.horizon_days:g})",
                )
        elif e.side:
            member(f"{key}.side", e.side, list(w.sides), "side")
