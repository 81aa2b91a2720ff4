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
    parts = ("## 1.", "## 1b.", "## 2.", "## 2b.", "## 3.", "## 4.", "## 5.", "Trend")
    for part in (*parts, "Lying caught", "`fake_contain_h`: what the cell sees"):
        assert part in text
    assert (tmp_path / "prebunking_over_time.png").stat().st_size > 0
    caught = runs[runs.arm.str.startswith("home_fake_debunked")]
    assert caught.home_fake_detected.notna().all()  # the rival's rapid response ran
    assert runs[runs.arm == "none"].home_fake_detected.isna().all()


def test_resume_keeps_stored_pairs_of_the_study_only(tmp_path, monkeypatch):
    """``--resume`` runs only the (arm, seed) pairs the store lacks; pairs the study no
    longer asks for are dropped."""
    spec = importlib.util.spec_from_file_location("mech2", ROOT / "experiments" / "mechanisms.py")
    assert spec is not None and spec.loader is not None
    mech = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mech)
    monkeypatch.setattr(mech, "OUT", tmp_path)
    assert mech.stored([("none", 0)])[0].empty  # nothing stored yet
    rows = pd.DataFrame({"arm": ["none", "none", "gone"], "seed": [0, 1, 0], "x": [1, 2, 3]})
    rows.to_parquet(tmp_path / "runs.parquet")
    rows.assign(day=0).to_parquet(tmp_path / "daily.parquet")
    runs, daily = mech.stored([("none", 0), ("none", 1), ("coordination", 0)])
    assert sorted(zip(runs.arm, runs.seed)) == [("none", 0), ("none", 1)]
    assert len(daily) == 2
