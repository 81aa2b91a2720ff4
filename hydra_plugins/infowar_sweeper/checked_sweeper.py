"""Hydra's basic sweeper, minus its serial re-composition of every job before launch.

``python -m sim -m ...`` checks every value of every swept key before Hydra starts
(``sim.cli.precheck``: a bad value exits 2 with one line), and each launched job composes
and validates its own config again where it runs. The basic sweeper's own check composes
every job of a batch one after another in the submitting process (0.2-0.4 CPU s each) while
the workers wait: 6 of the 17 minutes of a 1,000-run karabakh2020 sweep on 2 cores. This
sweeper is the basic one (same grids, batches, job numbers and ``params``) without that
check, and whose jobs compose their config once per shape (``sim.sweep.compose_cache``:
Hydra composes the first job of each shape, the others are a copy with their values set)
and, on the basic and joblib launchers, launches up to ``runs_per_task`` consecutive grid
points of one shape as one job (``sim.sweep.batch``).
The cost: a combination of swept values that cannot be composed at all (each value
can, see ``sim.config.sweepcheck``) now fails when its batch is launched instead of before.
Selected in ``conf/config.yaml`` (``override hydra/sweeper: checked``); plugins live in the
``hydra_plugins`` namespace package, which is how Hydra finds them.
"""

# No ``from __future__ import annotations``: Hydra's plugin scan imports this module without
# registering it in sys.modules, where dataclasses would look the string annotations up.
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore


@dataclass
class CheckedSweeperConf:
    _target_: str = "hydra_plugins.infowar_sweeper.checked_sweeper.CheckedSweeper"
    max_batch_size: int | None = None
    params: dict[str, str] | None = None
    runs_per_task: int = 4


ConfigStore.instance().store(
    group="hydra/sweeper", name="checked", node=CheckedSweeperConf, provider="infowar-sim"
)


def workers(launcher: Any) -> int | None:
    """Processes that run this launcher's jobs at once; None: leave its jobs one point each
    (Ray, submitit: a job is a remote task or an array element, sized by its own settings)."""
    import os

    name = type(launcher).__name__
    if name == "BasicLauncher":
        return 1
    if name == "JoblibLauncher":
        n = int(launcher.joblib.get("n_jobs") or 1)
        return n if n > 0 else (os.cpu_count() or 1)
    return None


def points_per_job(jobs: int, n_workers: int, most: int) -> int:
    """Up to ``most`` points per job while every worker still gets 2 jobs or more."""
    return max(1, min(most, jobs // (2 * n_workers)))


class CheckedSweeper(BasicSweeper):
    def __init__(
        self,
        max_batch_size: int | None,
        params: dict[str, str] | None = None,
        runs_per_task: int = 4,
    ) -> None:
        super().__init__(max_batch_size=max_batch_size, params=params)
        self.runs_per_task = max(1, int(runs_per_task))

    def setup(self, *, hydra_context: Any, task_function: Any, config: Any) -> None:
        """The basic set-up, with jobs composed once per shape (``sim.sweep.compose_cache``)."""
        from hydra.types import HydraContext

        from sim.sweep.compose_cache import CachingConfigLoader

        if not isinstance(hydra_context.config_loader, CachingConfigLoader):
            loader = CachingConfigLoader(hydra_context.config_loader)
            hydra_context = HydraContext(config_loader=loader, callbacks=hydra_context.callbacks)
        super().setup(hydra_context=hydra_context, task_function=task_function, config=config)
        n_workers = workers(self.launcher)
        if n_workers is None or self.runs_per_task < 2:
            return
        assert self.launcher is not None
        launch, loader, most = self.launcher.launch, hydra_context.config_loader, self.runs_per_task

        def batched(job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Any:
            from sim.sweep import batch, job

            jobs = [list(j) for j in job_overrides]
            k = points_per_job(len(jobs), n_workers, most)
            if job.SWEEP_ID is None or k < 2:  # no callback to name the batch files: alone
                return launch(job_overrides, initial_job_idx)
            grouper = batch.Grouper(loader.group_exists(config))
            sweep = Path(config.hydra.sweep.dir).resolve()
            firsts = []
            for idx, plain in grouper.chunks(jobs, k):
                if len(idx) > 1:
                    batch.write(sweep, job.SWEEP_ID, [jobs[i] for i in idx], plain)
                firsts.append(jobs[idx[0]])
            return launch(firsts, initial_job_idx)

        self.launcher.launch = batched  # type: ignore[method-assign]

    def sweep(self, arguments: list[str]) -> Any:
        """The basic sweep; a write that fails (Hydra saving a job's config on a full disk, or
        a job unable even to record its failure) ends it with one line and exit 3."""
        from sim.sweep import batch, job

        try:
            return super().sweep(arguments)
        except OSError as e:
            from sim.sweep.callback import stop_on_write_error

            assert self.config is not None  # set by setup(), before any sweep
            stop_on_write_error(Path(self.config.hydra.sweep.dir).resolve(), e)
        finally:
            if self.config is not None:
                batch.remove(Path(self.config.hydra.sweep.dir).resolve(), job.SWEEP_ID)

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Nothing to do: the values were checked before Hydra started (module docstring)."""
