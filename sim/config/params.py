"""One declaration per parameter: its default, what it allows, and what is known about it.

Every numeric or named field of the config schemas (``sim/config/schema.py``) and of every
strategy's ``Config`` is declared with ``param(default, rule, ...)``. The declaration feeds
three readers: ``check_fields`` (the range check of every value before a run), the
generated tables of docs/parameters.md (``sim.doctables.parameters``), and anyone reading
the schema. Rules that tie several fields together stay in ``sim/config/rules.py``.

A rule is ``(predicate, words)``; ``rng``, ``PROB``, ``POS`` and ``NONNEG`` build the usual
ones. ``plausible=(lo, hi)`` and ``source`` record the range the literature or data
support (narrower than what the checker allows) and where it comes from; ``doc`` is one
line on what the parameter means.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

from sim.errors import ConfigError, unknown

Check = tuple[Callable[[Any], bool], str]
PROB: Check = (lambda v: 0.0 <= v <= 1.0, "a probability in [0, 1]")
POS: Check = (lambda v: v > 0, "a number > 0")
NONNEG: Check = (lambda v: v >= 0, "a number >= 0")


def rng(lo: float, hi: float, lo_open: bool = False, hi_open: bool = False) -> Check:
    """A number between ``lo`` and ``hi``, each end closed unless said open."""

    def ok(v: float) -> bool:
        return (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)

    return ok, f"a number in {'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}"


def param(
    default: Any,
    rule: Check | None = None,
    *,
    choices: Sequence[str] | None = None,
    what: str = "name",
    plausible: tuple[float, float] | None = None,
    source: str = "",
    doc: str = "",
    allowed: str = "",
) -> Any:
    """A dataclass field with its declaration. A number obeys ``rule`` (default >= 0); a
    string, or each string of a list, must be one of ``choices`` (a ``what``). ``allowed``
    states in words a rule that depends on other fields (checked in sim/config/rules.py).
    A list or dict default is copied per instance."""
    meta = {
        "rule": rule,
        "allowed": allowed,
        "choices": choices,
        "what": what,
        "plausible": plausible,
        "source": source,
        "doc": doc,
    }
    if isinstance(default, (list, dict)):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def check(key: str, value: Any, rule: Check) -> None:
    ok, allowed = rule
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(key, f"{value} is not allowed; allowed: {allowed}")
    if not ok(value):
        raise ConfigError(key, f"{value!r} is out of range; allowed: {allowed}")


def member(key: str, value: str, choices: Sequence[str], what: str = "name") -> None:
    if value not in choices:
        raise unknown(key, value, choices, what)


def check_window(key: str, start_day: float, end_day: float) -> None:
    """A time window in days: both ends >= 0 and the end not before the start."""
    check(f"{key}.start_day", start_day, NONNEG)
    check(f"{key}.end_day", end_day, NONNEG)
    if end_day < start_day:
        raise ConfigError(
            f"{key}.end_day",
            f"{end_day} is before start_day={start_day}; allowed: a day >= start_day",
        )


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_field(key: str, value: Any, f: dataclasses.Field, default_rule: Check | None) -> None:
    """One field against its declaration (``default_rule`` for an undeclared number)."""
    rule: Check | None = f.metadata.get("rule") or default_rule
    choices = f.metadata.get("choices")
    if is_number(value) and rule is not None:
        check(key, value, rule)
    elif choices is not None and value is not None:
        for v in value if isinstance(value, list) else [value]:
            member(key, v, list(choices), f.metadata.get("what", "name"))


def check_fields(prefix: str, obj: Any, default_rule: Check | None = None) -> None:
    """Every declared field of dataclass ``obj``, and of the dataclasses it holds (also as
    the values of a ``dict[str, Dataclass]``), in field order; the first failure raises
    ConfigError naming the full key."""
    for f in dataclasses.fields(obj):
        value, key = getattr(obj, f.name), f"{prefix}.{f.name}" if prefix else f.name
        if dataclasses.is_dataclass(value):
            check_fields(key, value, default_rule)
        elif isinstance(value, dict) and all(dataclasses.is_dataclass(v) for v in value.values()):
            for name, entry in value.items():
                check_fields(f"{key}.{name}", entry, default_rule)
        else:
            check_field(key, value, f, default_rule)


def rule_words(f: dataclasses.Field) -> str:
    """What a field allows, in words (for the docs)."""
    rule, choices = f.metadata.get("rule"), f.metadata.get("choices")
    if f.metadata.get("allowed"):
        return f.metadata["allowed"]
    if rule is not None:
        return rule[1]
    if choices is not None:
        return "one of " + ", ".join(map(str, choices))
    return ""
