"""Walk the dataclass schemas by key path, so every unknown key gets a "did you mean".

OmegaConf lets some unknown keys through (a ``+group.key=v`` override opens the struct
flag, and ``to_object`` then drops the extra key silently), so ``check_keys`` walks a
composed node against its schema before conversion. The schemas use postponed
annotations, hence ``get_type_hints`` rather than ``Field.type``.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from omegaconf import DictConfig

from sim.errors import ConfigError, did_you_mean


def _hints(schema: type) -> dict[str, Any]:
    return typing.get_type_hints(schema) if dataclasses.is_dataclass(schema) else {}


def _named_entries(t: Any) -> type | None:
    """The dataclass of the values when ``t`` is ``dict[str, SomeDataclass]``."""
    if typing.get_origin(t) is dict:
        args = typing.get_args(t)
        if len(args) == 2 and isinstance(args[1], type) and dataclasses.is_dataclass(args[1]):
            return args[1]
    return None


def schema_at(schema: type, path: list[str]) -> type | None:
    """The dataclass reached by following ``path`` (field names, and entry names inside
    ``dict[str, Dataclass]`` fields); None when the path leaves the schemas."""
    cur: Any = schema
    entries = False  # the next part names an entry of a dict[str, Dataclass]
    for part in path:
        if entries:
            entries = False
            continue
        t = _hints(cur).get(part)
        if t is None:
            return None
        if dataclasses.is_dataclass(t):
            cur = t
        elif (inner := _named_entries(t)) is not None:
            cur, entries = inner, True
        else:
            return None
    return None if entries else cur


def field_type(schema: type, path: list[str]) -> Any:
    """The declared type of the field at ``path`` (None when the path leaves the schemas)."""
    found = schema_at(schema, path[:-1])
    return _hints(found).get(path[-1]) if found is not None else None


def allowed_fields(schema: type, path: list[str]) -> list[str]:
    """Field names allowed at ``path`` below ``schema``."""
    found = schema_at(schema, path)
    return [f.name for f in dataclasses.fields(found)] if found is not None else []


def check_keys(prefix: str, schema: type, node: Any) -> None:
    """Raise ConfigError for the first key of ``node`` that ``schema`` does not define."""
    if not isinstance(node, (DictConfig, dict)) or not dataclasses.is_dataclass(schema):
        return
    hints = _hints(schema)
    for k in node:
        key = f"{prefix}.{k!s}"
        if k not in hints:
            names = list(hints)
            raise ConfigError(
                key,
                f"unknown key '{k!s}'{did_you_mean(str(k), names)}; allowed: {', '.join(names)}",
            )
        t, sub = hints[k], node[k]
        if isinstance(t, type) and dataclasses.is_dataclass(t):
            check_keys(key, t, sub)
        elif (inner := _named_entries(t)) is not None and isinstance(sub, (DictConfig, dict)):
            for name in sub:
                check_keys(f"{key}.{name!s}", inner, sub[name])


TYPE_WORDS = {
    "Integer": "an integer",
    "Float": "a number",
    "Boolean": "true or false",
    "bool": "true or false",
}


def friendly_type_message(msg: str) -> str:
    """'Value 'x' of type 'str' could not be converted to Integer' -> names what is allowed."""
    for word, allowed in TYPE_WORDS.items():
        if msg.endswith(f"converted to {word}") or f"not a valid {word}" in msg:
            value = msg.split("'", 2)[1] if msg.count("'") >= 2 else "the value"
            return f"'{value}' is not {allowed}; allowed: {allowed}"
    if "is not a ListConfig, list or tuple" in msg:
        return "needs a list, e.g. [a,b]; allowed: a list"
    return msg
