"""Strategies pick audiences and react on what a real campaign can observe (issue 15,
item 5): never a user's belief, opinion, trust or hidden exposure chain. The check walks
the source of every strategy module and refuses reads of those attributes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STRATEGIES = sorted((Path(__file__).resolve().parent.parent / "sim" / "strategies").glob("*.py"))
# (object name, attribute): hidden state of users, or per-community counts of it
HIDDEN = {
    ("crowd", "state"),
    ("crowd", "opinion"),
    ("crowd", "exposed"),
    ("crowd", "origin"),
    ("tally", "states"),
    ("tally", "op_sum"),
    ("tally", "op_sq"),
    ("tally", "support"),
    ("tally", "opinion_mean_sd"),
}


def hidden_reads(source: str) -> list[str]:
    """``x.crowd.state``-style attribute reads (any prefix) of a HIDDEN pair."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            base = node.value
            name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
            if (name, node.attr) in HIDDEN:
                found.append(f"line {node.lineno}: {name}.{node.attr}")
    return found


@pytest.mark.parametrize("path", STRATEGIES, ids=lambda p: p.name)
def test_strategy_reads_no_belief_or_opinion_state(path: Path) -> None:
    assert hidden_reads(path.read_text()) == []


def test_the_check_sees_a_belief_read() -> None:
    src = "def f(m):\n    return m.crowd.state[0].sum() + m.tally.support[0] + crowd.opinion\n"
    assert len(hidden_reads(src)) == 3
