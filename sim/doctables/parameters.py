"""The parameter tables of docs/parameters.md, from the ``param`` declarations.

One table per config group (entries of a name-keyed mapping appear as ``<name>``), then
one per strategy: the key, its default, what the checker allows, the plausible range and
its source where known, and what it means.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import io
import math
import tokenize
import typing
from typing import Any

from sim.config.keys import _hints, _named_entries
from sim.config.params import NONNEG, is_number, rule_words

HEAD = "| key | default | allowed | plausible | source | meaning |\n|---|---|---|---|---|---|"


def _fmt(v: Any) -> str:
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        return str(int(v))
    if isinstance(v, str):
        return f'"{v}"' if v == "" else v
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_fmt(x)}" for k, x in v.items()) + "}" if v else "{}"
    return "none" if v is None else str(v)


@functools.cache
def field_comments(schema: type) -> dict[str, str]:
    """Field name -> the comment after its declaration in the class body (the short note a
    strategy's ``Config`` carries where ``param(doc=...)`` is not given)."""
    try:
        source = inspect.getsource(schema)
    except (OSError, TypeError):
        return {}
    out: dict[str, str] = {}
    current = ""
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NAME and tok.start[1] == 4 and not current:
            current = tok.string  # a field's name at class-body indentation
        elif tok.type == tokenize.COMMENT and current and current not in out:
            out[current] = tok.string.lstrip("# ").strip()
        elif tok.type == tokenize.NEWLINE:
            current = ""
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def _note(schema: type, name: str) -> str:
    """The field's comment in the nearest class of the MRO that has one."""
    for cls in schema.__mro__:
        if dataclasses.is_dataclass(cls) and (text := field_comments(cls).get(name)):
            return text
    return ""


def rows(prefix: str, schema: type, number_rule: str = "") -> list[str]:
    """One row per field of ``schema`` (recursing into nested dataclasses); a number
    declared without a rule is shown as allowing ``number_rule``."""
    hints, defaults, out = _hints(schema), schema(), []
    for f in dataclasses.fields(schema):
        key, t = f"{prefix}.{f.name}" if prefix else f.name, hints[f.name]
        if dataclasses.is_dataclass(t):
            out += rows(key, typing.cast(type, t))
            continue
        if (inner := _named_entries(t)) is not None:
            out += rows(f"{key}.<name>", inner)
            continue
        md = f.metadata
        lo_hi = md.get("plausible")
        cells = [
            f"`{key}`",
            _fmt(getattr(defaults, f.name)),
            rule_words(f) or (number_rule if is_number(getattr(defaults, f.name)) else ""),
            f"[{_fmt(lo_hi[0])}, {_fmt(lo_hi[1])}]" if lo_hi else "",
            md.get("source", ""),
            md.get("doc", "") or _note(schema, f.name),
        ]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return out


def parameter_tables() -> str:
    from sim.config.schema import GROUPS, SimConfig
    from sim.strategies import load_all

    top = [f for f in dataclasses.fields(SimConfig) if f.name not in (*GROUPS, "strategies")]
    top_rows = [r for r in rows("", SimConfig) if r.split("`")[1] in {f.name for f in top}]
    parts = [f"### Run\n\n{HEAD}\n" + "\n".join(top_rows)]
    parts += [f"### {g}\n\n{HEAD}\n" + "\n".join(rows(g, s)) for g, s in GROUPS.items()]
    for name, cls in sorted(load_all().items()):
        table = "\n".join(rows(f"<side>.{name}", cls.Config, NONNEG[1]))
        parts.append(f"### Strategy `{name}`\n\n{HEAD}\n{table}")
    return "\n\n".join(parts)
