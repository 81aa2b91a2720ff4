"""Soak run (issue 9, "Long runs"; slow, not in the default suite): ``./test.sh -m slow tests/test_soak.py -s``.

10^5 users over the full 44-day horizon at hourly ticks, every actor group of the default
world and every registered strategy on each side that may use it. Warnings are errors;
RSS is sampled after every tick and must stay flat after warm-up; the peak is reported
(printed, and as a junit property ``peak_rss_mb``).
"""

from __future__ import annotations

import resource
import warnings

import numpy as np
import psutil
import pytest

USERS, DAYS = 100_000, 44
WARMUP = 0.1  # share of the ticks before memory must stop growing
SLACK_MB = 48.0  # allowed growth after warm-up: allocator noise, bots gaining followers
SLACK_SHARE = 0.05  # ... or this share of the warmed-up RSS, whichever is larger


def _overrides() -> list[str]:
    from sim.strategies import load_all

    reg = load_all()
    home = [n for n, c in sorted(reg.items()) if c.meta.allows("home")]
    rival = [n for n, c in sorted(reg.items()) if c.meta.allows("rival")]
    return [
        f"graph.n={USERS}",
        f"world.horizon_days={DAYS}",
        "world.tick_hours=1",
        "seed=1",
        "output.figures=false",
        "output.progress=false",
        f"strategy@home=[{','.join(home)}]",
        f"strategy@rival=[{','.join(rival)}]",
    ]


@pytest.mark.slow
def test_soak_memory_flat_no_warnings(record_property, capsys) -> None:
    from sim.cli import load
    from sim.model import InfoWarModel
    from sim.summary import summarize

    proc = psutil.Process()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            cfg = load(_overrides())
            model = InfoWarModel(cfg)
            assert {a.kind for a in model.actors} >= {
                "head_of_state",
                "ministry",
                "embassy",
                "diaspora",
                "ngo",
                "bots",
            }
            ticks = model.world.ticks
            assert ticks == DAYS * 24
            rss = np.zeros(ticks)
            for t in range(ticks):
                model.step()
                rss[t] = proc.memory_info().rss / 2**20
            summary = summarize(model)
    warm = int(ticks * WARMUP)
    base, peak = rss[warm], rss[warm:].max()
    growth = peak - base
    late_trend = rss[-ticks // 4 :].mean() - rss[warm : warm + ticks // 4].mean()
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    record_property("peak_rss_mb", round(float(rss.max()), 1))
    with capsys.disabled():
        print(
            f"\nsoak: {USERS} users, {ticks} ticks, {len(model.strategies)} strategies, "
            f"{len(model.accounts)} accounts; RSS after warm-up {base:.0f} MiB, peak {rss.max():.0f} MiB "
            f"(process peak {peak_self:.0f} MiB), growth after warm-up {growth:.1f} MiB"
        )
    limit = max(SLACK_MB, SLACK_SHARE * base)
    assert growth <= limit, f"RSS grew {growth:.1f} MiB after warm-up (limit {limit:.1f})"
    assert late_trend <= limit / 2, f"RSS trends upward: {late_trend:.1f} MiB"
    assert summary["ticks"] == ticks and summary["users"] == USERS
