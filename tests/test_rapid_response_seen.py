"""Rapid response's ``seen`` switch (issue 15, item 5): with ``seen=public`` the cell
answers only in communities where the false story has a public carrier (a member who
reshared it, or an account whose actor targets the community and posted it), never where
it merely has readers."""

from __future__ import annotations

import numpy as np
import pytest
from clirun import STORIES

from sim.errors import ConfigError
from sim.posts import Posts
from sim.strategies.rapid_response import RapidResponse

TINY = [
    *STORIES,
    "strategy@home=[rapid_response]",
    "home.rapid_response.delay_hours=2",
    "home.rapid_response.budget=100000",
]


def test_unknown_signal_is_refused() -> None:
    from sim.cli import load

    with pytest.raises(ConfigError, match="seen") as e:
        load([*TINY, "home.rapid_response.seen=readers"])
    assert "public" in str(e.value) and "\n" not in str(e.value)


def test_public_cell_answers_only_where_the_story_has_a_public_carrier() -> None:
    from sim.cli import load
    from sim.model import InfoWarModel

    m = InfoWarModel(load([*TINY, "home.rapid_response.seen=public"]))
    rr = next(s for s in m.enabled_strategies if s.name == "rapid_response")
    assert isinstance(rr, RapidResponse)
    k = m.world.narratives.index("rival_fake")
    carriers: set[int] = set()  # communities with a public carrier, recomputed here
    answered: list[tuple[set[int], set[int], set[int]]] = []  # (answered, carriers, read)
    languages, revise = rr._languages, rr.revise

    def spy_languages(affected: np.ndarray) -> list[int]:
        read = set(np.flatnonzero(m.tally.exposed[k] > 0).tolist())
        answered.append((set(affected.tolist()), set(carriers), read))
        return languages(affected)

    def spy_revise() -> None:  # what this tick made public, before the labels join it
        users, posts = Posts.concat([m.queued, *m.user_outbox]), Posts.concat(m.outbox)
        carriers.update(m.crowd.community[users.src[users.narr == k]].tolist())
        for acct in set(posts.src[posts.narr == k].tolist()):
            for a in m.actors:
                if acct in a.accounts:
                    carriers.update(a.hosts.tolist())
        revise()

    rr._languages, rr.revise = spy_languages, spy_revise  # type: ignore[method-assign]
    m.run()
    assert answered, "the cell never answered"
    assert all(a == c for a, c, _ in answered)
    # readers alone do not count: some community read the story with no public carrier
    assert any(r - a for a, _, r in answered)


def test_public_signal_changes_the_answer_and_reach_is_the_default() -> None:
    from sim.cli import load
    from sim.model import InfoWarModel
    from sim.summary import summarize

    assert load(TINY).strategies["home"]["rapid_response"].seen == "reach"
    posted = {}
    for seen in ("reach", "public"):
        m = InfoWarModel(load([*TINY, f"home.rapid_response.seen={seen}"]))
        m.run()
        posted[seen] = summarize(m)["strategy_reports"]["home/rapid_response"]["debunks_posted"]
    assert posted["public"] != posted["reach"]
