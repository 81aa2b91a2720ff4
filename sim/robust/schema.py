"""The declared study: which levers the home side controls and which uncertainties it faces.

``conf/robust/<study>.yaml`` is read into these dataclasses (``sim.robust.study.load``) and
checked like every run config: an unknown key, a wrong type or a value out of range stops
the study with one line. Every name is a Hydra override key of a run (``spread.beta``,
``home.rapid_response.budget``), so the study, its tables and its report speak the keys of
docs/parameters.md. Mappings default to empty: the study's YAML gives them whole, and a
``key={...}`` override replaces one rather than adding to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.params import PROB, param, rng

POSITIVE_INT = (lambda v: v >= 1, "an integer >= 1")
# "pool": joblib workers of the study's own process; the others are conf/hydra/launcher/*.
LAUNCHERS = ("pool", "joblib", "submitit_local", "submitit_slurm", "ray")


@dataclass
class RivalConfig:
    """The rival's play, which the home side cannot choose: a categorical uncertainty over
    named tactic sets, and an intensity that scales every tactic's budget."""

    tactics: dict[str, list[str]] = param(
        {},
        doc="named sets of rival strategies; one is drawn per scenario",
        allowed="names of rival-side strategies; at least one set",
    )
    always: list[str] = param(
        [],
        doc="rival strategies the scenario itself runs, kept in every set at their settings",
        allowed="names of rival-side strategies",
    )
    intensity: list[float] = param(
        [0.5, 2.0],
        doc="range of the factor on each rival tactic's default budget",
        allowed="[low, high] with 0 <= low <= high <= 100",
    )


@dataclass
class EnsembleConfig:
    """A calibrated ensemble (one parameter set per row, optional ``member`` and ``weight``):
    when the file exists, which of its members holds is one more uncertainty."""

    path: str = param("", doc="a .parquet or .csv file; empty or missing: not used")


@dataclass
class UncertaintyConfig:
    params: list[str] = param(
        ["spread.beta", "spread.share_prob", "spread.forget"],
        doc="parameter keys, each varied over its plausible range (param(plausible=...))",
        allowed="keys of declared parameters that have a plausible range",
    )
    ranges: dict[str, list[float]] = param(
        {},
        doc="a narrower range for a listed key (default: its plausible range)",
        allowed="[low, high] inside what the key allows",
    )
    rival: RivalConfig = field(default_factory=RivalConfig)
    ensemble: EnsembleConfig = field(default_factory=EnsembleConfig)


@dataclass
class LeverConfig:
    """The home side's choices: which strategies, how many staff-hours each, and settings."""

    budgets: dict[str, float] = param(
        {},
        doc="home strategy -> largest budget the search may give it (staff-hours; 0 = off)",
        allowed="names of home-side strategies, each a number in [0, 1e6]",
    )
    always: list[str] = param(
        [],
        doc="home strategies the scenario itself runs, kept in every policy at their settings",
        allowed="names of home-side strategies not in levers.budgets",
    )
    settings: list[str] = param(
        [],
        doc="strategy settings the search may also choose, as <strategy>.<field>",
        allowed="fields with a plausible range of a strategy in levers.budgets",
    )
    sets: dict[str, dict[str, Any]] = param(
        {},
        doc="named lever sets compared across the uncertainties: <strategy>.<field> -> value",
        allowed="keys <strategy>.budget or a listed setting; unset budgets are 0",
    )


@dataclass
class OutcomeConfig:
    """Which summary numbers the study reads, and when a defence counts as failing."""

    misinformation: str = param(
        "misinformation.rival_fake.peak", doc="the misinformation reach (a summary key)"
    )
    support: str = param("support.international.support_home", doc="the support (summary key)")
    cost: str = param("cost.home.strategy_total", doc="what the home side spent (summary key)")
    reach_threshold: float = param(0.05, PROB, doc="failure: misinformation above this")
    support_level: float = param(0.35, PROB, doc="failure: support below this")
    defence: str = param(
        "nothing",
        doc="the lever set whose failures scenario discovery explains",
        allowed="a name of levers.sets",
    )


@dataclass
class SearchConfig:
    """The multi-objective search over the lever space (the workbench's eps-NSGA-II)."""

    nfe: int = param(60, POSITIVE_INT, doc="model evaluations the search may spend")
    epsilons: list[float] = param(
        [50.0, 0.005, 0.005],
        doc="resolution of cost, misinformation and support on the Pareto front",
        allowed="3 numbers > 0",
    )
    population: int = param(12, POSITIVE_INT, doc="population of the genetic search")
    reference_tactics: str = param(
        "flooding",
        doc="the rival tactic set of the search's reference scenario",
        allowed="a name of uncertainties.rival.tactics",
    )
    max_pareto: int = param(
        6, POSITIVE_INT, doc="Pareto policies re-evaluated over the uncertainty sample"
    )


@dataclass
class RobustConfig:
    scenario: str = param("default", doc="the scenario every run starts from")
    base: list[str] = param(
        ["graph.n=2000", "world.horizon_days=8"],
        doc="overrides every run shares (world size, horizon)",
        allowed="valid run overrides",
    )
    scenarios: int = param(40, POSITIVE_INT, doc="Latin-hypercube size over the uncertainties")
    seeds: int = param(2, POSITIVE_INT, doc="replicate seeds per point (paired across levers)")
    sample_seed: int = param(0, rng(0, 2**32), doc="root of the sampling streams")
    jobs: int = param(2, POSITIVE_INT, doc="workers (pool, joblib) or CPUs (ray) at once")
    launcher: str = param(
        "pool",
        choices=LAUNCHERS,
        what="launcher",
        doc="pool: joblib workers of this process; else a Hydra launcher of conf/hydra/launcher "
        "running each batch as a multirun of python -m sim",
    )
    launcher_overrides: list[str] = param(
        [],
        doc="more hydra.* overrides for a Hydra launcher, e.g. hydra.launcher.partition=cpu",
        allowed="overrides starting with hydra.launcher. or hydra.sweeper.",
    )
    satisficing_quantile: float = param(
        0.9, rng(0, 1, lo_open=True), doc="regret reported at this quantile (and the maximum)"
    )
    target_halfwidth: float = param(
        0.05,
        rng(0, 0.5, lo_open=True),
        doc="the satisficing interval's half-width the size recommendation aims for",
    )
    uncertainties: UncertaintyConfig = field(default_factory=UncertaintyConfig)
    levers: LeverConfig = field(default_factory=LeverConfig)
    outcomes: OutcomeConfig = field(default_factory=OutcomeConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
