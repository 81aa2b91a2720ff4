"""Hydra callback for multiruns: a progress bar with ETA, then the study table and a failure report.

Hydra calls ``on_multirun_start``/``on_multirun_end`` in the main process whatever the
launcher. Jobs run elsewhere (worker processes, Ray, SLURM), so progress is read from the
``events.jsonl`` lines the jobs append to the shared sweep directory, not from return values.
The callback object is pickled to the workers with Hydra's context, hence ``__getstate__``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.sweep import store
from sim.sweep.job import EVENTS

# Our conf/hydra/launcher/*.yaml replace the plugins' entries of the same name on purpose; this
# module is imported wherever Hydra unpickles the callbacks (every joblib/submitit worker).
warnings.filterwarnings(
    "ignore", message=r"\s*'hydra/launcher/\w+' is validated against ConfigStore"
)
EXIT_FAILED = 3  # the exit code of a multirun in which some runs failed


def count_jobs(config: DictConfig) -> int | None:
    """How many jobs a grid sweeper (Hydra's basic one, or the ``checked`` one this project
    selects, a subclass) will launch; None for any other sweeper."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.utils import get_class

    try:
        sweeper = get_class(str(config.hydra.sweeper.get("_target_", "")))
    except Exception:  # an unknown or unimportable sweeper: no total
        return None
    if not (isinstance(sweeper, type) and issubclass(sweeper, BasicSweeper)):
        return None
    params = config.hydra.sweeper.get("params") or {}
    args = [f"{k}={v}" for k, v in params.items()]
    task = OmegaConf.to_container(config.hydra.overrides.task, resolve=False)
    assert isinstance(task, list)  # Hydra keeps the command line's overrides as a list
    args += [str(o) for o in task]
    loader = (
        GlobalHydra.instance().config_loader() if GlobalHydra.instance().is_initialized() else None
    )
    parsed = OverridesParser.create(config_loader=loader).parse_overrides(args)
    return sum(len(b) for b in BasicSweeper.split_arguments(parsed, None))


def read_events(path: Path, offset: int) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    lines = data.decode(errors="replace").splitlines()
    if data and not data.endswith(b"\n"):
        lines = lines[:-1]  # a line still being written
    return [json.loads(ln) for ln in lines if ln.strip()]


class SweepCallback(Callback):
    def __init__(self, poll_s: float = 1.0) -> None:
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sweep: Path | None = None
        self.offset = 0

    def __getstate__(self) -> dict[str, Any]:
        return {"poll_s": self.poll_s}

    def __setstate__(self, state: dict[str, Any]) -> None:
        SweepCallback.__init__(self, **state)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        # Ray (if it is the launcher) starts after this: keep it from phoning home (offline).
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        self.sweep = Path(config.hydra.sweep.dir).resolve()
        self.sweep.mkdir(parents=True, exist_ok=True)
        stale = store.clean_stale(self.sweep)
        ev = self.sweep / EVENTS
        self.offset = ev.stat().st_size if ev.is_file() else 0
        try:
            total = count_jobs(config)
        except Exception:  # progress is a nicety; never block the sweep on it
            total = None
        done = len(store.finished_hashes(self.sweep))
        print(
            f"sweep: {self.sweep} ({total if total is not None else '?'} jobs, {done} runs "
            f"already in the store{f', removed {stale} unfinished' if stale else ''})",
            file=sys.stderr,
        )
        self._thread = threading.Thread(target=self._progress, args=(total,), daemon=True)
        self._thread.start()

    def _progress(self, total: int | None) -> None:
        from tqdm import tqdm

        assert self.sweep is not None  # set by on_multirun_start, which starts this thread

        bar = tqdm(
            total=total,
            unit="run",
            desc="sweep",
            file=sys.stderr,
            dynamic_ncols=True,
            smoothing=0.1,
            mininterval=self.poll_s if sys.stderr.isatty() else 30.0,
        )
        seen = 0
        while True:
            stopping = self._stop.wait(self.poll_s)
            events = read_events(self.sweep / EVENTS, self.offset)
            if len(events) > seen:
                counts = {
                    s: sum(e["status"] == s for e in events) for s in ("ran", "skipped", "failed")
                }
                bar.set_postfix(counts, refresh=False)
                bar.update(len(events) - seen)
                seen = len(events)
            if stopping:
                break
        bar.close()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        if self.sweep is None:  # the multirun never started
            return
        events = read_events(self.sweep / EVENTS, self.offset)
        df = store.merge_study(self.sweep)
        report = write_report(self.sweep, events, len(df))
        print(report, file=sys.stderr)
        if any(e["status"] == "failed" for e in events):
            sys.exit(EXIT_FAILED)


def write_report(sweep: Path, events: list[dict[str, Any]], n_runs: int) -> str:
    """report.md: this invocation's counts and every failed config with its error."""
    from sim.outputs import atomic_write_bytes

    counts = {s: sum(e["status"] == s for e in events) for s in ("ran", "skipped", "failed")}
    lines = [
        f"# Sweep report: {sweep}",
        "",
        f"This invocation: {len(events)} jobs; ran {counts['ran']}, skipped (already finished) "
        f"{counts['skipped']}, failed {counts['failed']}.",
        f"Finished runs in the store: {n_runs} (table: {sweep / store.STUDY}).",
        "",
    ]
    failed = sorted({e["key"] for e in events if e["status"] == "failed"})
    if failed:
        lines += [f"## Failed runs ({len(failed)})", ""]
        for key in failed:
            p = sweep / store.FAILED / f"{key}.json"
            rec = json.loads(p.read_text()) if p.is_file() else {"overrides": ["?"], "error": "?"}
            lines.append(f"- `{' '.join(rec['overrides'])}`: {rec['error']} ({p.name})")
        lines.append("")
    text = "\n".join(lines)
    atomic_write_bytes(sweep / "report.md", text.encode())
    return text
