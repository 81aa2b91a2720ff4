"""Scheduled events (world.events, sim.timeline): bad input is one line; an event changes
what it should only inside its window (the same seed with and without it); the karabakh2020
timeline is dated in docs/karabakh2020.md as in its config."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import numpy as np
import pytest
from clirun import run_inprocess

from sim.config.events import EventConfig, date_of
from sim.config.rules import check_all
from sim.posts import Posts

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["graph.n=2000", "world.horizon_days=5", "world.tick_hours=6", "seed=4"]
START, END = 8, 12  # the window of the events below, in 6-hour ticks: days 2 and 3 (< 4)


@pytest.mark.parametrize(
    "override,key,fragment",
    [
        ("world.events.ganja_4oct.day=45", "world.events.ganja_4oct.day", "[0, 45.0)"),
        ("world.events.ganja_4oct.day=-1", "world.events.ganja_4oct.day", "[0, 45.0)"),
        ("world.events.ganja_4oct.day=3", "world.events.ganja_4oct.day", "start_day=7"),
        ("world.events.war_start.kind=shock", "world.events.war_start.kind", "narrative, activity"),
        (
            "world.events.ganja_4oct.narrative=nope",
            "world.events.ganja_4oct.narrative",
            "bardacity",
        ),
        ("world.events.war_start.side=nobody", "world.events.war_start.side", "home, rival"),
        ("world.events.war_start.posting=2", "world.events.war_start.posting", "side, actors"),
        ("world.events.war_start.actors=-1", "world.events.war_start.actors", "[0, 100]"),
        ("world.start_date=27/09/2020", "world.start_date", "YYYY-MM-DD"),
    ],
)
def test_bad_event_is_one_line(override: str, key: str, fragment: str, tmp_path) -> None:
    res = run_inprocess(["scenario=karabakh2020", override], tmp_path / "run")
    assert res.code == 2, res.stderr[-2000:]
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr, lines
    assert key in lines[0] and fragment in lines[0], lines[0]


def _with(make_cfg, **events: EventConfig):
    cfg = copy.deepcopy(make_cfg(*SMALL))
    cfg.world.events = dict(events)
    check_all(cfg)
    return cfg


def _trace(cfg) -> list[dict]:
    """Per tick: actors' posts per narrative and side, appeals, activity, states."""
    from sim.model import InfoWarModel

    m = InfoWarModel(cfg)
    sides = np.array([a.side for a in m.actors])
    out = []
    for _ in range(m.world.ticks):
        m.step()
        p = Posts.concat(m.outbox)
        owner = np.repeat(np.arange(len(m.actors)), [len(b) for b in m.outbox])
        out.append(
            {
                "narr": np.bincount(p.narr, weights=p.count, minlength=m.world.n_narratives),
                "side": np.bincount(sides[owner], weights=p.count, minlength=2),
                "appeal": m.world.narr_appeal.copy(),
                "activity": m.crowd.activity.copy(),
                "state": m.crowd.state.copy(),
                "rate": [a.event_rate for a in m.actors] if m.timeline else None,
                "cells": np.bincount(  # expected actor posts a tick, per narrative
                    m.poster.tables().narr,
                    weights=m.poster.tables().rate,
                    minlength=m.world.n_narratives,
                ),
            }
        )
    return out


def _window_sum(trace: list[dict], key: str, idx: int) -> float:
    return float(sum(t[key][idx] for t in trace[START:END]))


def test_narrative_event_acts_only_in_its_window(make_cfg) -> None:
    ev = EventConfig(
        kind="narrative", narrative="home_claim", day=2, duration_days=1,
        appeal=2.0, seed_fraction=0.02, posting=4.0,
    )  # fmt: skip
    base, shock = _trace(_with(make_cfg)), _trace(_with(make_cfg, boost=ev))
    k = 0  # home_claim
    for t in range(START):  # before the window: the same run
        assert np.array_equal(base[t]["state"], shock[t]["state"])
        assert np.array_equal(base[t]["narr"], shock[t]["narr"])
    for t in range(len(base)):
        inside = START <= t < START + 4  # one day of 6-hour ticks
        want = base[t]["appeal"] * np.where(np.arange(len(base[t]["appeal"])) == k, 2.0, 1.0)
        np.testing.assert_array_equal(shock[t]["appeal"], want if inside else base[t]["appeal"])
    # seeds on the first tick: many more sharers of the story than without the event
    sharing = [int((tr[START]["state"][k] == 1).sum()) for tr in (base, shock)]
    assert sharing[1] >= sharing[0] + 0.02 * 2000 * 0.3
    # four times the expected posts about it during the window, the other stories as before
    for t in range(len(base)):
        factor = np.where(np.arange(len(base[t]["cells"])) == k, 4.0, 1.0)
        want = base[t]["cells"] * (factor if START <= t < START + 4 else 1.0)
        np.testing.assert_allclose(shock[t]["cells"], want, rtol=1e-12)
    assert _window_sum(shock, "narr", k) > 2.5 * _window_sum(base, "narr", k) > 0


def test_activity_event_acts_only_in_its_window(make_cfg) -> None:
    ev = EventConfig(kind="activity", side="home", day=2, duration_days=1, actors=3.0, users=1.5)
    cfg = _with(make_cfg, surge=ev)
    base, shock = _trace(_with(make_cfg)), _trace(cfg)
    from sim.model import InfoWarModel

    m = InfoWarModel(cfg)
    home = np.isin(m.crowd.community, np.flatnonzero(m.world.comm_side == 0))
    home_actor = np.array([a.side == 0 for a in m.actors])
    for t in range(len(base)):
        inside = START <= t < START + 4
        a0, a1 = base[t]["activity"], shock[t]["activity"]
        np.testing.assert_array_equal(a1[~home], a0[~home])  # the rival's and neutral users
        want = np.minimum(a0[home] * np.float32(1.5), 1) if inside else a0[home]
        np.testing.assert_array_equal(a1[home], want)
        rates = np.array(shock[t]["rate"])
        assert (rates[home_actor] == (3.0 if inside else 1.0)).all() and (
            rates[~home_actor] == 1
        ).all()
    assert _window_sum(shock, "side", 0) > 2 * _window_sum(base, "side", 0)
    for t in range(START):
        assert np.array_equal(base[t]["state"], shock[t]["state"])


def test_no_events_leave_the_model_as_before(make_cfg) -> None:
    from sim.model import InfoWarModel

    m = InfoWarModel(make_cfg(*SMALL))
    assert m.timeline is None and m.poster.narr_weight is None


def test_karabakh_timeline_is_dated_in_the_docs(make_cfg) -> None:
    """Each event's calendar date (start_date + day) and source stand in the docs' table."""
    w = make_cfg("scenario=karabakh2020").world
    assert w.start_date == "2020-09-27" and w.horizon_days == 45
    text = (ROOT / "docs" / "karabakh2020.md").read_text()
    chunks = text.split("### Timeline", 1)[1].split("\n\n")
    table = next(c for c in chunks if c.startswith("| date"))
    rows = {r.split("|")[2].strip(" `"): r for r in table.splitlines()[2:]}
    for name, e in w.events.items():
        assert name in rows, name
        assert date_of(w.start_date, e.day) in rows[name], (name, rows[name])
    assert w.events["agreement_10nov"].day == 44  # 10 Nov 2020
    assert date_of(w.start_date, w.events["ganja_4oct"].day) == "2020-10-04"
    assert re.search(r"2020-11-11", rows["platform_shutdown"])
