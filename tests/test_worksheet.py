"""docs/worksheet.md fits on one page and names only controls and narratives the page has."""

from __future__ import annotations

import re
from pathlib import Path

from sim.demo.controls import model_params

ROOT = Path(__file__).resolve().parent.parent
SHEET = (ROOT / "docs" / "worksheet.md").read_text()
PAGE_WORDS = ["Redraw every", "Settings", "Reset"]  # drawn by sim/app.py itself


def test_fits_on_one_page():
    assert len(SHEET.splitlines()) <= 60 and len(SHEET) <= 3500


def test_every_control_it_names_exists_on_the_page():
    from sim.demo.views import BelieversPicture, ReachPicture

    labels = [p["label"] for p in model_params().values() if isinstance(p, dict)]
    labels += [*PAGE_WORDS, BelieversPicture.title, ReachPicture.title, "Opinion by community"]
    named = {" ".join(n.split()) for n in re.findall(r"\*([A-Z][^*]+?)\*", SHEET)}
    assert named, "the worksheet names no control"
    missing = {n for n in named if not any(lab.startswith(n) for lab in labels)}
    assert not missing, missing


def test_every_narrative_and_audience_it_names_exists():
    from sim.cli import load
    from sim.world import compile_world

    cfg = load(["graph.n=300"])
    w = compile_world(cfg)
    for name in re.findall(r"`(#\w+)`", SHEET):
        assert name in w.narr_label, name
    for name in re.findall(r"`(intl_\w+)`", SHEET):
        assert name in w.communities, name
