"""The mechanism study's runner and report work end to end on a tiny world."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def test_mechanism_study_runs_and_reports(tmp_path):
    spec = importlib.util.spec_from_file_location("mech", ROOT / "experiments" / "mechanisms.py")
    assert spec is not None and spec.loader is not None
    mech = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mech)
    from sim.analysis.mechanisms import write_report

    small = ("graph.n=400", "world.horizon_days=6")
    out = [mech.one_run(a, s, small) for a in mech.ARMS for s in range(2)]
    runs = pd.DataFrame([r for r, _ in out])
    daily = pd.concat([d for _, d in out], ignore_index=True)
    assert set(runs.arm) == set(mech.ARMS) and runs.seed.nunique() == 2
    assert (runs[runs.arm.str.startswith("rapid_response")].report_labels >= 0).all()
    write_report(runs, daily, tmp_path, "cmd", 0.1)
    text = (tmp_path / "report.md").read_text()
    for part in ("## 1.", "## 2.", "## 3.", "## 4.", "## 5.", "Trend"):
        assert part in text
    assert (tmp_path / "prebunking_over_time.png").stat().st_size > 0
