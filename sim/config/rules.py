"""Range and consistency rules, checked on plain dataclasses before a run.

Each check raises ``ConfigError(key, allowed)``; the first failure wins, so the user
sees one line naming the key and what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.config.schema import (
    ACTOR_KINDS,
    COMMUNITY_KINDS,
    GRAPH_KINDS,
    MODES,
    SOURCE_KINDS,
    SimConfig,
)
from sim.errors import ConfigError, unknown

Check = tuple[Callable[[Any], bool], str]
PROB: Check = (lambda v: 0.0 <= v <= 1.0, "a probability in [0, 1]")
POS: Check = (lambda v: v > 0, "a number > 0")
NONNEG: Check = (lambda v: v >= 0, "a number >= 0")
GRAPH_SUFFIXES = (".csv", ".tsv", ".graphml")


def rng(lo: float, hi: float, lo_open: bool = False, hi_open: bool = False) -> Check:
    def ok(v: float) -> bool:
        return (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)

    return ok, f"a number in {'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}"


def check(key: str, value: Any, rule: Check) -> None:
    ok, allowed = rule
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(key, f"{value} is not allowed; allowed: {allowed}")
    if not ok(value):
        raise ConfigError(key, f"{value!r} is out of range; allowed: {allowed}")


def check_window(key: str, start_day: float, end_day: float) -> None:
    """A time window in days: both ends >= 0 and the end not before the start."""
    check(f"{key}.start_day", start_day, NONNEG)
    check(f"{key}.end_day", end_day, NONNEG)
    if end_day < start_day:
        raise ConfigError(
            f"{key}.end_day",
            f"{end_day} is before start_day={start_day}; allowed: a day >= start_day",
        )


def member(key: str, value: str, choices, what: str = "name") -> None:
    if value not in choices:
        raise unknown(key, value, choices, what)


SPREAD_RULES = {
    "attention": ((lambda v: v >= 1), "an integer >= 1"),
    "beta": PROB,
    "gamma": PROB,
    "share_prob": PROB,
    "forget": PROB,
    "stifle": PROB,
    "confidence": rng(0, 1, lo_open=True),
    "opinion_step": PROB,
    "inoculation": PROB,
    "inoculation_halflife_days": rng(0, 3650),
    "belief_halflife_days": rng(0, 3650),
    "correction": PROB,
    "trust_loss": PROB,
    "trust_halflife_days": rng(0, 3650),
    "gaffe_attitude": PROB,
    "gaffe_trust": PROB,
    "initial": rng(0, 1, lo_open=True),
    "epsilon": rng(0, 1, lo_open=True),
    "mu": rng(0, 0.5, lo_open=True),
}


def check_world(c: SimConfig) -> None:
    w = c.world
    for name, items, lo, hi in (
        ("sides", w.sides, 2, 8),
        ("languages", w.languages, 1, 16),
        ("platforms", w.platforms, 1, 8),
    ):
        if not lo <= len(items) <= hi or len(set(items)) != len(items):
            raise ConfigError(
                f"world.{name}", f"needs {lo} to {hi} distinct names, got {list(items)}"
            )
    check("world.horizon_days", w.horizon_days, rng(0, 3650, lo_open=True))
    check("world.tick_hours", w.tick_hours, rng(0, 168, lo_open=True))
    check("world.support_threshold", w.support_threshold, rng(0, 1, hi_open=True))
    for side, hours in w.staff_hours_per_day.items():
        member("world.staff_hours_per_day", side, w.sides, "side")
        check(f"world.staff_hours_per_day.{side}", hours, rng(0, 1e9))
    if not w.narratives and c.mode == "infowar":
        raise ConfigError("world.narratives", "needs at least one narrative")
    for k, n in w.narratives.items():
        key = f"world.narratives.{k}"
        member(f"{key}.side", n.side, w.sides, "side")
        check(f"{key}.appeal", n.appeal, rng(0, 5))
        check(f"{key}.start_day", n.start_day, rng(0, w.horizon_days))
        check(f"{key}.seed_fraction", n.seed_fraction, PROB)
        if n.persuasion is not None:
            check(f"{key}.persuasion", n.persuasion, PROB)
        if n.belief_halflife_days is not None:
            check(f"{key}.belief_halflife_days", n.belief_halflife_days, rng(0, 3650))
        if n.debunks is not None:
            others = [o for o in w.narratives if o != k]
            member(f"{key}.debunks", n.debunks, others, "narrative")


def check_population(c: SimConfig) -> None:
    w, pop = c.world, c.population
    if not pop.communities:
        raise ConfigError("population.communities", "needs at least one community")
    for s, v in pop.trust.items():
        member("population.trust", s, SOURCE_KINDS, "source kind")
        check(f"population.trust.{s}", v, PROB)
    total = 0.0
    for name, cm in pop.communities.items():
        key = f"population.communities.{name}"
        check(f"{key}.share", cm.share, rng(0, 1, lo_open=True))
        total += cm.share
        member(f"{key}.kind", cm.kind, COMMUNITY_KINDS, "community kind")
        if cm.side is not None:
            member(f"{key}.side", cm.side, w.sides, "side")
        for attr, names in (("languages", w.languages), ("platforms", w.platforms)):
            probs = getattr(cm, attr)
            for item, p in probs.items():
                member(f"{key}.{attr}", item, names, attr[:-1])
                check(f"{key}.{attr}.{item}", p, PROB)
            if not any(p > 0 for p in probs.values()):
                raise ConfigError(
                    f"{key}.{attr}",
                    f"no {attr[:-1]} has probability > 0; "
                    f"give at least one of {', '.join(names)} a probability > 0",
                )
        check(f"{key}.opinion_mean", cm.opinion_mean, rng(-1, 1))
        check(f"{key}.opinion_sd", cm.opinion_sd, rng(0, 2))
        check(f"{key}.activity", cm.activity, rng(0, 1, lo_open=True))
        check(f"{key}.susceptibility", cm.susceptibility, rng(0, 10))
        for s, v in cm.trust.items():
            member(f"{key}.trust", s, SOURCE_KINDS, "source kind")
            check(f"{key}.trust.{s}", v, PROB)
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(
            "population.communities", f"shares sum to {total:.6g}; they must sum to 1"
        )


def check_graph(c: SimConfig) -> None:
    g = c.graph
    member("graph.kind", g.kind, GRAPH_KINDS, "graph kind")
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
    check("graph.homophily", g.homophily, PROB)
    check("graph.language_bias", g.language_bias, rng(0, 100))
    check("graph.hub_exponent", g.hub_exponent, rng(1, 10, lo_open=True))
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
        member(f"{key}.kind", g.kind, ACTOR_KINDS, "actor kind")
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
        check(
            f"{key}.accounts",
            g.accounts,
            ((lambda v: 0 <= v <= 100000), "an integer in [0, 100000]"),
        )
        check(f"{key}.posts_per_day", g.posts_per_day, rng(0, 10000))
        check(f"{key}.followers", g.followers, PROB)
        check(f"{key}.outside_followers", g.outside_followers, rng(0, 1, hi_open=True))
        check(f"{key}.quality", g.quality, PROB)
        check(f"{key}.moderation_per_day", g.moderation_per_day, PROB)
        check(f"{key}.staff_hours_per_post", g.staff_hours_per_post, rng(0, 1000))
        if g.gaffe_prob is not None:
            check(f"{key}.gaffe_prob", g.gaffe_prob, PROB)


def check_all(c: SimConfig) -> None:
    member("mode", c.mode, MODES, "mode")
    check("seed", c.seed, ((lambda v: 0 <= v < 2**63), "an integer in [0, 2^63)"))
    check_world(c)
    check_population(c)
    check_graph(c)
    check_actors(c)
    for k, rule in SPREAD_RULES.items():
        check(f"spread.{k}", getattr(c.spread, k), rule)
    check("output.max_memory_gb", c.output.max_memory_gb, NONNEG)
