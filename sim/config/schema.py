"""Typed configuration schema.

These dataclasses are registered in Hydra's ConfigStore (see ``store.py``) so that
YAML files and command-line overrides are type-checked at composition time. After
validation (``validate.py``) the model receives instances of these classes, never a
DictConfig. Mappings keyed by name (narratives, communities, actor groups) keep
overrides short: ``world.narratives.rival_fake.appeal=2``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.events import EventConfig
from sim.config.params import NONNEG, PROB, Check, param, rng

MODES = ("infowar", "sir", "rumor", "deffuant")
DRAW_MODES = ("per_user", "sequential")  # spread.draws (sim.draws)
ENGINES = ("auto", "compiled", "numpy")  # spread.engine (sim.kernel.make_kernel)
GRAPH_KINDS = ("social", "er", "ba", "file")
ACTOR_KINDS = (
    "head_of_state",
    "ministry",
    "embassy",
    "diaspora",
    "ngo",
    "bots",
    "media",
    "factchecker",
)
# Source kinds that a community trusts to different degrees. Every actor kind maps to
# one of them (see ``sim.actors.base.SOURCE_OF_KIND``); ordinary users are "peer".
SOURCE_KINDS = ("state", "embassy", "diaspora", "ngo", "media", "peer", "unknown")
COMMUNITY_KINDS = ("domestic", "diaspora", "international")
# How a community's outcomes are grouped in summary.json's ``audiences`` (docs/model.md):
# "own" = a side's domestic or diaspora users, "ally" = an international audience that
# leans to one side from the start, "contested" = an international audience both sides
# court; "auto" = own if the community has a side, else contested.
AUDIENCES = ("auto", "own", "ally", "contested")
# Chance that one post of an actor kind is a gaffe (read as the side's official position);
# ``actors.groups.<g>.gaffe_prob`` overrides it. No source gives rates: docs/parameters.md.
GAFFE_PROB = {
    "head_of_state": 0.002,
    "ministry": 0.003,
    "embassy": 0.005,
    "diaspora": 0.01,
    "ngo": 0.002,
    "bots": 0.0,
    "media": 0.002,
    "factchecker": 0.001,
}
HALFLIFE: Check = rng(0, 3650)  # days; 0: no decay
NO_SOURCE = "no source"
PERSUASION_SRC = "Kalla & Broockman 2018; Eady et al. 2023; Bail et al. 2020 (mapping assumed)"


SEED: Check = (lambda v: 0 <= v < 2**63, "an integer in [0, 2^63)")


@dataclass
class NarrativeConfig:
    """A story one side pushes. A debunk names the narrative it refutes in ``debunks``."""

    side: str = param("home", doc="the side that pushes it", allowed="a name of world.sides")
    truthful: bool = param(True, doc="false narratives are the misinformation")
    appeal: float = param(
        1.0,
        rng(0, 5),
        plausible=(0.5, 2.0),
        source="Vosoughi et al. 2018: false/true about 1.7 (mapping assumed)",
        doc="emotional charge: multiplies the belief probability",
    )
    label: str = param("", doc="hashtag; empty: the narrative's key")
    debunks: str | None = param(
        None, doc="the narrative this one refutes", allowed="another narrative's name"
    )
    start_day: float = param(
        0.0, doc="actors push it from this day on", allowed="a day in [0, world.horizon_days]"
    )
    seed_fraction: float = param(
        0.0, PROB, doc="believers at t=0 among the users of the communities of its side"
    )
    persuasion: float | None = param(
        None,
        PROB,
        plausible=(0.0, 0.05),
        source=PERSUASION_SRC,
        doc="attitude pull per adoption; none: spread.opinion_step (0 for a debunk)",
    )
    belief_halflife_days: float | None = param(
        None,
        HALFLIFE,
        plausible=(2, 30),
        source=NO_SOURCE,
        doc="forgetting of this claim; none: spread.belief_halflife_days",
    )


@dataclass
class WorldConfig:
    name: str = param("default", doc="the world's name")
    sides: list[str] = param(
        ["home", "rival"],
        doc="the first plays home, the second rival",
        allowed="exactly 2 distinct names",
    )
    languages: list[str] = param(["az", "hy", "en", "ru"], allowed="1 to 16 distinct names")
    platforms: list[str] = param(
        ["twitter", "facebook", "instagram"], allowed="1 to 8 distinct names"
    )
    narratives: dict[str, NarrativeConfig] = field(default_factory=dict)
    horizon_days: float = param(14.0, rng(0, 3650, lo_open=True), doc="length of the run")
    tick_hours: float = param(1.0, rng(0.01, 168), doc="hours per step (36 s to a week)")
    support_threshold: float = param(
        0.2, rng(0, 1, hi_open=True), doc="|opinion| above this counts as supporting a side"
    )
    scale: float = param(
        0.0, NONNEG, doc="> 0: simulated users per real user; graph.n and shares from real_size"
    )
    staff_hours_per_day: dict[str, float] = param(
        {},
        source="docs/sources.md: staff shortage, no figure",
        doc="staff-hours a side's strategies may spend a day together (unset: unlimited)",
        allowed="side names, each a number in [0, 1e9]",
    )
    start_date: str = param(
        "", doc="the calendar date of day 0 (YYYY-MM-DD; '': days only)", allowed="a date or ''"
    )
    events: dict[str, EventConfig] = field(default_factory=dict)  # scheduled shocks, by name


@dataclass
class CommunityConfig:
    share: float = param(0.1, rng(0, 1, lo_open=True), doc="fraction of all users")
    real_size: float = param(
        0.0, NONNEG, doc="real users it stands for (used when world.scale > 0)"
    )
    kind: str = param(
        "international", choices=COMMUNITY_KINDS, what="community kind", doc="what it is"
    )
    side: str | None = param(
        None, doc="the side a domestic/diaspora community belongs to", allowed="a side or none"
    )
    audience: str = param(
        "auto",
        choices=AUDIENCES,
        what="audience role",
        doc="outcome group: own (has a side), ally or contested (international); "
        "auto: own with a side, else contested",
        allowed="own needs side; ally and contested need no side",
    )
    languages: dict[str, float] = param(
        {}, doc="P(speaks) per language", allowed="probabilities, at least one > 0"
    )
    platforms: dict[str, float] = param(
        {}, doc="P(uses) per platform", allowed="probabilities, at least one > 0"
    )
    opinion_mean: float = param(0.0, rng(-1, 1), doc="mean initial opinion (+1: first side)")
    opinion_sd: float = param(0.3, rng(0, 2), doc="spread of the initial opinion")
    activity: float = param(0.35, rng(0, 1, lo_open=True), doc="P(reads its feed in a tick)")
    susceptibility: float = param(1.0, rng(0, 10), doc="multiplies the belief probability")
    trust: dict[str, float] = param(
        {}, doc="trust per source kind, overriding population.trust", allowed="probabilities"
    )


@dataclass
class PopulationConfig:
    communities: dict[str, CommunityConfig] = field(default_factory=dict)
    trust: dict[str, float] = param(
        {
            "state": 0.5,
            "embassy": 0.5,
            "diaspora": 0.5,
            "ngo": 0.6,
            "media": 0.6,
            "peer": 0.4,
            "unknown": 0.2,
        },
        doc="trust in each source kind: weighs the belief probability",
        allowed="probabilities per source kind",
    )


@dataclass
class GraphConfig:
    kind: str = param("social", choices=GRAPH_KINDS, what="graph kind", doc="how it is built")
    n: int = param(
        20000,
        doc="users (kind=file: 0 infers it from the file)",
        allowed="an integer >= 2 (kind=file: >= 0)",
    )
    mean_degree: float = param(
        12.0, doc="follows per user (social, er)", allowed="a number in (0, graph.n)"
    )
    m: int = param(4, doc="edges per new node (ba)", allowed="an integer in [1, graph.n)")
    homophily: float = param(
        0.8, PROB, doc="social: share of follows inside the user's own community"
    )
    language_bias: float = param(
        4.0, rng(0, 100), doc="social: weight of a shared language for cross-community follows"
    )
    hub_exponent: float = param(
        2.2, rng(1, 10, lo_open=True), doc="social: tail exponent of the in-degree law"
    )
    fitness_cap: float = param(
        0.0,
        NONNEG,
        doc="social: largest popularity fitness (the smallest is 1; 0: no cap). A cap keeps "
        "the in-degree law the same at every graph size (scaled scenarios set it)",
    )
    path: str = param("", doc="file: edge list (.csv/.tsv, optionally .gz/.bz2) or .graphml")
    community_attr: str = param(
        "community", doc="file: node attribute or column naming each user's community"
    )


@dataclass
class ActorGroupConfig:
    """A group of actors of one kind and side, e.g. all embassies of the home side."""

    side: str = param("home", doc="whose actors", allowed="a name of world.sides")
    kind: str = param("embassy", choices=ACTOR_KINDS, what="actor kind", doc="what they are")
    hosts: list[str] = param([], doc="target communities", allowed="community names, >= 1")
    per_host: bool = param(False, doc="one actor per host community (embassies)")
    accounts: int = param(
        1, (lambda v: 0 <= v <= 100000, "an integer in [0, 100000]"), doc="accounts per actor"
    )
    posts_per_day: float = param(3.0, rng(0, 10000), doc="posts per account per day")
    languages: list[str] = param(
        [],
        doc="languages it posts in (empty: the world's first)",
        allowed="names of world.languages",
    )
    platforms: list[str] = param(
        [], doc="platforms it posts on (empty: all)", allowed="names of world.platforms"
    )
    followers: float = param(
        0.05, PROB, doc="share of each target community following each account"
    )
    outside_followers: float = param(
        0.1, rng(0, 1, hi_open=True), doc="share of followers drawn from other communities"
    )
    quality: float = param(0.7, PROB, doc="persuasiveness of a post")
    narratives: list[str] = param(
        [], doc="stories it pushes (empty: its side's own)", allowed="narrative names"
    )
    moderation_per_day: float = param(0.0, PROB, doc="P(an account is removed per day) (bots)")
    staff_hours_per_post: float = param(0.5, rng(0, 1000), doc="cost of one post in staff-hours")
    gaffe_prob: float | None = param(
        None,
        PROB,
        plausible=(0.0, 0.02),
        source=NO_SOURCE,
        doc="P(a post is a gaffe); none: the kind's rate (GAFFE_PROB)",
    )


@dataclass
class ActorsConfig:
    groups: dict[str, ActorGroupConfig] = field(default_factory=dict)


@dataclass
class SpreadConfig:
    attention: int = param(
        10,
        (lambda v: v >= 1, "an integer >= 1"),
        plausible=(3, 50),
        source="no source: assumption (an active hour's scrolling reads a few to tens of posts)",
        doc="posts an active user reads per tick",
    )
    beta: float = param(
        0.25,
        PROB,
        plausible=(0.05, 0.4),
        source="no source (Goel et al. 2016: shallow cascades)",
        doc="base belief probability per read post; sir/rumor: transmission",
    )
    gamma: float = param(
        0.1,
        PROB,
        plausible=(0.01, 0.5),
        source="no source: textbook validation mode (sir), any value is a valid test",
        doc="sir: recovery probability per tick",
    )
    share_prob: float = param(
        0.5,
        PROB,
        plausible=(0.2, 0.9),
        source=NO_SOURCE,
        doc="P(a sharing believer reshares in an active tick)",
    )
    forget: float = param(
        0.05, PROB, plausible=(0.02, 0.15), source=NO_SOURCE, doc="P(a sharer stops per tick)"
    )
    stifle: float = param(
        0.15,
        PROB,
        plausible=(0.0, 0.3),
        source=NO_SOURCE,
        doc="P(a sharer stops per re-read of the same story)",
    )
    confidence: float = param(
        0.6,
        rng(0, 1, lo_open=True),
        plausible=(0.3, 0.8),
        source=NO_SOURCE,
        doc="bounded-confidence width on the [0, 1] scale",
    )
    opinion_step: float = param(
        0.02,
        PROB,
        plausible=(0.0, 0.05),
        source=PERSUASION_SRC,
        doc="persuasion: attitude pull of a newly believed claim (debunks: 0)",
    )
    inoculation: float = param(
        0.3,
        PROB,
        plausible=(0.1, 0.5),
        source="Roozenbeek et al. 2022: modest effects (mapping assumed)",
        doc="efficacy of a prebunk: belief probability x (1 - this)",
    )
    inoculation_halflife_days: float = param(
        30.0,
        HALFLIFE,
        plausible=(14, 90),
        source="Maertens et al. 2021, 2025: about one to three months",
        doc="inoculation wanes with this half-life (0: never)",
    )
    belief_halflife_days: float = param(
        7.0,
        HALFLIFE,
        plausible=(2, 30),
        source=NO_SOURCE,
        doc="a believer who stopped sharing forgets with this half-life (0: never)",
    )
    correction: float = param(
        0.5,
        PROB,
        plausible=(0.2, 0.8),
        source="Walter et al. 2020; Chan et al. 2017; Chan & Albarracin 2023 (mapping assumed)",
        doc="P(a believer who accepts a correction rejects the claim; else a residue stays)",
    )
    trust_loss: float = param(
        0.2,
        PROB,
        plausible=(0.05, 0.4),
        source=NO_SOURCE,
        doc="share of its trust in a side a reader loses on accepting its claim debunked",
    )
    trust_halflife_days: float = param(
        30.0,
        HALFLIFE,
        plausible=(7, 180),
        source=NO_SOURCE,
        doc="trust drifts back to its start value with this half-life (0: never)",
    )
    gaffe_attitude: float = param(
        0.05,
        PROB,
        plausible=(0.0, 0.1),
        source=NO_SOURCE,
        doc="pull away from the side per gaffe read",
    )
    gaffe_trust: float = param(
        0.05,
        PROB,
        plausible=(0.0, 0.2),
        source=NO_SOURCE,
        doc="share of its trust in the side a reader loses per gaffe read",
    )
    draws: str = param(
        "per_user",
        choices=DRAW_MODES,
        what="draw mode",
        doc="the crowd's random choices: per_user keyed uniforms (common random numbers "
        "across arms) or sequential from one stream (before issue 16)",
    )
    engine: str = param(
        "auto",
        choices=ENGINES,
        what="spread engine",
        doc="the spread phases as compiled numba loops or as numpy calls (the reference): "
        "the same runs draw for draw; auto compiles runs of at least 10^6 users x ticks "
        "(smaller ones finish before numba loads); draws=sequential always runs numpy",
    )
    initial: float = param(
        0.001,
        rng(0, 1, lo_open=True),
        plausible=(0.0001, 0.01),
        source="no source: validation modes seed a small share",
        doc="validation modes: seeded share",
    )
    epsilon: float = param(
        0.2,
        rng(0, 1, lo_open=True),
        plausible=(0.1, 0.5),
        source="no source: textbook validation mode (deffuant)",
        doc="deffuant: confidence bound on the [0, 1] scale",
    )
    mu: float = param(
        0.3,
        rng(0, 0.5, lo_open=True),
        plausible=(0.1, 0.5),
        source="no source: textbook validation mode (deffuant: mu <= 0.5 by definition)",
        doc="deffuant: convergence rate",
    )


@dataclass
class OutputConfig:
    figures: bool = param(True, doc="write the run's figures")
    progress: bool = param(True, doc="show a progress bar")
    quiet: bool = param(False, doc="no summary table on stdout")
    thesis_tables: bool = param(
        False, doc="add the thesis's calibration statistics and tables (karabakh2020 sets it)"
    )
    measure_platform: str = param(
        "",
        doc="also count reshares and hashtag volume on this platform alone ('': off); "
        "karabakh2020 sets twitter, where the thesis measured",
    )
    max_memory_gb: float = param(0.0, NONNEG, doc="0: use the machine's available memory")
    cascades: bool = param(
        False, doc="record who converted whom: cascades.parquet, cascade metrics and figures"
    )
    overwrite: bool = param(
        False, doc="replace an earlier run in hydra.run.dir instead of refusing"
    )


@dataclass
class SimConfig:
    """The whole run. ``strategies`` maps side -> strategy name -> its config object."""

    seed: int = param(0, SEED, doc="the one seed every named random stream derives from")
    mode: str = param(
        "infowar", choices=MODES, what="mode", doc="infowar, or a validation mode of the kernel"
    )
    scenario: str = param("default", doc="the scenario's name (set by conf/scenario/*.yaml)")
    world: WorldConfig = field(default_factory=WorldConfig)
    population: PopulationConfig = field(default_factory=PopulationConfig)
    graph: GraphConfig = field(default_factory=GraphConfig)
    actors: ActorsConfig = field(default_factory=ActorsConfig)
    spread: SpreadConfig = field(default_factory=SpreadConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    strategies: dict[str, dict[str, Any]] = field(default_factory=dict)


# The config groups with a schema, in the order they are validated: the one list that
# the ConfigStore registration, validation and error messages all read.
GROUPS: dict[str, type] = {
    "world": WorldConfig,
    "population": PopulationConfig,
    "graph": GraphConfig,
    "actors": ActorsConfig,
    "spread": SpreadConfig,
    "output": OutputConfig,
}
