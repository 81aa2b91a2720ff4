"""README's performance table, written from the benchmark's raw results.

``write_report`` also writes ``results/benchmark_summary.md``; ``python -m sim.doctables``
copies it into README.md between its ``performance`` markers (a test keeps the two in
step), so the README quotes the benchmark instead of restating it by hand.
"""

from __future__ import annotations

import numpy as np

from experiments.benchmark_build import measured, peak_gib, scale_one
from experiments.benchmark_report import (
    _find,
    _find_full,
    _kernel,
    _ms,
    _per_user,
    _ratio,
    _sweep_minutes,
    engine,
)


def _row(what: str, measured: str, part: str, res: dict) -> str:
    kept = res.get("kept", {}).get(part)
    if kept is None:
        return f"| {what} | {measured} | {res['machine']['date'][:10]} |"
    cpu = kept.get("cpu", "")
    other = f" ({cpu})" if cpu and cpu != res["machine"]["cpu"] else ""
    return f"| {what} | {measured} | {kept['date'][:10]}{other} |"


def _full_rows(res: dict) -> list[str]:
    out = []
    f6 = _find_full(res["full"], scenario="default", n=10**6)
    n6 = next(
        (
            r
            for r in res["full"]
            if engine(r) == "numpy" and r["n"] == 10**6 and r["scenario"] == "default"
        ),
        None,
    )
    if f6:
        r = f6["res"]
        alt = f" ({_ms(n6['res']):.1f} numpy)" if n6 and n6 is not f6 else ""
        held = _per_user(r, "end_rss", r["users"])
        out.append(
            _row(
                f"full default model, 10^6 users ({r['follows'] / 1e6:.0f}M follows)",
                f"{_ms(r):.1f} ms per tick CPU, {engine(f6)}{alt}; {held:.0f} bytes per user held",
                "full",
                res,
            )
        )
    k4 = [r for r in res["full"] if r["scenario"] == "karabakh2020" and r["n"] == 10**4]
    if k4:
        ms = {engine(r): _ms(r["res"]) for r in k4}
        text = ", ".join(f"{v:.2f} ms per tick {k}" for k, v in sorted(ms.items()))
        out.append(_row("karabakh2020, 10^4 users, 1,080 hourly ticks", text, "full", res))
    return out


def _build_rows(res: dict) -> list[str]:
    out = []
    r7 = measured(res.get("build", []), str(10**7))
    if r7 is not None:
        out.append(
            _row(
                f"default model, 10^7 users ({r7['follows'] / 1e6:.0f}M follows): build",
                f"{r7['build_wall']:.0f} s, {peak_gib(r7):.1f} GiB peak",
                "build",
                res,
            )
        )
    one = scale_one(res.get("build", []))
    if one is not None:
        r = one["res"]
        out.append(
            _row(
                f"karabakh2020 at the real population (scale 1.0, {r['users'] / 1e6:.1f}M "
                f"users, {r['follows'] / 1e6:.0f}M follows), one whole run",
                f"{one['wall'] / 60:.1f} min wall at load {r.get('load', float('nan')):.1f} "
                f"({one['idle'] / 60:.1f} min on an idle core); {one['peak']:.1f} GiB peak",
                "build",
                res,
            )
        )
    return out


def _other_rows(res: dict) -> list[str]:
    out = []
    ref5, ref6 = _find(res["reference"], n=10**5), _find(res["reference"], n=10**6)
    if ref6:
        out.append(
            _row(
                "reference contagion rules, 10^6 users",
                f"{_ms(_kernel(ref6)):.1f} ms per tick compiled, {_ms(ref6['vector']):.1f} numpy",
                "reference",
                res,
            )
        )
    if ref5:
        r = _ratio(_kernel(ref5), ref5.get("mesa_pull", {}))
        r2 = _ratio(_kernel(ref5), ref5["mesa"])
        out.append(
            _row(
                "same rules vs a plain per-agent Mesa model, 10^5 users",
                f"{r:.0f}x faster (same run; {r2:.0f}x vs a leaner push form)",
                "reference",
                res,
            )
        )
    g6 = _find(res["graph"], kind="social", n=10**6)
    if g6:
        out.append(
            _row(
                "social graph generation, 10^6 users",
                f"{g6['res']['build_wall']:.1f} s wall",
                "graph",
                res,
            )
        )
    for s in res["sweep"]:
        if s.get("scenario") == "karabakh2020":
            _, idle = _sweep_minutes(s)
            what = "sweep of karabakh2020 at 10^4 users (45 days), 2 workers"
            text = f"1,000 runs in {idle:.1f} min CPU-bound ({1000 / idle:.0f} runs per minute)"
            out.append(_row(what, text, "sweep", res))
    demo = next((d for d in res.get("demo", []) if "error" not in d), None)
    if demo:
        ms = 1e3 * float(np.mean(demo["cpu"]))
        text = f"{ms:.2f} ms CPU per step"
        out.append(_row(f"class demo, {demo['users']:,} users", text, "demo", res))
    return out


def summary_table(res: dict) -> list[str]:
    """README's rows: what was measured, the figure and the date of its benchmark run."""
    m = res["machine"]
    return [
        f"Measured by `scripts/python experiments/benchmark.py` on {m['cores']} cores "
        f"({m['cpu']}, {m['ram_gib']:.0f} GiB); CPU figures unless the row says wall. Targets, "
        "what bounds each figure and the full tables: [results/benchmark.md]"
        "(results/benchmark.md).",
        "",
        "| what | measured | benchmark run |",
        "|---|---|---|",
        *_full_rows(res),
        *_build_rows(res),
        *_other_rows(res),
    ]
