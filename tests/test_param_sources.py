"""Every behavioural parameter of the spread and of every strategy states a plausible range
and where it comes from, and its default lies inside (issue 15, item 7). Budgets, windows
and switches are choices rather than quantities with a true value (docs/parameters.md)."""

from __future__ import annotations

import dataclasses

import pytest

from sim.config.params import is_number
from sim.config.schema import SpreadConfig
from sim.strategies import load_all

CHOICES = {"budget", "start_day", "end_day"}  # what a side or an experiment chooses


def behavioural(schema: type, skip: set[str]) -> list[tuple[str, dataclasses.Field]]:
    """The numeric fields of ``schema`` that are not choices."""
    d = schema()
    return [
        (f.name, f)
        for f in dataclasses.fields(schema)
        if f.name not in skip and is_number(getattr(d, f.name))
    ]


def cases() -> list[tuple[str, type, str, dataclasses.Field]]:
    out: list[tuple[str, type, str, dataclasses.Field]] = [
        ("spread", SpreadConfig, n, f) for n, f in behavioural(SpreadConfig, set())
    ]
    for name, cls in sorted(load_all().items()):
        out += [(name, cls.Config, n, f) for n, f in behavioural(cls.Config, CHOICES)]
    return out


@pytest.mark.parametrize(
    "group,schema,name,field", [pytest.param(*c, id=f"{c[0]}.{c[2]}") for c in cases()]
)
def test_behavioural_param_has_a_sourced_range_holding_its_default(
    group: str, schema: type, name: str, field: dataclasses.Field
) -> None:
    lo_hi, source = field.metadata.get("plausible"), field.metadata.get("source", "")
    assert lo_hi is not None, f"{group}.{name}: no plausible range"
    assert source.strip(), f"{group}.{name}: no source"
    default = getattr(schema(), name)
    assert lo_hi[0] <= default <= lo_hi[1], f"{group}.{name}: default {default} outside {lo_hi}"


def test_every_strategy_and_spread_field_is_covered() -> None:
    """The selection is not empty for any strategy with numeric knobs, and spread.attention
    (once without a range) is among them."""
    names = {(g, n) for g, _, n, _ in cases()}
    assert ("spread", "attention") in names and ("rapid_response", "threshold") in names
    assert len(names) >= 80
