"""docs/teaching.md's measured numbers cannot drift (issue 14): the "What we measured"
paragraphs are exactly what ``sim.demo.lesson_text`` writes from the table in the page,
and (under -m slow) the table is what ``scripts/python -m sim.demo.lesson --write``
measures today."""

from __future__ import annotations

import pytest

from sim.demo import lesson
from sim.demo.lesson_text import DOC, blocks, exp2, parse_table, render


def _doc_table():
    return parse_table(blocks(DOC.read_text())["table"])


def test_table_covers_every_setting_and_column():
    t = _doc_table()
    assert list(t) == list(lesson.SETTINGS)
    assert all(list(row) == list(lesson.COLUMNS) for row in t.values())


def test_paragraphs_are_written_from_the_table():
    found = blocks(DOC.read_text())
    expected = render(_doc_table(), lesson.COLUMNS)
    assert set(found) == {"table", "exp1", "exp2", "exp3"}
    for name, text in expected.items():
        assert found[name] == text, f"block {name}: rerun scripts/python -m sim.demo.lesson --write"


def test_words_follow_the_numbers():
    t = _doc_table()
    base = t["default world"]["rival_fake %"]
    t["exp 2: rapid response, 2 h"]["rival_fake %"] = base * 1.5
    assert "a fast response raises them" in exp2(t)
    t["exp 2: rapid response, 2 h"]["rival_fake %"] = base * 1.02
    assert "hardly changes them" in exp2(t)
    t["exp 2: rapid response, 2 h"]["rival_fake %"] = base * 0.5
    assert "cuts them by 50 %" in exp2(t)


@pytest.mark.slow
def test_table_is_what_the_lesson_measures_today():
    assert lesson.means(6, 7.0) == _doc_table()
