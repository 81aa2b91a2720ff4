"""Rules across fields, checked on plain dataclasses before a run.

A rule about one field lives with the field (``param(default, rule)`` in
``sim/config/schema.py``) and is checked by ``check_fields``; this module holds only what
ties fields together: names that must exist in the world, shares that sum to 1, sizes
relative to the graph, a host community's audience. Each check raises
``ConfigError(key, allowed)``; the first failure wins, so the user sees one line naming the
key and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.config.events import check_events
from sim.config.params import (
    NONNEG,
    POS,
    PROB,
    Check,
    check,
    check_fields,
    check_window,
    member,
    rng,
)
from sim.config.schema import SOURCE_KINDS, SimConfig
from sim.errors import ConfigError

# The single-field rules live with ``param`` in sim.config.params; strategies import them
# from here too.
__all__ = ["NONNEG", "POS", "PROB", "Check", "check", "check_all", "check_window", "member", "rng"]
GRAPH_SUFFIXES = (".csv", ".tsv", ".graphml")


def check_world(c: SimConfig) -> None:
    w = c.world
    if len(w.sides) != 2 or len(set(w.sides)) != 2:
        # opinion is one axis (+1: first side, -1: second): a third side has no direction
        raise ConfigError(
            "world.sides",
            f"needs exactly 2 distinct names (home role first, rival second), got {list(w.sides)}",
        )
    for name, items, lo, hi in (
        ("languages", w.languages, 1, 16),
        ("platforms", w.platforms, 1, 8),
    ):
        if not lo <= len(items) <= hi or len(set(items)) != len(items):
            raise ConfigError(
                f"world.{name}", f"needs {lo} to {hi} distinct names, got {list(items)}"
            )
    check_side_names(list(w.sides))
    if c.output.measure_platform:
        member("output.measure_platform", c.output.measure_platform, w.platforms, "platform")
    check_whole_ticks(w.horizon_days, w.tick_hours)
    for side, hours in w.staff_hours_per_day.items():
        member("world.staff_hours_per_day", side, w.sides, "side")
        check(f"world.staff_hours_per_day.{side}", hours, rng(0, 1e9))
    if not w.narratives and c.mode == "infowar":
        raise ConfigError("world.narratives", "needs at least one narrative")
    for k, n in w.narratives.items():
        key = f"world.narratives.{k}"
        member(f"{key}.side", n.side, w.sides, "side")
        check(f"{key}.start_day", n.start_day, rng(0, w.horizon_days))
        if n.debunks is not None:
            others = [o for o in w.narratives if o != k]
            member(f"{key}.debunks", n.debunks, others, "narrative")


# Names a side cannot take: its strategies live at the top level under the side's name.
RESERVED_NAMES = frozenset(
    {"world", "population", "graph", "actors", "spread", "output", "seed", "mode", "scenario"}
    | {"hydra", "strategy", "experiment", "doe"}
)


def check_side_names(sides: list[str]) -> None:
    taken = [s for s in sides if s in RESERVED_NAMES]
    if taken:
        raise ConfigError(
            "world.sides",
            f"'{taken[0]}' is a top-level key (a side's strategies are configured under its "
            f"name); choose another name, not one of {', '.join(sorted(RESERVED_NAMES))}",
        )


def check_whole_ticks(horizon_days: float, tick_hours: float) -> None:
    """The horizon is a whole number of ticks, so the run lasts exactly what was asked."""
    ticks = horizon_days * 24 / tick_hours
    whole = max(1, round(ticks))
    if abs(ticks - whole) > 1e-6 * whole:
        near = whole * tick_hours / 24
        raise ConfigError(
            "world.horizon_days",
            f"{horizon_days} days is {ticks:.4g} ticks of world.tick_hours={tick_hours:g}; it "
            f"must be a whole number of ticks (e.g. world.horizon_days={near:g})",
        )


def check_strategy_windows(c: SimConfig) -> None:
    """A strategy that starts after the horizon would never act: refuse it."""
    for side, chosen in c.strategies.items():
        for name, sc in chosen.items():
            start = getattr(sc, "start_day", None)
            if start is not None and start >= c.world.horizon_days:
                raise ConfigError(
                    f"{side}.{name}.start_day",
                    f"{start:g} is not before the end of the run "
                    f"(world.horizon_days={c.world.horizon_days:g}): the strategy would never "
                    "act; start it earlier or lengthen the horizon",
                )


def _probabilities(key: str, probs: dict[str, float], names: list[str], what: str) -> None:
    """A name -> probability mapping: known names, probabilities in [0, 1]."""
    for item, p in probs.items():
        member(key, item, names, what)
        check(f"{key}.{item}", p, PROB)


def _check_audience(key: str, audience: str, side: str | None) -> None:
    """An own audience belongs to a side; an ally or contested one to none."""
    if audience == "own" and side is None:
        raise ConfigError(f"{key}.audience", f"'own' needs {key}.side (a community of a side)")
    if audience in ("ally", "contested") and side is not None:
        raise ConfigError(
            f"{key}.audience",
            f"'{audience}' is for an audience of no side, but side is '{side}'; "
            "allowed here: own or auto",
        )


def check_population(c: SimConfig) -> None:
    w, pop = c.world, c.population
    if not pop.communities:
        raise ConfigError("population.communities", "needs at least one community")
    _probabilities("population.trust", pop.trust, list(SOURCE_KINDS), "source kind")
    for name, cm in pop.communities.items():
        key = f"population.communities.{name}"
        if cm.side is not None:
            member(f"{key}.side", cm.side, w.sides, "side")
        _check_audience(key, cm.audience, cm.side)
        for attr, names in (("languages", w.languages), ("platforms", w.platforms)):
            probs = getattr(cm, attr)
            _probabilities(f"{key}.{attr}", probs, names, attr[:-1])
            if not any(p > 0 for p in probs.values()):
                raise ConfigError(
                    f"{key}.{attr}",
                    f"no {attr[:-1]} has probability > 0; "
                    f"give at least one of {', '.join(names)} a probability > 0",
                )
        _probabilities(f"{key}.trust", cm.trust, list(SOURCE_KINDS), "source kind")
    total = sum(cm.share for cm in pop.communities.values())
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(
            "population.communities", f"shares sum to {total:.6g}; they must sum to 1"
        )


def check_graph(c: SimConfig) -> None:
    g = c.graph
    if g.kind == "file":
        check("graph.n", g.n, ((lambda v: v >= 0), "an integer >= 0 (0: infer from the file)"))
        if not g.path:
            raise ConfigError(
                "graph.path", "is empty; give an edge list (.csv/.tsv) or .graphml file"
            )
        check_graph_file(g.path)
        return
    check("graph.n", g.n, ((lambda v: v >= 2), "an integer >= 2"))
    check(
        "graph.mean_degree",
        g.mean_degree,
        ((lambda v: 0 < v < g.n), f"a number in (0, graph.n={g.n})"),
    )
    check("graph.m", g.m, ((lambda v: 1 <= v < g.n), f"an integer in [1, graph.n={g.n})"))
    if c.mode == "infowar":
        for name, cm in c.population.communities.items():
            if cm.share * g.n < 1:
                raise ConfigError(
                    f"population.communities.{name}.share",
                    f"{cm.share} x graph.n={g.n} users leaves it empty; raise the share or graph.n",
                )


def check_graph_file(path: str) -> None:
    """Cheap checks before the run; the loader (sim.graph.load) checks the contents."""
    p = Path(path).expanduser()
    sfx = [x.lower() for x in p.suffixes[-2:]]
    kind = sfx[0] if len(sfx) == 2 and sfx[1] in (".gz", ".bz2") else p.suffix.lower()
    if kind not in GRAPH_SUFFIXES:
        raise ConfigError(
            "graph.path",
            f"'{path}' has an unsupported type; allowed: .csv, .tsv "
            "(optionally .gz/.bz2), .graphml files",
        )
    if not p.is_file():
        raise ConfigError(
            "graph.path",
            f"file '{path}' does not exist; give an existing {'/'.join(GRAPH_SUFFIXES)} file",
        )
    if p.stat().st_size == 0:
        raise ConfigError(
            "graph.path", f"file '{path}' is empty; it needs one edge per line (or GraphML)"
        )


def check_audience(key: str, group: Any, c: SimConfig) -> None:
    """Every host community must read one of the group's languages on one of its platforms."""
    w = c.world
    langs = list(group.languages) or w.languages[:1]
    plats = list(group.platforms) or list(w.platforms)
    for h in group.hosts:
        cm = c.population.communities[h]
        if not any(cm.languages.get(x, 0) > 0 for x in langs):
            spoken = [x for x, p in cm.languages.items() if p > 0]
            raise ConfigError(
                f"{key}.hosts",
                f"host '{h}' has no audience: nobody there reads "
                f"{', '.join(langs)}; add one of {', '.join(spoken)} to {key}.languages",
            )
        if not any(cm.platforms.get(x, 0) > 0 for x in plats):
            used = [x for x, p in cm.platforms.items() if p > 0]
            raise ConfigError(
                f"{key}.hosts",
                f"host '{h}' has no audience: nobody there uses "
                f"{', '.join(plats)}; add one of {', '.join(used)} to {key}.platforms",
            )


def check_actors(c: SimConfig) -> None:
    w = c.world
    comms = list(c.population.communities)
    for name, g in c.actors.groups.items():
        key = f"actors.groups.{name}"
        member(f"{key}.side", g.side, w.sides, "side")
        if not g.hosts:
            raise ConfigError(f"{key}.hosts", "is empty; name the communities it targets")
        for h in g.hosts:
            member(f"{key}.hosts", h, comms, "community")
        for lang in g.languages:
            member(f"{key}.languages", lang, w.languages, "language")
        for p in g.platforms:
            member(f"{key}.platforms", p, w.platforms, "platform")
        for k in g.narratives:
            member(f"{key}.narratives", k, list(w.narratives), "narrative")
        check_audience(key, g, c)


def check_all(c: SimConfig) -> None:
    """Every field against its declaration, then the rules across fields."""
    check_fields("", c)
    check_relations(c)


def check_relations(c: SimConfig) -> None:
    """The rules across fields (a sweep's precheck runs them for each value of a swept key
    after checking only the fields that changed)."""
    check_world(c)
    check_events(c)
    check_population(c)
    check_graph(c)
    check_actors(c)
    check_strategy_windows(c)
