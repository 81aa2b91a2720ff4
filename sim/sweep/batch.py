"""Several grid points in one Hydra job: one launch, one composition, one job set-up for all.

Hydra gives every grid point a job of its own: handed to a worker (the context and master
config pickled), composed, set up (config copies, ``.hydra/*.yaml``, logging) and handed back,
about 0.15 CPU s for karabakh2020 against 0.3-1 s for the run itself. The ``checked`` sweeper
therefore launches runs of up to ``runs_per_task`` consecutive points that have one *shape*
(they differ only in plain values, ``sim.sweep.compose_cache.split``) as one job: the job is
the first point's, and ``<sweep>/batches/<sweep id>/<key>.json`` (key: the first point's
overrides, ``store.overrides_key``) lists the points. The job runs them one after another,
setting each later point's plain values on the composed config with the call Hydra itself
makes, so each config is Hydra's own for that point (``tests/test_sweep_batch.py``). The store
still records each point alone: its own hash, result, failure record and event line; a killed
job loses only the run in flight, and the sweep run again skips the finished points.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf, read_write

from sim.sweep import store

BATCHES = "batches"


class Grouper:
    """Cuts a launch's job list into runs of consecutive jobs of one shape."""

    def __init__(self, group_exists: Any) -> None:
        from hydra.core.override_parser.overrides_parser import OverridesParser

        self.parser = OverridesParser.create()
        self.group_exists = group_exists
        self._parsed: dict[str, Any] = {}
        self._groups: dict[str, bool] = {}

    def _parse(self, s: str) -> Any:
        if s not in self._parsed:
            self._parsed[s] = self.parser.parse_override(s)
        return self._parsed[s]

    def _is_group(self, key: str) -> bool:
        if key not in self._groups:
            self._groups[key] = bool(self.group_exists(key))
        return self._groups[key]

    def shape(self, job: list[str]) -> tuple[Any, list[int]]:
        """(the job's shape, the positions of its plain values)."""
        from sim.sweep.compose_cache import split

        parsed = [self._parse(s) for s in job]
        plain, rest = split(parsed, self._is_group)
        where = [i for i, o in enumerate(parsed) if any(o is p for p in plain)]
        keys = tuple(parsed[i].key_or_group for i in where)
        return (tuple(o.input_line for o in rest), keys), where

    def chunks(self, jobs: list[list[str]], most: int) -> list[tuple[list[int], list[int]]]:
        """[(job indices, plain positions)]: up to ``most`` consecutive jobs of one shape."""
        out: list[tuple[list[int], list[int]]] = []
        last = None
        for i, job in enumerate(jobs):
            shape, where = self.shape(job)
            if out and shape == last and len(out[-1][0]) < most:
                out[-1][0].append(i)
            else:
                out.append(([i], where))
            last = shape
        return out


def batch_dir(sweep: Path, sweep_id: str) -> Path:
    return sweep / BATCHES / sweep_id


def write(sweep: Path, sweep_id: str, points: list[list[str]], plain: list[int]) -> None:
    """Record the points of the job whose overrides are ``points[0]``."""
    from sim.outputs import write_json

    d = batch_dir(sweep, sweep_id)
    d.mkdir(parents=True, exist_ok=True)
    write_json({"points": points, "plain": plain}, d / f"{store.overrides_key(points[0])}.json")


def read(
    sweep: Path, sweep_id: str | None, overrides: list[str]
) -> tuple[list[list[str]], list[int]]:
    """(the points this job runs, their plain positions); the job alone when not batched."""
    if sweep_id is None:
        return [overrides], []
    path = batch_dir(sweep, sweep_id) / f"{store.overrides_key(overrides)}.json"
    if not path.is_file():
        return [overrides], []
    data = json.loads(path.read_text())
    if data["points"][0] != overrides:  # not this job's (a hash collision): run it alone
        return [overrides], []
    return data["points"], data["plain"]


def set_values(cfg: DictConfig, point: list[str], plain: list[int]) -> None:
    """Give ``cfg`` (composed for an earlier point of the same shape) this point's values."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    with read_write(cfg):
        for i in plain:
            o = parser.parse_override(point[i])
            OmegaConf.update(cfg, o.key_or_group, o.value(), merge=True)


def remove(sweep: Path, sweep_id: str | None) -> None:
    """The multirun's batch files, once it has ended."""
    if sweep_id is not None:
        shutil.rmtree(batch_dir(sweep, sweep_id), ignore_errors=True)
        with contextlib.suppress(OSError):  # only when no other multirun has files there
            (sweep / BATCHES).rmdir()
