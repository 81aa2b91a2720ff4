"""The findings block quotes each report's findings section and its size, and refuses a
report without one (so a study cannot silently drop out of the docs)."""

from __future__ import annotations

import pytest

from sim.doctables import findings as fd

REPORT = """# Experiment `x`

120 runs from `multirun/x`; table `runs.parquet`. Written today.

## Findings

- support: `a` 0.0100 [0.0020, 0.0180].
- misinformation: no arm differs from the baseline.

### support

| arm | diff |
|---|---|
"""


def test_quotes_the_findings_lines_and_the_size(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(fd, "ROOT", tmp_path)
    (tmp_path / "r.md").write_text(REPORT)
    block = fd.study_findings("x", tmp_path / "r.md")
    assert (
        block[0] == "**x** ([report](../r.md); 120 runs from `multirun/x`; table `runs.parquet`):"
    )
    assert block[2:4] == [
        "- support: `a` 0.0100 [0.0020, 0.0180].",
        "- misinformation: no arm differs from the baseline.",
    ]
    assert not any(line.startswith(("|", "#")) for line in block)


def test_a_report_without_findings_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(fd, "ROOT", tmp_path)
    (tmp_path / "r.md").write_text("# x\n\n10 runs.\n\n## Tables\n")
    with pytest.raises(ValueError, match="r.md: no '## Findings' section"):
        fd.study_findings("x", tmp_path / "r.md")
    with pytest.raises(FileNotFoundError, match="missing"):
        fd.study_findings("x", tmp_path / "absent.md")
