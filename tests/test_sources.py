"""docs/sources.md is the one place the source figures live: the code's calibration tables
must match it, and nothing may cite a file outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from sim.analysis.thesis import TABLE3, TABLE4, hashtag_ratio

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (ROOT / "docs" / "sources.md").read_text()


def _num(s: str) -> int:
    return int(s.replace(",", ""))


def test_table3_matches_sources():
    rows = re.findall(r"^\| (\d+) \| (\w+) .*?\| [\w ]+ \| ([\d,]+) \|$", SOURCES, re.M)
    assert [(acc, _num(n)) for _, acc, n in rows] == [(a, n) for a, _, n in TABLE3]


def test_table4_matches_sources():
    tags = dict(re.findall(r"(\w+) ([\d,]{7,})[;.]", SOURCES.split("Most used hashtags")[1]))
    assert {t: _num(v) for t, v in tags.items()} == {t: n for t, _, n in TABLE4}


def test_derived_targets_match_sources():
    vol = {t: float(n) for t, _, n in TABLE4}
    sides = {t: s for t, s, _ in TABLE4}
    assert f"about {hashtag_ratio(vol, sides, False):.2f} : 1" in SOURCES
    assert f"about {hashtag_ratio(vol, sides, True):.2f} : 1" in SOURCES
    assert f"{TABLE3[0][2] / TABLE3[9][2]:.1f})" in SOURCES


def test_no_citation_outside_the_repository():
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    bad = [
        f
        for f in files
        if f.endswith((".py", ".md", ".yaml", ".toml"))
        and not f.startswith("results/")
        and "FACTS.md" in (ROOT / f).read_text(errors="ignore")
        and f != "tests/test_sources.py"
    ]
    assert bad == []


def test_license_and_citation():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["license"] == "MIT"
    titles = [r["title"] for r in cff["references"]]
    assert any("Case Study of Azerbaijan" in t for t in titles)
    assert all(t.split(":")[0] in SOURCES for t in titles)
