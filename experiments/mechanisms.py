"""Mechanism study (issue 15): do the strategies work for the reasons the sources give?

Arms on the default world (``conf/experiment/mechanisms.yaml``), every arm run on the same
seeds (paired: common random numbers), 95 % Student-t intervals on per-seed differences:

- rapid response detecting the rival's false story after 1, 6, 24 or 72 h vs none:
  misinformation believer-days, the story's reach, and the trend per doubling of delay;
- the credibility cost of a debunked fake: trust in the rival's sources, and belief in
  the rival's own true claim, with vs without rapid response (6 h);
- gaffes: home's gaffes switched off, default, default with training;
- prebunking over time: the daily difference in the fake's believers, as inoculation
  wanes (default half-life) and without waning;
- effects by channel: reach, belief, attitude and trust of each strategy vs none.

    scripts/python experiments/mechanisms.py [--seeds 20] [--jobs 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.analysis.mechanisms import write_report  # noqa: E402

OUT = ROOT / "results" / "mechanisms"
HOME_GROUPS = (
    "home_head_of_state",
    "home_ministry",
    "home_embassy",
    "home_diaspora_org",
    "home_ngo",
)
NO_GAFFES = [f"+actors.groups.{g}.gaffe_prob=0" for g in HOME_GROUPS]
NO_WANE = ["spread.inoculation_halflife_days=0"]
RR = "strategy@home=[rapid_response]"
ARMS: dict[str, list[str]] = {
    "none": [],
    **{
        f"rapid_response_{h}h": [RR, f"home.rapid_response.delay_hours={h}"] for h in (1, 6, 24, 72)
    },
    "gaffes_off": NO_GAFFES,
    "training": ["strategy@home=[training]"],
    "prebunking": ["strategy@home=[prebunking]"],
    "targeting": ["strategy@home=[targeting]"],
    "none_no_waning": NO_WANE,
    "prebunking_no_waning": ["strategy@home=[prebunking]", *NO_WANE],
}
FAKE, CLAIM = "rival_fake", "rival_claim"


def one_run(arm: str, seed: int) -> tuple[dict, pd.DataFrame]:
    """Run one arm on one seed; its summary row and its daily series."""
    from sim.cli import load
    from sim.crowd import INOCULATED, SHARING, STOPPED
    from sim.model import InfoWarModel
    from sim.summary import summarize

    cfg = load(["+experiment=mechanisms", f"seed={seed}", *ARMS[arm]])
    m = InfoWarModel(cfg)
    m.run()
    s = summarize(m)
    w, mt, n = m.world, m.metrics, m.crowd.n
    k, c = w.narratives.index(FAKE), w.narratives.index(CLAIM)
    row = {"arm": arm, "seed": seed, "users": n}
    row["fake_believer_days"] = s["misinformation"][FAKE]["auc"]
    row["fake_peak"] = s["misinformation"][FAKE]["peak"]
    row["fake_reach"] = float(m.tally.exposed[k].sum() / n)
    row["fake_contain_h"] = s["misinformation"][FAKE]["hours_to_contain"]
    for side, ch in s["channels"].items():
        for key, v in ch.items():
            row[f"{side}_{key}"] = v
    row["claim_believer_days"] = float(
        (mt.states[:, c, SHARING].sum(-1) + mt.states[:, c, STOPPED].sum(-1)).sum()
        * w.tick_hours
        / 24
        / n
    )
    for r in s["strategy_reports"].values():
        row.update({f"report_{key}": v for key, v in r.items() if isinstance(v, (int, float))})
    T = mt.ticks_done
    day = np.arange(T) * w.tick_hours // 24
    st = mt.states[:T, k].sum(-1)
    daily = pd.DataFrame(
        {
            "day": day,
            "believers": (st[:, SHARING] + st[:, STOPPED]) / n,
            "inoculated": st[:, INOCULATED] / n,
            "trust_rival": (mt.trust[:T, 1] * m.tally.users).sum(-1) / m.tally.users.sum(),
        }
    )
    daily = daily.groupby("day", as_index=False).mean()
    daily["arm"], daily["seed"] = arm, seed
    return row, daily


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    from joblib import Parallel, delayed

    t0 = time.time()
    jobs = [(a, s) for a in ARMS for s in range(args.seeds)]
    out = Parallel(n_jobs=args.jobs)(delayed(one_run)(a, s) for a, s in jobs)
    runs = pd.DataFrame([r for r, _ in out])
    daily = pd.concat([d for _, d in out], ignore_index=True)
    OUT.mkdir(parents=True, exist_ok=True)
    runs.to_parquet(OUT / "runs.parquet")
    daily.to_parquet(OUT / "daily.parquet")
    minutes = (time.time() - t0) / 60
    cmd = "scripts/python experiments/mechanisms.py" + (
        f" --seeds {args.seeds}" if args.seeds != 20 else ""
    )
    write_report(runs, daily, OUT, cmd, minutes)
    print(f"wrote {OUT / 'report.md'} ({len(runs)} runs, {minutes:.1f} min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
