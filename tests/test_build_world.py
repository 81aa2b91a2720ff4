"""One build sequence (sim.population.build_world) behind the model and the validation
modes; scenario-specific analyses are opted into by the scenario, not named in the core."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from clirun import TINY

ROOT = Path(__file__).resolve().parent.parent


def test_model_and_build_world_draw_the_same_world(make_cfg) -> None:
    from sim.model import InfoWarModel
    from sim.population import build_world

    cfg = make_cfg(*TINY, "seed=5")
    built, model = build_world(cfg), InfoWarModel(cfg)
    assert np.array_equal(built.followers.indptr, model.followers.indptr)
    assert np.array_equal(built.followers.indices, model.followers.indices)
    assert np.array_equal(built.crowd.opinion, model.crowd.opinion)
    assert built.world.communities == model.world.communities


def test_validation_mode_runs_on_the_built_graph(make_cfg) -> None:
    from sim.api import run
    from sim.population import build_world

    cfg = make_cfg(*TINY, "mode=sir", "graph=er", "graph.n=400", "seed=2")
    assert run(cfg).summary["follows"] == build_world(cfg).followers.nnz


def test_thesis_tables_are_the_scenarios_choice(make_cfg) -> None:
    assert make_cfg("scenario=karabakh2020").output.thesis_tables
    assert not make_cfg().output.thesis_tables
    for path in ("sim/summary.py", "sim/analysis/hooks.py", "sim/report.py"):
        assert "karabakh2020" not in (ROOT / path).read_text(), path
