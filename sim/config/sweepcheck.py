"""Check every value of every swept key before a multirun starts, about a millisecond each.

Hydra composes a config in ~0.3 s, so composing each job of a 1,000-run sweep would cost
minutes. Instead the first values are composed and validated once (``sim.cli.precheck``);
each other value of a swept key is then set on that validated config by its field's type and
checked with every rule (``rules.check_all``, the memory estimate, a strategy's own checks),
which takes about a millisecond. The same holds for the options of a swept config group
that only set values (a design of experiments' points, ``+doe=glob(...)``). Anything this
shortcut cannot judge (a group option with its own defaults, a new ``+key``, a list or a
mapping, an interpolation, a value the shortcut refuses) is composed in full by Hydra, so a
refusal always comes from the same code and with the same message as a single run's.
Values are checked one key at a time, the other keys at their first value.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig, FloatNode, IntegerNode, OmegaConf, StringNode

from sim.config.schema import SimConfig

ComposeFn = Callable[[list[str]], Any]  # composes and validates one override list, or raises


@dataclasses.dataclass
class Swept:
    key: str
    raw: str
    strings: list[str]  # the values as Hydra writes them into a job's override
    values: list[Any]  # the same values parsed (0.3 a float, null None, [1] a list)


def parse(overrides: list[str], loader: Any) -> list[Swept | str]:
    """Each non-hydra override: a Swept, or the raw text of a plain one."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    out: list[Swept | str] = []
    parser = OverridesParser.create(config_loader=loader)
    for raw, ov in zip(overrides, parser.parse_overrides(overrides)):
        key = ov.get_key_element()
        if key.lstrip("+~").split(".")[0].split("/")[0] == "hydra":
            continue
        if not ov.is_sweep_override():
            out.append(raw)
            continue
        strings = list(ov.sweep_string_iterator())
        if strings:  # glob() matching nothing: Hydra launches no job for it
            values = list(ov.sweep_iterator())
            out.append(Swept(key, raw, strings, values if len(values) == len(strings) else strings))
    return out


def firsts(parsed: list[Swept | str]) -> list[str]:
    return [f"{p.key}={p.strings[0]}" if isinstance(p, Swept) else p for p in parsed]


def check_every_value(
    parsed: list[Swept | str], sc: SimConfig, cfg: DictConfig, loader: Any, compose: ComposeFn
) -> None:
    """Raise the ConfigError of the first swept value any job would be refused for."""
    base = firsts(parsed)
    for i, p in enumerate(parsed):
        if not isinstance(p, Swept):
            continue
        group = _group(loader, p.key)
        first = _plain_option(loader, group, p.strings[0]) if group else None
        seen = {p.strings[0]}
        for s, v in zip(p.strings, p.values):
            if s in seen:
                continue
            seen.add(s)
            if group:
                sets = _option_values(loader, group, s, first, cfg)
            else:
                sets = {p.key: v}
            if sets is None or not passes(sc, sets):
                compose([*base[:i], f"{p.key}={s}", *base[i + 1 :]])


def _group(loader: Any, key: str) -> str | None:
    group = key.lstrip("+~").split("@", 1)[0]
    return group if loader is not None and loader.repository.group_exists(group) else None


def _plain_option(loader: Any, group: str, name: str) -> dict[str, Any] | None:
    """{dotted key: value} of a global option file that only sets scalars; None for any
    other option (a mapping with defaults, a list, a package, one not in a folder) and for
    a file that does not parse, so that composing it reports where."""
    path = _option_file(loader, group, name)
    if path is None:
        return None
    text = path.read_text()
    if _package(text) != "_global_":
        return None
    parser = _yaml_loader()(text)  # a safe loader (see _yaml_loader)
    try:
        data = parser.get_single_data()
    except yaml.YAMLError:  # composed in full: Hydra's error names the file, line and key
        return None
    finally:
        parser.dispose()
    if not isinstance(data, dict) or "defaults" in data:
        return None
    flat = _flatten(data)
    if flat is None or any(isinstance(v, str) and "${" in v for v in flat.values()):
        return None
    return flat


def _option_file(loader: Any, group: str, name: str) -> Path | None:
    """The file Hydra would read for ``group/name`` (the first source holding it), if that
    source is a folder."""
    for src in loader.repository.get_sources():
        if src.scheme() == "file":
            p = Path(src.path) / group / f"{name}.yaml"
            if p.is_file():
                return p
        elif src.is_config(f"{group}/{name}"):
            return None
    return None


def _package(text: str) -> str | None:
    """The ``# @package`` of a config file's leading comments, as Hydra reads it."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            break
        m = re.match(r"#\s*@package\s+(\S+)", line)
        if m:
            return m.group(1)
    return None


@functools.cache
def _yaml_loader() -> type:
    """OmegaConf's YAML rules (its float spellings such as 1e-3, no timestamps, a duplicated
    key refused) on libyaml's parser: ~10 times faster, for a design of a thousand points."""
    from omegaconf._utils import get_yaml_loader

    parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def construct_mapping(self: Any, node: Any, deep: bool = False) -> Any:
        keys = [
            k.value for k, _ in node.value if k.tag == yaml.resolver.Resolver.DEFAULT_SCALAR_TAG
        ]
        if len(keys) != len(set(keys)):
            raise yaml.constructor.ConstructorError(None, None, "duplicate key", node.start_mark)
        return yaml.constructor.SafeConstructor.construct_mapping(self, node, deep=deep)

    rules = get_yaml_loader().yaml_implicit_resolvers
    return type(
        "FastLoader",
        (parser,),
        {"construct_mapping": construct_mapping, "yaml_implicit_resolvers": rules},
    )


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            sub = _flatten(v, f"{prefix}{k}.")
            if sub is None:
                return None
            out.update(sub)
        elif isinstance(v, list):
            return None
        else:
            out[f"{prefix}{k}"] = v
    return out


def _option_values(
    loader: Any, group: str, name: str, first: dict[str, Any] | None, cfg: DictConfig
) -> dict[str, Any] | None:
    """The values option ``name`` sets in place of the first option's, when both only set the
    same scalars (else None: compose it). A key whose composed value is not the first
    option's was set again later (an override on the command line): that later value wins
    for every option, so the key is left as composed."""
    if first is None:
        return None
    this = _plain_option(loader, group, name)
    if this is None or this.keys() != first.keys():
        return None
    return {k: v for k, v in this.items() if OmegaConf.select(cfg, k) == first[k]}


def passes(sc: SimConfig, sets: dict[str, Any]) -> bool:
    """True if ``sc`` with the dotted keys of ``sets`` changed passes every check; False
    if it does not, or if this shortcut cannot tell."""
    from sim.config.params import check_field, check_fields
    from sim.config.rules import check_relations
    from sim.memory import check_memory

    try:
        new = _with(sc, sets)
        if new is None:
            return False
        # sc passed every check: only the changed fields, and the rules across fields
        fields = {f.name: f for f in dataclasses.fields(SimConfig)}
        for name in {k.split(".")[0] for k in sets}:
            value = getattr(new, name, None)
            if dataclasses.is_dataclass(value):
                check_fields(name, value)
            elif name in fields:
                check_field(name, value, fields[name], None)
        check_relations(new)
        check_memory(new)
        for side, chosen in new.strategies.items():
            for name, obj in chosen.items():
                obj.check(f"{side}.{name}")
                obj.check_world(f"{side}.{name}", new.world)
    except Exception:  # ConfigError, or a type OmegaConf refuses: composing gives the line
        return False
    return True


SCALED = {"world", "population", "graph"}  # groups world.scale derives values in
NODES: dict[type, Any] = {float: FloatNode, int: IntegerNode, str: StringNode}


def _with(sc: SimConfig, sets: dict[str, Any]) -> SimConfig | None:
    """A copy of ``sc`` with the values set through each field's type; None if unsupported."""
    new = sc
    for key, value in sets.items():
        parts = key.split(".")
        if not isinstance(value, (int, float, str, type(None))) or isinstance(value, bool):
            return None  # a list, a mapping, a quoted string, true/false: compose it
        if "${" in str(value) or key in ("world.scale", "graph.path", "scenario"):
            return None
        if sc.world.scale and parts[0] in SCALED:
            return None
        if parts[0] in new.strategies:
            side = parts[0]
            if len(parts) < 3 or parts[1] not in new.strategies[side]:
                return None
            obj = _replaced(new.strategies[side][parts[1]], parts[2:], value)
            if obj is None:
                return None
            chosen = {**new.strategies[side], parts[1]: obj}
            new = dataclasses.replace(new, strategies={**new.strategies, side: chosen})
            continue
        replaced = _replaced(new, parts, value)
        if replaced is None:
            return None
        new = replaced
    return new


def _replaced(obj: Any, path: list[str], value: Any) -> Any:
    """A copy of dataclass ``obj`` with the field at ``path`` set to ``value`` converted by
    the field's type as OmegaConf converts it ("0.3" -> 0.3, 1.5 refused for an integer);
    None where the path leaves the dataclasses or the type is not a plain scalar. Dicts of
    dataclasses (communities, narratives) are walked by entry name."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return None
    hints = _hints(type(obj))
    name = path[0]
    if name not in hints:
        return None
    if len(path) == 1:
        converted = _convert(hints[name], value)
        return None if converted is _NO else dataclasses.replace(obj, **{name: converted})
    child = getattr(obj, name)
    if isinstance(child, dict):
        if len(path) < 3 or path[1] not in child:
            return None
        entry = _replaced(child[path[1]], path[2:], value)
        return (
            None if entry is None else dataclasses.replace(obj, **{name: {**child, path[1]: entry}})
        )
    sub = _replaced(child, path[1:], value)
    return None if sub is None else dataclasses.replace(obj, **{name: sub})


_NO = object()


def _convert(t: Any, value: Any) -> Any:
    """``value`` as OmegaConf stores it in a field of type ``t``; _NO if ``t`` is not a plain
    scalar type (then the value is composed in full). Raises for a value the type refuses."""
    args = [a for a in typing.get_args(t) if a is not type(None)]
    optional = typing.get_origin(t) in (typing.Union, types.UnionType) and len(args) == 1
    base = args[0] if optional else t
    if base not in NODES:
        return _NO
    if value is None:
        if not optional:
            raise ValueError("null")
        return None
    return NODES[base](value=value)._value()


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)
