"""Rerun the outside audit's failed cases (issue 20) as one battery, each as the real command.

Every case runs ``python -m sim`` (or ``demo.sh``) in a subprocess inside its own temporary
directory and is judged on what a researcher sees: the exit code, a one-line message naming
the key, no traceback, no run lost or done twice, the same table as an uninterrupted sweep.
Each failure is counted in one class: traceback, silent wrong result (bad input accepted, a
stale or wrong table), lost run (missing or duplicated), or message (the rest: an unclear
line, a worker left running). Prints a table and writes results/audit.md.

    scripts/python scripts/audit_battery.py [--jobs 2] [--only SUBSTRING]

The regression tests in tests/ cover the same cases one by one (docs/reliability.md names
them); this script is the audit's view of all of them together.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit_cases import CASES
from audit_helpers import ROOT, Case, Result

CLASSES = ("traceback", "silent", "lost", "message")


def run_case(case: Case) -> tuple[Case, Result, float]:
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="audit-") as d:
        try:
            res = case.fn(Path(d))
        except Exception as e:  # the battery itself must never hide a case
            res = Result("message", f"battery error: {type(e).__name__}: {e}")
    return case, res, time.perf_counter() - t0


def report(rows: list[tuple[Case, Result, float]], wall: float) -> str:
    counts = {c: sum(r.outcome == c for _, r, _ in rows) for c in CLASSES}
    ok = sum(r.outcome == "ok" for _, r, _ in rows)
    skipped = sum(r.outcome == "skipped" for _, r, _ in rows)
    lines = [
        "# Audit battery (issue 20)",
        "",
        "`scripts/python scripts/audit_battery.py` reruns the outside audit's failed cases as",
        "real commands, each in its own temporary directory (see the script's docstring).",
        "",
        f"Cases: {len(rows)}; passed {ok}; skipped {skipped}; wall {wall:.0f} s.",
        "",
        "| tracebacks | silent wrong results | lost runs | other (message, housekeeping) |",
        "|---|---|---|---|",
        f"| {counts['traceback']} | {counts['silent']} | {counts['lost']} | {counts['message']} |",
        "",
        "| case | issue item | outcome | s | detail |",
        "|---|---|---|---|---|",
    ]
    for case, res, s in rows:
        detail = res.detail.replace("|", "\\|").replace("\n", " ")[:160]
        lines.append(f"| {case.id} | {case.item} | {res.outcome} | {s:.1f} | {detail} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2, help="cases run at once (default 2)")
    ap.add_argument("--only", default="", help="run only cases whose id contains this")
    ap.add_argument("--out", default=str(ROOT / "results" / "audit.md"))
    args = ap.parse_args()
    cases = [c for c in CASES if args.only in c.id]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        rows = []
        for case, res, s in pool.map(run_case, cases):
            print(f"{res.outcome:9s} {s:6.1f}s  {case.id}: {res.detail[:110]}", flush=True)
            rows.append((case, res, s))
    text = report(rows, time.perf_counter() - t0)
    if not args.only:
        Path(args.out).write_text(text)
    print(text.split("\n\n| case")[0])
    return 0 if all(r.outcome in ("ok", "skipped") for _, r, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
