"""Hydra sweeper ``points``: one job per listed override set, on any launcher.

Hydra's basic sweeper forms grids, while a designed experiment (the robust study's
scenarios x policies, sim/robust) is a list of points whose overrides also choose config
groups (``scenario=``, ``strategy@home=[...]``). This sweeper reads that list from a JSON
file, ``[["spread.beta=0.2", "strategy@home=[rapid_response]", "seed=0"], ...]``, and hands
it to the configured launcher in batches, each job adding the command line's own overrides:

    python -m sim -m hydra/sweeper=points hydra.sweeper.file=points.json \\
        hydra/launcher=submitit_slurm hydra.sweep.dir=<store>

Every job is an ordinary multirun job (``sim.sweep.job.run_job``: the results store, skip
if finished, failure records), so the same points give the same runs whatever the launcher.
"""

# No ``from __future__ import annotations``: Hydra's plugin scan imports this module without
# registering it in sys.modules, where dataclasses would look the string annotations up.
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf


@dataclass
class PointsSweeperConf:
    _target_: str = "hydra_plugins.infowar_sweeper.points_sweeper.PointsSweeper"
    file: str = ""
    max_batch_size: int | None = None


ConfigStore.instance().store(
    group="hydra/sweeper", name="points", node=PointsSweeperConf, provider="infowar-sim"
)


def read_points(path: str) -> list[list[str]]:
    """The override lists of ``path``; a bad file is one ValueError line."""
    if not path or not Path(path).is_file():
        raise ValueError(f"hydra.sweeper.file: '{path}' is not a file; allowed: a JSON file")
    points = json.loads(Path(path).read_text())
    ok = isinstance(points, list) and all(
        isinstance(p, list) and all(isinstance(o, str) for o in p) for p in points
    )
    if not ok:
        raise ValueError(f"hydra.sweeper.file: {path} must hold a JSON list of override lists")
    return points


class PointsSweeper(Sweeper):
    def __init__(self, file: str, max_batch_size: int | None = None) -> None:
        super().__init__()
        self.file, self.max_batch_size = file, max_batch_size
        self.config: DictConfig | None = None
        self.context: HydraContext | None = None
        self.launcher: Any = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        from hydra.core.plugins import Plugins

        self.config, self.context = config, hydra_context
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def sweep(self, arguments: list[str]) -> Any:
        """Launch every point (plus ``arguments``) in batches of ``max_batch_size``; a write
        that fails ends the sweep with one line and exit 3, as the grid sweeper does."""
        from hydra.core.override_parser.overrides_parser import OverridesParser

        assert self.config is not None and self.context is not None  # set by setup()
        parser = OverridesParser.create(config_loader=self.context.config_loader)
        if any(o.is_sweep_override() for o in parser.parse_overrides(arguments)):
            raise ValueError("the points sweeper takes no swept values on the command line")
        jobs = [[*arguments, *p] for p in read_points(self.file)]
        sweep_dir = Path(self.config.hydra.sweep.dir)
        size = self.max_batch_size or len(jobs) or 1
        returns = []
        try:
            sweep_dir.mkdir(parents=True, exist_ok=True)
            OmegaConf.save(self.config, sweep_dir / "multirun.yaml")
            for start in range(0, len(jobs), size):
                results = self.launcher.launch(jobs[start : start + size], initial_job_idx=start)
                for r in results:
                    _ = r.return_value  # a job that raised raises here
                returns.append(results)
        except OSError as e:
            from sim.sweep.callback import stop_on_write_error

            stop_on_write_error(sweep_dir.resolve(), e)
        return returns
