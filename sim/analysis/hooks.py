"""What the analysis layer adds to every run's summary and printed report.

Kept here so sim/summary.py and sim/report.py need one call each: every run gets the
digital-diplomacy scorecard; runs of the 2020 scenario also get their calibration
statistics and print their tables beside the thesis's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model import InfoWarModel

THESIS_SCENARIOS = ("karabakh2020",)


def run_extras(model: InfoWarModel, summary: dict[str, Any]) -> dict[str, Any]:
    from sim.analysis.scorecard import scorecard

    out: dict[str, Any] = {"scorecard": scorecard(model)}
    if summary.get("scenario") in THESIS_SCENARIOS:
        from sim.analysis.thesis import targets

        out["calibration_targets"] = targets(summary)
    return out


def report_sections(s: dict[str, Any], table) -> list[str]:
    """Extra printed sections; ``table(rows, header)`` formats a table."""
    parts = []
    if s.get("scenario") in THESIS_SCENARIOS:
        from sim.analysis.thesis import accounts_rows, hashtags_rows, targets_rows

        for title, fn in (
            ("Most reshared accounts: thesis Table 3 | simulated", accounts_rows),
            ("Most used hashtags: thesis Table 4 | simulated", hashtags_rows),
            ("Calibration statistics", targets_rows),
        ):
            header, rows = fn(s)
            parts.append(f"\n{title}\n" + table(rows, header))
    if s.get("scorecard"):
        from sim.analysis.scorecard import scorecard_rows

        header, rows = scorecard_rows(s["scorecard"])
        parts.append(
            "\nDigital-diplomacy scorecard (raw value, score 0-100 vs the better side)\n"
            + table(rows, header)
        )
    return parts
