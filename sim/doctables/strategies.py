"""The strategies tables of docs/strategies.md, from the registry's metadata."""

from __future__ import annotations

import dataclasses
from typing import Any


def _value(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, list):
        return f"[{', '.join(map(str, v))}]"
    return '""' if v == "" else str(v)


def defaults(config: type) -> str:
    """``budget 600, delay_hours 24, ...``: every field of a strategy's config."""
    cfg = config()
    return ", ".join(f"{f.name} {_value(getattr(cfg, f.name))}" for f in dataclasses.fields(cfg))


def _row(name: str, cls: Any) -> str:
    m = cls.meta
    effect = m.effect.describe() if m.effect else "(not declared)"
    cells = [
        f"`{name}`",
        "/".join(m.sides),
        f"{m.summary[:1].upper()}{m.summary[1:]}. Acts on: {m.changes}",
        defaults(cls.Config),
        m.cost_model,
        effect,
    ]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def strategy_tables() -> str:
    from sim.strategies import load_all

    registry = dict(sorted(load_all().items()))
    cols = ("strategy", "sides", "what it does", "parameters (defaults)", "cost model", "effect")
    head = "| " + " | ".join(cols) + " |\n" + "|---" * len(cols) + "|"
    parts = []
    for title, hostile in (
        ("Counter-strategies (the sides column names the roles that may use each):", False),
        ("Hostile tactics (rival-role sides only):", True),
    ):
        rows = [_row(n, c) for n, c in registry.items() if c.meta.hostile == hostile]
        parts.append(f"{title}\n\n{head}\n" + "\n".join(rows))
    return "\n\n".join(parts)
