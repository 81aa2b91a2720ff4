"""Mechanism study (issue 15): do the strategies work for the reasons the sources give?

Arms on the default world (``conf/experiment/mechanisms.yaml``), every arm run on the same
seeds (paired: common random numbers), 95 % Student-t intervals on per-seed differences:

- rapid response detecting the rival's false story after 1, 6, 24 or 72 h vs none, with
  its default budget, with an unlimited one, and against a story flooded by the rival's
  bots (bot_flooding x5): misinformation believer-days (whole run,
  and the three days after the story appears), the story's reach, and the trend per
  doubling of delay;
- what the cell sees: rapid response at 1 and 24 h answering where the story has public
  carriers (``seen=public``) instead of readers (the default ``seen=reach``);
- the credibility cost of a debunked fake: trust in the rival's sources, and belief in
  the rival's own true claim, with vs without rapid response (6 h);
- gaffes: home's gaffes switched off, default, default with training, and ten times the
  default rates with and without training;
- prebunking over time: the daily difference in the fake's believers, as inoculation
  wanes (default half-life) and without waning;
- lying caught: home's coordination desk with and without a rival able to debunk home's
  own fake (a rival debunk of home_fake, conf/mechanism/home_fake_debunked.yaml, and rival
  rapid response at 6 h), so coordination's trust and support benefit shows where lying
  costs credibility;
- effects by channel: reach, belief, attitude and trust of each strategy vs none.

    scripts/python experiments/mechanisms.py [--seeds 20] [--jobs 2] [--resume]
    scripts/python experiments/mechanisms.py --report-only --minutes 22  # from the stored runs

``--resume`` keeps the (arm, seed) runs already in runs.parquet and daily.parquet and runs
only the missing ones (new arms, more seeds); use it only while the model is unchanged
since those runs (a rerun of a stored pair must reproduce it to the digit).
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
HOME_GROUPS = {  # default per-kind gaffe rates x 10 (a sensitivity: the rates have no source)
    "home_head_of_state": 0.02,
    "home_ministry": 0.03,
    "home_embassy": 0.05,
    "home_diaspora_org": 0.1,
    "home_ngo": 0.02,
}
NO_GAFFES = [f"+actors.groups.{g}.gaffe_prob=0" for g in HOME_GROUPS]
MANY_GAFFES = [f"+actors.groups.{g}.gaffe_prob={p}" for g, p in HOME_GROUPS.items()]
NO_WANE = ["spread.inoculation_halflife_days=0"]
RR = "strategy@home=[rapid_response]"
UNLIMITED = "home.rapid_response.budget=100000"
DELAYS = (1, 6, 24, 72)
PUBLIC = "home.rapid_response.seen=public"
PUBLIC_DELAYS = (1, 24)
FLOOD = ["strategy@rival=[bot_flooding]", "rival.bot_flooding.budget=100000"]
CAUGHT = [  # the rival can expose home's fake: a debunk of it and a 6-hour rapid response
    "+mechanism=home_fake_debunked",
    "strategy@rival=[rapid_response]",
    "rival.rapid_response.delay_hours=6",
]
ARMS: dict[str, list[str]] = {
    "none": [],
    **{f"rapid_response_{h}h": [RR, f"home.rapid_response.delay_hours={h}"] for h in DELAYS},
    **{
        f"rapid_response_{h}h_unlimited": [RR, f"home.rapid_response.delay_hours={h}", UNLIMITED]
        for h in DELAYS
    },
    **{  # what the cell sees: public carriers instead of readers (docs/model.md 7.5)
        f"rapid_response_{h}h_public": [RR, f"home.rapid_response.delay_hours={h}", PUBLIC]
        for h in PUBLIC_DELAYS
    },
    "flood_none": FLOOD,
    **{
        f"rapid_response_{h}h_flood": [
            RR,
            f"home.rapid_response.delay_hours={h}",
            UNLIMITED,
            *FLOOD,
        ]
        for h in DELAYS
    },
    "gaffes_off": NO_GAFFES,
    "training": ["strategy@home=[training]"],
    "gaffes_x10": MANY_GAFFES,
    "gaffes_x10_training": ["strategy@home=[training]", *MANY_GAFFES],
    "prebunking": ["strategy@home=[prebunking]"],
    "targeting": ["strategy@home=[targeting]"],
    "none_no_waning": NO_WANE,
    "prebunking_no_waning": ["strategy@home=[prebunking]", *NO_WANE],
    "coordination": ["strategy@home=[coordination]"],
    "home_fake_debunked": CAUGHT,
    "home_fake_debunked_coordination": [*CAUGHT, "strategy@home=[coordination]"],
}
FAKE, CLAIM = "rival_fake", "rival_claim"


def one_run(arm: str, seed: int, extra: tuple[str, ...] = ()) -> tuple[dict, pd.DataFrame]:
    """Run one arm on one seed (``extra``: overrides for a smaller world); its summary
    row and its daily series."""
    from sim.cli import load
    from sim.crowd import INOCULATED, SHARING, STOPPED
    from sim.model import InfoWarModel
    from sim.summary import summarize

    cfg = load(["+experiment=mechanisms", f"seed={seed}", *ARMS[arm], *extra])
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
    start, day5 = int(w.narr_start_tick[k]), int(round(5 * 24 / w.tick_hours))
    early = mt.states[start:day5, k, SHARING].sum(-1) + mt.states[start:day5, k, STOPPED].sum(-1)
    row["fake_believer_days_early"] = float(early.sum() * w.tick_hours / 24 / n)  # days 2-5
    for side, ch in s["channels"].items():
        for key, v in ch.items():
            row[f"{side}_{key}"] = v
    row["claim_believer_days"] = float(
        (mt.states[:, c, SHARING].sum(-1) + mt.states[:, c, STOPPED].sum(-1)).sum()
        * w.tick_hours
        / 24
        / n
    )
    rr = s["strategy_reports"].get("rival/rapid_response")
    row["home_fake_detected"] = float("home_fake" in rr["detected_hour"]) if rr else np.nan
    home_cost = s["cost"]["home"]
    row["home_spent"] = home_cost["strategy_total"]
    row["home_not_done"] = float(sum(home_cost["not_done"].values()))
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


def stored(jobs: list[tuple[str, int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored runs and daily series of the study's (arm, seed) pairs, if any."""
    if not (OUT / "runs.parquet").exists():
        return pd.DataFrame(), pd.DataFrame()
    runs, daily = pd.read_parquet(OUT / "runs.parquet"), pd.read_parquet(OUT / "daily.parquet")
    keep = set(jobs)
    runs = runs[[(a, s) in keep for a, s in zip(runs.arm, runs.seed)]]
    daily = daily[[(a, s) in keep for a, s in zip(daily.arm, daily.seed)]]
    return runs.reset_index(drop=True), daily.reset_index(drop=True)


def report_only(minutes: float | None) -> int:
    """Rewrite the report from the stored tables, after a change of the report's code."""
    if not (OUT / "runs.parquet").exists() or not (OUT / "daily.parquet").exists():
        print(f"error: --report-only needs {OUT}/runs.parquet and daily.parquet", file=sys.stderr)
        return 2
    if minutes is None or not minutes > 0:
        print("error: --minutes: the runs' recorded wall time (> 0) is required", file=sys.stderr)
        return 2
    runs, daily = pd.read_parquet(OUT / "runs.parquet"), pd.read_parquet(OUT / "daily.parquet")
    write_report(runs, daily, OUT, "scripts/python experiments/mechanisms.py", minutes)
    print(f"rewrote {OUT / 'report.md'} from {len(runs)} stored runs")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--resume", action="store_true", help="run only the missing (arm, seed)")
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite report.md from the stored runs.parquet and daily.parquet (no runs)",
    )
    ap.add_argument(
        "--minutes", type=float, help="with --report-only: the runs' recorded wall time"
    )
    args = ap.parse_args()
    if args.report_only:
        return report_only(args.minutes)
    from joblib import Parallel, delayed

    t0 = time.time()
    jobs = [(a, s) for a in ARMS for s in range(args.seeds)]
    runs, daily = stored(jobs) if args.resume else (pd.DataFrame(), pd.DataFrame())
    done = set(zip(runs.get("arm", []), runs.get("seed", [])))
    todo = [j for j in jobs if j not in done]
    out = Parallel(n_jobs=args.jobs)(delayed(one_run)(a, s) for a, s in todo)
    runs = pd.concat([runs, pd.DataFrame([r for r, _ in out])], ignore_index=True)
    daily = pd.concat([daily, *[d for _, d in out]], ignore_index=True)
    OUT.mkdir(parents=True, exist_ok=True)
    runs.to_parquet(OUT / "runs.parquet")
    daily.to_parquet(OUT / "daily.parquet")
    minutes = (time.time() - t0) / 60
    cmd = "scripts/python experiments/mechanisms.py" + (
        f" --seeds {args.seeds}" if args.seeds != 20 else ""
    )
    cmd += " --resume" if args.resume else ""  # then the minutes are those of the new runs
    write_report(runs, daily, OUT, cmd, minutes)
    print(f"wrote {OUT / 'report.md'} ({len(runs)} runs, {len(todo)} new, {minutes:.1f} min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
