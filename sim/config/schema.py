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

MODES = ("infowar", "sir", "rumor", "deffuant")
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


@dataclass
class NarrativeConfig:
    """A story one side pushes. A debunk names the narrative it refutes in ``debunks``."""

    side: str = "home"
    truthful: bool = True  # false narratives are the misinformation
    appeal: float = 1.0  # emotional charge: multiplies belief probability, [0, 5]
    label: str = ""  # hashtag; defaults to the narrative's key
    debunks: str | None = None
    start_day: float = 0.0  # actors push it from this day on
    seed_fraction: float = 0.0  # believers at t=0 among communities of its side


@dataclass
class WorldConfig:
    name: str = "default"
    sides: list[str] = field(default_factory=lambda: ["home", "rival"])
    languages: list[str] = field(default_factory=lambda: ["az", "hy", "en", "ru"])
    platforms: list[str] = field(default_factory=lambda: ["twitter", "facebook", "instagram"])
    narratives: dict[str, NarrativeConfig] = field(default_factory=dict)
    horizon_days: float = 14.0
    tick_hours: float = 1.0
    support_threshold: float = 0.2  # |opinion| above this counts as supporting a side
    scale: float = 0.0  # > 0: users per real user; graph.n and shares come from real_size


@dataclass
class CommunityConfig:
    share: float = 0.1  # fraction of all users
    real_size: float = 0.0  # real users it stands for (used when world.scale > 0)
    kind: str = "international"  # domestic | diaspora | international
    side: str | None = None  # the side a domestic/diaspora community belongs to
    languages: dict[str, float] = field(default_factory=dict)  # P(speaks language)
    platforms: dict[str, float] = field(default_factory=dict)  # P(uses platform)
    opinion_mean: float = 0.0
    opinion_sd: float = 0.3
    activity: float = 0.35  # P(reads its feed in a tick)
    susceptibility: float = 1.0  # multiplies belief probability
    trust: dict[str, float] = field(default_factory=dict)  # overrides population.trust


@dataclass
class PopulationConfig:
    communities: dict[str, CommunityConfig] = field(default_factory=dict)
    trust: dict[str, float] = field(
        default_factory=lambda: {
            "state": 0.5,
            "embassy": 0.5,
            "diaspora": 0.5,
            "ngo": 0.6,
            "media": 0.6,
            "peer": 0.4,
            "unknown": 0.2,
        }
    )


@dataclass
class GraphConfig:
    kind: str = "social"  # social | er | ba | file
    n: int = 20000  # users (for kind=file: 0 means "infer from the file")
    mean_degree: float = 12.0  # follows per user (social, er)
    m: int = 4  # edges per new node (ba)
    homophily: float = 0.8  # social: share of follows inside the user's own community
    language_bias: float = 4.0  # social: weight of a shared language for cross-community follows
    hub_exponent: float = 2.2  # social: tail exponent of the in-degree (popularity) law, > 1
    path: str = ""  # file: edge list (.csv/.tsv) or GraphML (.graphml)
    community_attr: str = "community"  # file: node attribute / column with the community


@dataclass
class ActorGroupConfig:
    """A group of actors of one kind and side, e.g. all embassies of the home side."""

    side: str = "home"
    kind: str = "embassy"
    hosts: list[str] = field(default_factory=list)  # target communities
    per_host: bool = False  # one actor per host community (embassies)
    accounts: int = 1  # accounts per actor (a bot network has many)
    posts_per_day: float = 3.0  # per account
    languages: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)  # empty: every platform of the world
    followers: float = 0.05  # fraction of each target community following each account
    outside_followers: float = 0.1  # share of followers drawn from other communities
    quality: float = 0.7  # persuasiveness of a post, [0, 1]
    narratives: list[str] = field(default_factory=list)  # empty: the side's own stories
    moderation_per_day: float = 0.0  # P(an account is removed per day) (bots)
    staff_hours_per_post: float = 0.5  # cost of one post in staff-hours


@dataclass
class ActorsConfig:
    groups: dict[str, ActorGroupConfig] = field(default_factory=dict)


@dataclass
class SpreadConfig:
    attention: int = 10  # posts an active user reads per tick at most (>= 1)
    beta: float = 0.25  # base belief probability per read post; sir/rumor: transmission
    gamma: float = 0.1  # sir: recovery probability per tick
    share_prob: float = 0.5  # P(a sharing believer reshares in an active tick)
    forget: float = 0.05  # P(a sharer stops sharing per tick)
    stifle: float = 0.15  # P(a sharer stops per re-read of the same narrative)
    confidence: float = 0.6  # bounded-confidence width on the [0, 1] distance scale
    opinion_step: float = 0.25  # pull of a newly believed narrative on opinion
    inoculation: float = 0.7  # efficacy of a prebunk: belief probability x (1 - this)
    initial: float = 0.001  # validation modes: seeded fraction
    epsilon: float = 0.2  # deffuant: confidence bound on the [0, 1] scale
    mu: float = 0.3  # deffuant: convergence rate


@dataclass
class OutputConfig:
    figures: bool = True
    progress: bool = True
    quiet: bool = False  # no summary table on stdout
    max_memory_gb: float = 0.0  # 0: use the machine's available memory
    cascades: bool = False  # record parent links: cascades.parquet + cascade figures


@dataclass
class SimConfig:
    """The whole run. ``strategies`` maps side -> strategy name -> its config object."""

    seed: int = 0
    mode: str = "infowar"
    scenario: str = "default"
    world: WorldConfig = field(default_factory=WorldConfig)
    population: PopulationConfig = field(default_factory=PopulationConfig)
    graph: GraphConfig = field(default_factory=GraphConfig)
    actors: ActorsConfig = field(default_factory=ActorsConfig)
    spread: SpreadConfig = field(default_factory=SpreadConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    strategies: dict[str, dict[str, Any]] = field(default_factory=dict)
