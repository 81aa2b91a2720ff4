"""The benchmark's build part (issue 21): building big worlds, their time and memory.

One worker process per world (``benchmark_workers.py build SIZE TICKS SCENARIO``, SIZE a
user count or ``s<scale>`` for a scaled scenario's ``world.scale``): it builds the model
(crowd, graph, actors, kernel) and runs TICKS ticks (``all``: the whole horizon, a full run),
sampling its resident memory every 10 ms so the peak of the build and of the ticks are told
apart. The rows: the default model at 10^6 and 10^7 users, karabakh2020 at scale 0.1; with
``--scale-one`` karabakh2020 at scale 1.0 run to its horizon (the issue's target: <= 3 min
wall including the build, <= 6 GiB peak), with ``--huge`` the default model's build at
10^8 users (stretch: within 24 GiB).
"""

from __future__ import annotations

import threading
import time

GIB = 2**30


def sizes(args) -> list[tuple[str, str, str]]:
    """(scenario, size, ticks) of the rows to measure."""
    rows = [("default", str(10**6), "0"), ("karabakh2020", "s0.1", "0")]
    if args.max_users >= 10**7:
        rows.insert(1, ("default", str(10**7), "0"))
    if getattr(args, "scale_one", False):
        rows.append(("karabakh2020", "s1.0", "all"))
    if getattr(args, "huge", False):
        rows.append(("default", str(10**8), "0"))
    return rows


def build_rows(args, job) -> list[dict]:
    return [
        {"scenario": sc, "size": size, "ticks": ticks, "res": job(args, "build", size, ticks, sc)}
        for sc, size, ticks in sizes(args)
    ]


class Peak:
    """Peak resident memory of this process, sampled every 10 ms on a thread (ru_maxrss
    cannot be reset between the build and the ticks)."""

    def __init__(self) -> None:
        import psutil

        self.proc, self.peak, self.stop = psutil.Process(), 0, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.01)

    def take(self) -> int:
        """The peak since the last take (and restart from the current memory)."""
        out = max(self.peak, self.proc.memory_info().rss)
        self.peak = 0
        return out


def measure(size: str, ticks: str, scenario: str) -> dict:
    """Build one world (and run ``ticks`` ticks); times, follows and memory."""
    import os

    from experiments.benchmark_workers import Clock, _held_rss, _rss, _warm, size_overrides
    from sim.cli import load
    from sim.model import InfoWarModel

    over = (
        [f"scenario={scenario}", f"world.scale={size[1:]}"]
        if size.startswith("s")
        else size_overrides(scenario, int(size))
    )
    tail = ["output.figures=false", "output.progress=false"]
    # a small world first, as the full part does: the libraries and compiled loops that
    # every run loads (numba's alone is tens of MB) are then not counted as the world's
    _warm([*size_overrides(scenario, 2000), *tail, "spread.engine=compiled"])
    cfg = load([*over, *tail])
    base, peak, load_avg = _rss(), Peak(), os.getloadavg()[0]
    peak.take()
    with Clock() as build:
        m = InfoWarModel(cfg)
    build_peak, held = peak.take(), _held_rss()
    n_ticks = m.world.ticks if ticks == "all" else int(ticks)
    with Clock() as run:
        while m.tick < n_ticks:
            m.step()
    peak.stop = True
    return {
        "users": int(m.crowd.n),
        "follows": int(m.followers.nnz),
        "ticks_run": n_ticks,
        "build_wall": build.wall,
        "build_cpu": build.cpu,
        "ticks_wall": run.wall,
        "ticks_cpu": run.cpu,
        "base_rss": base,
        "build_peak_rss": build_peak,
        "held_rss": held,
        "run_peak_rss": peak.take() if n_ticks else 0,
        "load": load_avg,
        "load_end": os.getloadavg()[0],
    }


def build_table(rows: list[dict]) -> list[str]:
    """The build rows as a markdown table, and the verdicts of the build targets."""
    if not rows:
        return ["(not measured in this run)"]
    out = [
        "| scenario | users | follows | build s wall (CPU) | ticks run | ticks s wall (CPU) | "
        "total s wall | peak GiB (process) | held B/user | build peak B/user above start | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        r = row["res"]
        if "error" in r:
            out.append(f"| {row['scenario']} | {row['size']} | error: {r['error']} |||||||||")
            continue
        n = r["users"]
        peak = peak_gib(r)
        out.append(
            f"| {row['scenario']} | {n:,} | {r['follows']:,} | {r['build_wall']:.1f} "
            f"({r['build_cpu']:.1f}) | {r['ticks_run']} | {r['ticks_wall']:.1f} "
            f"({r['ticks_cpu']:.1f}) | "
            f"{r['build_wall'] + r['ticks_wall']:.1f} | {peak:.2f} | "
            f"{(r['held_rss'] - r['base_rss']) / n:.0f} | "
            f"{(r['build_peak_rss'] - r['base_rss']) / n:.0f} | {_load(r)} |"
        )
    return [*out, "", *verdicts(rows), "", BOUNDS]


def _load(r: dict) -> str:
    """Load average at the start of the row's measurement (and at its end, if recorded)."""
    start, end = r.get("load", float("nan")), r.get("load_end")
    return f"{start:.1f}" if end is None else f"{start:.1f}-{end:.1f}"


BOUNDS = (
    "What bounds the build: the social graph is most of it (`sim/graph/`). Its time is the "
    "fitness-weighted draw of every follow's target (random reads of the pools' guide table, "
    "running fitness and members: cache misses; on up to 4 threads), the per-follower sort "
    "that finds repeats, scipy's transpose into the CSR and the pools' layout. Its peak is "
    "either the draw (each follow's target as int32 beside the pools, about 16 bytes per "
    "pool membership, ~5 memberships per user) or the transpose (10 bytes per follow, input "
    "and output), on top of the crowd's arrays (per narrative: state, origin, exposed, "
    "reshared, 7 bytes per user). Held after the build: the crowd, the CSR (5 bytes per follow "
    "and its int32 indptr) and the model's per-user tables."
)


def measured(rows: list[dict], size: str, ticks: str | None = None) -> dict | None:
    """The result of the build row of ``size`` (run for ``ticks``, if given); None when
    that row was not measured or failed."""
    row = next((b for b in rows if b.get("size") == size and ticks in (None, b.get("ticks"))), None)
    return None if row is None or "error" in row["res"] else row["res"]


def peak_gib(r: dict) -> float:
    """A build row's process peak, of the build or of its ticks, in GiB."""
    return max(r["build_peak_rss"], r.get("run_peak_rss", 0)) / GIB


def scale_one(rows: list[dict]) -> dict | None:
    """karabakh2020 at scale 1.0 run to its horizon (issue 21: <= 3 min including the build,
    <= 6 GiB): wall and idle-core seconds (build wall + the ticks' CPU, user and system),
    peak GiB and the verdict; None when not measured."""
    r = measured(rows, "s1.0", "all")
    if r is None:
        return None
    wall, idle, peak = (
        r["build_wall"] + r["ticks_wall"],
        r["build_wall"] + r["ticks_cpu"],
        peak_gib(r),
    )
    return {"res": r, "wall": wall, "idle": idle, "peak": peak, "met": idle <= 180 and peak <= 6}


def verdicts(rows: list[dict]) -> list[str]:
    """One line per build target that a row measured."""
    out = []
    r6 = measured(rows, str(10**6))
    if r6 is not None:
        held = (r6["held_rss"] - r6["base_rss"]) / r6["users"]
        out.append(
            f"- default model at 10^6 users <= 200 bytes per user held (after the build): "
            f"{held:.0f} B: {'met' if held <= 200 else 'not met'}."
        )
    one = scale_one(rows)
    if one is not None:
        out.append(
            f"- karabakh2020 at scale 1.0, <= 3 min wall including the build and <= 6 GiB "
            f"peak: {one['wall'] / 60:.1f} min wall at load {_load(one['res'])} "
            f"({one['idle'] / 60:.1f} min on an idle core: build wall + ticks' CPU, user and "
            f"system), {one['peak']:.2f} GiB: {'met' if one['met'] else 'not met'}."
        )
    r8 = measured(rows, str(10**8))
    if r8 is not None:
        out.append(
            f"- 10^8 users of the default model within 24 GiB (build): {peak_gib(r8):.2f} GiB: "
            f"{'met' if peak_gib(r8) <= 24 else 'not met'}."
        )
    return out
