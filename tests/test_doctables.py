"""The generated docs tables match the code (python -m sim.doctables rewrites them)."""

from __future__ import annotations

import subprocess
import sys

from clirun import ROOT, env

from sim.doctables import fill, stale


def test_committed_docs_tables_are_up_to_date() -> None:
    assert stale() == [], "run: python -m sim.doctables"


def test_fill_replaces_only_the_marked_block() -> None:
    text = "intro\n<!-- BEGIN t -->\nold\n<!-- END t -->\nrest\n"
    new = fill(text, "t", "new table")
    assert new.startswith("intro\n<!-- BEGIN t -->\n") and new.endswith("<!-- END t -->\nrest\n")
    assert "new table" in new and "old" not in new


def test_check_flag_fails_on_a_stale_page(tmp_path, monkeypatch) -> None:
    import sim.doctables as dt

    page = tmp_path / "page.md"
    page.write_text("<!-- BEGIN x -->\nstale\n<!-- END x -->\n")
    monkeypatch.setattr(dt, "sections", lambda: {"x": (page, lambda: "fresh")})
    assert dt.stale() == [page]
    dt.write()
    assert dt.stale() == [] and "fresh" in page.read_text()


def test_cli_check_passes_on_the_repository() -> None:
    p = subprocess.run(
        [sys.executable, "-m", "sim.doctables", "--check"], cwd=ROOT, env=env(), capture_output=True
    )
    assert p.returncode == 0, p.stderr


def test_parameter_rows_use_declarations_then_comments() -> None:
    from sim.doctables.parameters import rows
    from sim.strategies import REGISTRY, load_all

    load_all()
    cfg = REGISTRY["rapid_response"].Config
    table = "\n".join(rows("<side>.rapid_response", cfg, "a number >= 0"))
    assert "| `<side>.rapid_response.delay_hours` | 24 | a number in [0, 10000] |" in table
    assert "detection delay after a false story appears" in table  # its trailing comment
    assert "staff-hours it may spend" in table  # budget's note, from the base class
    from sim.config.schema import SpreadConfig

    spread = "\n".join(rows("spread", SpreadConfig))
    assert "| `spread.beta` | 0.25 | a probability in [0, 1] |" in spread
