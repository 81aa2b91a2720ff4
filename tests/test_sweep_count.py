"""The multirun progress bar knows its total with the sweeper the configs select."""

from __future__ import annotations

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import open_dict

from sim.cli import CONF_DIR
from sim.config.store import register
from sim.sweep.callback import count_jobs


def _hydra_config(task: list[str]):
    """The composed config with Hydra's own part, recording ``task`` as a multirun's
    command-line overrides (compose itself refuses sweeps)."""
    register(CONF_DIR)
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
            cfg = compose("config", return_hydra_config=True)
    finally:
        GlobalHydra.instance().clear()
    with open_dict(cfg):
        cfg.hydra.overrides.task = task
    return cfg


def test_checked_sweeper_is_the_default_and_is_counted() -> None:
    cfg = _hydra_config(["seed=1,2,3", "graph.n=100,200"])
    assert cfg.hydra.sweeper._target_.endswith("CheckedSweeper")
    assert count_jobs(cfg) == 6


def test_other_sweepers_have_no_total() -> None:
    cfg = _hydra_config(["seed=1,2"])
    with open_dict(cfg):
        cfg.hydra.sweeper._target_ = "hydra_plugins.no_such.Sweeper"
    assert count_jobs(cfg) is None
    with open_dict(cfg):
        cfg.hydra.sweeper._target_ = "collections.OrderedDict"
    assert count_jobs(cfg) is None
