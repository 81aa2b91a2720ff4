"""The multi-objective search over the lever space, and the Pareto set it hands on.

The workbench's ``optimize`` (eps-NSGA-II from platypus) searches budgets and settings
for the cheapest, least misinformation, most support, in one reference scenario: the
study's world as configured (every uncertainty at its scenario value) against the
reference rival tactics at their default intensity. Its evaluations go through the sweep
store like every other run, and platypus draws from a seeded generator, so a rerun
replays the same search from stored runs. The Pareto set is thinned to at most
``search.max_pareto`` policies, spread along cost, and these are then re-evaluated over
the whole uncertainty sample with the named lever sets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from ema_workbench import Sample

from sim.robust.space import DRAW, INTENSITY, OUTCOMES, TACTICS, Space, key

ARCHIVE = "search_archive.tar.gz"


def scenario_value(sc: Any, key: str) -> float:
    """The value of run parameter ``key`` in a validated SimConfig."""
    node: Any = sc
    for part in key.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return float(node)


def reference(space: Space) -> Sample:
    """The reference scenario of the search (see the module docstring)."""
    from sim.cli import load

    cfg = space.cfg
    sc = load([f"scenario={cfg.scenario}", *cfg.base])
    values: dict[str, Any] = {}
    for p in space.uncertainties:
        if p.name == TACTICS:
            values[p.name] = cfg.search.reference_tactics
        elif p.name == INTENSITY:
            values[p.name] = float(np.clip(1.0, p.lower_bound, p.upper_bound))
        elif p.name == DRAW:
            values[p.name] = 0.5  # the weighted median member
        else:
            v = scenario_value(sc, key(p.name))
            values[p.name] = float(np.clip(v, p.lower_bound, p.upper_bound))
    return Sample("reference", **values)


def pareto_search(model: Any, space: Space, evaluator: Any, out: Path) -> pd.DataFrame:
    """The Pareto archive of the search: one row per policy, levers and outcomes. The
    workbench also keeps its archive as ``<out>/search_archive.tar.gz``."""
    from ema_workbench import optimize

    s = space.cfg.search
    # The workbench refuses to overwrite its archive; a rerun replays the same search from
    # stored runs and writes it again.
    (out / ARCHIVE).unlink(missing_ok=True)
    front, _ = optimize(
        model,
        nfe=s.nfe,
        searchover="levers",
        evaluator=evaluator,
        reference=reference(space),
        epsilons=list(s.epsilons),
        population_size=s.population,
        rng=space.cfg.sample_seed,
        convergence_freq=max(s.nfe, 1),
        logging_freq=1000,
        directory=str(out),
        filename=ARCHIVE,
    )
    return front.reset_index(drop=True)


def thin(front: pd.DataFrame, k: int) -> pd.DataFrame:
    """At most ``k`` policies of the front, evenly spread along cost (ends included)."""
    f = front.sort_values(["cost", *OUTCOMES[1:]]).reset_index(drop=True)
    if len(f) <= k:
        return f
    idx = np.unique(np.round(np.linspace(0, len(f) - 1, k)).astype(int))
    return f.iloc[idx].reset_index(drop=True)


def pareto_policies(front: pd.DataFrame, space: Space) -> list[Sample]:
    """The thinned front as named workbench policies (pareto_1 cheapest)."""
    names = [p.name for p in space.levers]
    picked = thin(front, space.cfg.search.max_pareto)
    out = []
    for i, row in picked.iterrows():
        values = {n: int(round(row[n])) if n.endswith("__budget") else float(row[n]) for n in names}
        out.append(Sample(f"pareto_{int(str(i)) + 1}", **values))
    return out
