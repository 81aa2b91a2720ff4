"""Robust decisions: which home defence holds up across what we do not know (EMA workbench).

    scripts/python experiments/robust.py                  # -> results/robust/report.md
    scripts/python experiments/robust.py scenarios=16 seeds=1     # a quick look
    scripts/python experiments/robust.py --study karabakh2020     # another conf/robust/ study
    scripts/python experiments/robust.py scenarios=123 launcher=submitit_slurm jobs=256

The study is ``conf/robust/<study>.yaml`` (schema: sim/robust/schema.py), with any of its
keys overridden as ``key=value``; a bad key or value stops it with one line (exit 2). The
EMA workbench samples the uncertainties (Latin hypercube), searches the levers
(eps-NSGA-II) and analyses the outcomes (PRIM, CART); every run goes through the sweep
store under ``<out>/_runs``, in joblib workers here (``launcher=pool``) or on a Hydra
launcher (joblib, submitit_local, submitit_slurm, ray), so running the same command again,
on any launcher, resumes. How to read the report: docs/robust.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.errors import ConfigError  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", default="default", help="a conf/robust/<study>.yaml")
    ap.add_argument("--out", type=Path, default=None, help="default results/robust[/<study>]")
    ap.add_argument(
        "--analyse-only",
        action="store_true",
        help="no runs: analyse the study saved by the last full run and rewrite the report",
    )
    ap.add_argument("overrides", nargs="*", help="study keys, e.g. scenarios=16 seeds=1")
    args = ap.parse_args()
    out = (
        args.out or ROOT / "results" / "robust" / ("" if args.study == "default" else args.study)
    ).resolve()
    try:
        from sim.robust.study import load

        cfg = load(args.study, args.overrides)
        from sim.robust.pipeline import reload, run_study

        out.mkdir(parents=True, exist_ok=True)
        study = reload(cfg, out, ROOT) if args.analyse_only else run_study(cfg, out, ROOT)
    except ConfigError as e:
        print(e.line(), file=sys.stderr)
        return 2
    except RuntimeError as e:  # a worker's ConfigError, passed back as its one line
        if not str(e).startswith("error: "):
            raise
        print(str(e).splitlines()[0], file=sys.stderr)
        return 2
    import json

    from ema_workbench import save_results

    from sim.outputs import atomic_write_bytes
    from sim.robust.report import write

    if not args.analyse_only:  # the saved results are the run's; an analysis only reads them
        from datetime import UTC, datetime

        from sim.robust.report import git_commit

        meta = {
            "runs": study.runs,
            "minutes": round(study.minutes, 2),
            "load": study.load,
            "commit": git_commit(),
            "finished_utc": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        }
        atomic_write_bytes(out / "study.json", json.dumps(meta).encode())
        table = study.experiments.assign(**study.outcomes)
        table.to_csv(out / "experiments.csv", index=False)
        save_results((study.experiments, study.outcomes), str(out / "workbench_results.tar.gz"))
        study.front.to_csv(out / "pareto_front.csv", index=False)
    study.rank.to_csv(out / "ranking.csv", index=False)
    study.versus.to_csv(out / "versus_top.csv", index=False)
    argv = " ".join(([f"--study {args.study}"] if args.study != "default" else []) + args.overrides)
    print(f"wrote {write(study, out, argv)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
