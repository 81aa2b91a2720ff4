"""Do the model's cascades look like real ones? A battery of stylized facts (issue 17).

Runs the default scenario and the karabakh2020 scenario over several seeds with
``output.cascades=true`` and checks, each against its source: heavy-tailed cascade sizes
(``powerlaw`` fits, likelihood ratios against lognormal and exponential), most cascades
tiny and a few large, structural virality rising with size (Goel et al. 2016), reach
concentrated in a few accounts (the 2020 thesis' top account about 9x the tenth), and
false against true news (Vosoughi et al. 2018); then the cascade metrics per hashtag of
the 2020 scenario. Writes results/stylized_facts/report.md, facts.csv and figures.

    scripts/python experiments/stylized_facts.py                 # defaults: a few minutes
    scripts/python experiments/stylized_facts.py --seeds 20 --n 50000 --workers 4
    scripts/python experiments/stylized_facts.py --facts-only   # re-judge facts.csv, no run
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from experiments.stylized_facts_report import rewrite_fact_table, write_report  # noqa: E402
from sim.cascades.facts import run_facts  # noqa: E402


def one_run(scenario: str, n: int, seed: int) -> dict:
    """One run with parent links; returns its per-run facts and per-cascade table."""
    from experiments.benchmark_workers import size_overrides
    from sim.api import run_infowar
    from sim.cli import load

    cfg = load(
        [
            *size_overrides(scenario, n),  # a scaled scenario sizes itself by world.scale
            f"seed={seed}",
            "output.cascades=true",
            "output.progress=false",
            "output.figures=false",
        ]
    )
    res = run_infowar(cfg)
    w, tables = res.model.world, res.cascades
    trees = tables.trees.assign(
        seed=seed, scenario=scenario, hashtag=[w.narr_label[k] for k in tables.trees["narrative"]]
    )
    reshares = [a["reshares"] for a in res.summary["top_accounts"]]
    facts = run_facts(tables.trees, reshares, w.tick_hours)
    adopt = tables.adoptions
    truth = w.narr_true[adopt["narrative"].to_numpy()]
    kinds = adopt["parent_kind"].to_numpy()
    for t, name in ((True, "true"), (False, "false")):
        for j, kind in enumerate(("seed", "user", "actor", "bot")):
            sel = truth == t
            facts[f"sender_{kind}_{name}"] = float((kinds[sel] == j).mean()) if sel.any() else 0.0
    facts.update(
        scenario=scenario,
        seed=seed,
        users=res.summary["users"],
        adoptions=len(adopt),
        cascades=len(trees),
    )
    return {"facts": facts, "trees": trees, "tick_hours": w.tick_hours}


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=16, help="seeds of the default scenario")
    p.add_argument("--kb-seeds", type=int, default=8, help="seeds of karabakh2020")
    p.add_argument("--n", type=int, default=50000, help="users per run")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--out", type=Path, default=ROOT / "results" / "stylized_facts")
    p.add_argument(
        "--facts-only",
        action="store_true",
        help="rewrite the report's fact table from the stored facts.csv (no runs)",
    )
    return p.parse_args(argv)


def main(argv=None) -> None:
    args = parse(argv)
    if args.facts_only:
        if not (args.out / "facts.csv").is_file() or not (args.out / "report.md").is_file():
            print(f"error: --facts-only needs {args.out}/facts.csv and report.md", file=sys.stderr)
            raise SystemExit(2)
        facts = pd.read_csv(args.out / "facts.csv")
        print(f"rewrote {rewrite_fact_table(args.out / 'report.md', facts)} (fact table)")
        return
    jobs = [("default", args.n, s) for s in range(args.seeds)]
    jobs += [("karabakh2020", args.n, s) for s in range(args.kb_seeds)]
    t0 = time.perf_counter()
    if args.workers <= 1:
        out = [one_run(*j) for j in jobs]
    else:  # spawn: forking a process that already runs threads can deadlock
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(args.workers, mp_context=ctx) as ex:
            out = list(ex.map(one_run, *zip(*jobs)))
    facts = pd.DataFrame([o["facts"] for o in out])
    trees = pd.concat([o["trees"] for o in out], ignore_index=True)
    meta = {
        "runs": len(jobs),
        "n": args.n,
        "seeds": args.seeds,
        "kb_seeds": args.kb_seeds,
        "workers": args.workers,
        "seconds": round(time.perf_counter() - t0, 1),
        "tick_hours": {o["facts"]["scenario"]: o["tick_hours"] for o in out},
    }
    path = write_report(args.out, facts, trees, meta)
    print(f"wrote {path} ({meta['runs']} runs, {meta['seconds']} s)")


if __name__ == "__main__":
    main()
