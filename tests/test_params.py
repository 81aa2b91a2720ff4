"""One declaration per parameter (sim.config.params): every field of the core schemas is
declared with param(); the declared rules are what the checker enforces, with full keys."""

from __future__ import annotations

import dataclasses
import math

import pytest

from sim.config.params import check_fields, param, rng, rule_words
from sim.config.schema import GROUPS, SimConfig
from sim.errors import ConfigError


def _schemas() -> list[type]:
    from sim.config.keys import _hints, _named_entries

    out, todo = [], [SimConfig, *GROUPS.values()]
    while todo:
        s = todo.pop()
        if s in out:
            continue
        out.append(s)
        for t in _hints(s).values():
            if isinstance(t, type) and dataclasses.is_dataclass(t):
                todo.append(t)
            elif (inner := _named_entries(t)) is not None:
                todo.append(inner)
    return out


@pytest.mark.parametrize("schema", _schemas(), ids=lambda s: s.__name__)
def test_every_core_field_is_declared(schema) -> None:
    """Leaves (not nested groups or name-keyed entries) carry a param() declaration with
    its meaning, and every number says what it allows."""
    from sim.config.keys import _hints, _named_entries

    hints = _hints(schema)
    for f in dataclasses.fields(schema):
        t = hints[f.name]
        if dataclasses.is_dataclass(t) or _named_entries(t) is not None or f.name == "strategies":
            continue
        assert "rule" in f.metadata, f"{schema.__name__}.{f.name}: declare it with param()"
        assert f.metadata["doc"] or f.name in ("languages", "platforms"), (
            f"{schema.__name__}.{f.name}: give it a doc"
        )
        if t in (int, float, "int", "float"):
            assert rule_words(f), f"{schema.__name__}.{f.name}: say what it allows"


def _nested_bad(path: list[str], value) -> SimConfig:
    from sim.config.schema import CommunityConfig

    cfg = SimConfig()
    cfg.population.communities["c1"] = CommunityConfig()
    obj = cfg
    for part in path[:-1]:
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    setattr(obj, path[-1], value)
    return cfg


@pytest.mark.parametrize(
    "path,value",
    [
        (["spread", "beta"], 1.5),
        (["spread", "attention"], 0),
        (["seed"], -1),
        (["population", "communities", "c1", "activity"], 0.0),
        (["population", "communities", "c1", "kind"], "lunar"),
        (["graph", "homophily"], math.nan),
        (["mode"], "chaos"),
    ],
)
def test_declared_rules_are_checked_with_the_full_key(path, value) -> None:
    with pytest.raises(ConfigError) as e:
        check_fields("", _nested_bad(path, value))
    assert e.value.key == ".".join(path)


def test_defaults_pass_and_metadata_is_kept() -> None:
    check_fields("", SimConfig())

    @dataclasses.dataclass
    class Demo:
        x: float = param(0.5, rng(0, 1), plausible=(0.1, 0.3), source="a survey", doc="x")
        names: list[str] = param(["a"], choices=["a", "b"], what="letter")

    f = {f.name: f for f in dataclasses.fields(Demo)}
    assert f["x"].metadata["plausible"] == (0.1, 0.3) and f["x"].metadata["source"] == "a survey"
    a, b = Demo(), Demo()
    a.names.append("b")
    assert b.names == ["a"]  # a list default is copied per instance
    with pytest.raises(ConfigError, match="unknown letter 'c'"):
        check_fields("demo", Demo(names=["c"]))
