"""What the analysis layer adds to every run's summary and printed report.

Kept here so sim/summary.py and sim/report.py need one call each: every run gets the
digital-diplomacy scorecard; a run whose scenario asks for them (``output.thesis_tables``,
set in the scenario's YAML file) also gets the thesis's calibration statistics and
prints its tables beside the thesis's. No scenario is named here: the scenario opts in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.model import InfoWarModel


def run_extras(model: InfoWarModel, summary: dict[str, Any]) -> dict[str, Any]:
    from sim.analysis.scorecard import scorecard

    out: dict[str, Any] = {"scorecard": scorecard(model)}
    if model.cfg.output.thesis_tables:
        from sim.analysis.thesis import targets
        from sim.analysis.thesis_targets import layer_stats

        # Twitter alone when the scenario measures a platform (the thesis's figures are)
        out["calibration_targets"] = (
            layer_stats(summary) if summary.get("layer") else targets(summary)
        )
    return out


def report_sections(s: dict[str, Any], table) -> list[str]:
    """Extra printed sections; ``table(rows, header)`` formats a table."""
    parts = []
    if s.get("calibration_targets"):
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
