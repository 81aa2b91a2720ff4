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
import uuid
import warnings
from pathlib import Path
from typing import Any, NoReturn

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.sweep import job, store
from sim.sweep.job import EVENTS

# Our conf/hydra/launcher/*.yaml replace the plugins' entries of the same name on purpose; this
# module is imported wherever Hydra unpickles the callbacks (every joblib/submitit worker).
warnings.filterwarnings(
    "ignore", message=r"\s*'hydra/launcher/\w+' is validated against ConfigStore"
)
EXIT_FAILED = 3  # the exit code of a multirun in which some runs failed
_running: list[SweepCallback] = []  # the callback of this process's multirun (its progress bar)


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


def read_events(path: Path, offset: int, sweep_id: str | None = None) -> list[dict[str, Any]]:
    """Events appended since ``offset``; with ``sweep_id`` only those of that multirun."""
    if not path.is_file():
        return []
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    lines = data.decode(errors="replace").splitlines()
    if data and not data.endswith(b"\n"):
        lines = lines[:-1]  # a line still being written
    events = [json.loads(ln) for ln in lines if ln.strip()]
    return [e for e in events if sweep_id is None or e.get("sweep") == sweep_id]


class SweepCallback(Callback):
    def __init__(
        self, poll_s: float = 1.0, sweep_id: str | None = None, main_pid: int | None = None
    ) -> None:
        self.poll_s = poll_s
        self.sweep_id = sweep_id
        if sweep_id is not None:  # unpickled in a worker: its jobs report to this multirun
            job.SWEEP_ID = sweep_id
        if main_pid is not None and os.getppid() == main_pid:  # a direct worker (loky)
            job.exit_with_parent()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sweep: Path | None = None
        self.offset = 0

    def __getstate__(self) -> dict[str, Any]:
        return {"poll_s": self.poll_s, "sweep_id": self.sweep_id, "main_pid": os.getpid()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        SweepCallback.__init__(self, **state)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        # Ray (if it is the launcher) starts after this: keep it from phoning home (offline).
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        self.sweep_id = job.SWEEP_ID = uuid.uuid4().hex
        self.sweep = Path(config.hydra.sweep.dir).resolve()
        try:
            self.sweep.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            stop_on_write_error(None, e)
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
        _running.append(self)

    def stop_progress(self) -> None:
        """End the progress bar (its line is then complete) and wait for its thread."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()

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
            events = read_events(self.sweep / EVENTS, self.offset, self.sweep_id)
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
        self.stop_progress()
        if self.sweep is None:  # the multirun never started
            return
        events = read_events(self.sweep / EVENTS, self.offset, self.sweep_id)
        df = store.merge_study(self.sweep)
        try:
            report = write_report(self.sweep, events, len(df))
        except OSError as e:
            stop_on_write_error(self.sweep, e)
        print(report, file=sys.stderr)
        if any(e["status"] == "failed" for e in events):
            sys.exit(EXIT_FAILED)


def stop_on_write_error(sweep: Path | None, e: OSError) -> NoReturn:
    """A write of the sweep's own files failed (Hydra's job config, the store, the report;
    typically a full disk): one line and exit 3 instead of a traceback. The workers are
    stopped and their staging dirs removed; the finished runs are kept, so the same command
    finishes the sweep once there is room."""
    import psutil

    for cb in _running:
        cb.stop_progress()
    children = psutil.Process().children(recursive=True)
    for child in children:
        child.kill()
    psutil.wait_procs(children, timeout=10)
    if sweep is not None and sweep.is_dir():
        store.clean_own(sweep, {os.getpid(), *(c.pid for c in children)})
    where = e.filename or sweep or "the sweep directory"
    print(
        f"error: hydra.sweep.dir: {where}: could not write ({e.strerror or e}); the sweep "
        "stopped and its finished runs are kept: make room and run the same command to "
        "finish it",
        file=sys.stderr,
    )
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
