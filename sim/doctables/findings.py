"""The study findings quoted in docs/experiments.md and README, copied from the committed
reports under results/, so a rerun that moves a figure moves the docs with it.

Every study report opens its results with a ``## Findings`` section: prose and bullets in
words, with the adjusted intervals. The block quotes those lines (up to the first table or
sub-heading) under the study's name, with the report's size line (runs, seeds, world).
"""

from __future__ import annotations

import re
from pathlib import Path

from sim.doctables import ROOT

FINDINGS = "Findings"
# study -> (its committed report, relative to the repository root; the section quoted)
REPORTS: dict[str, tuple[str, str]] = {
    "compare_strategies": ("results/compare_strategies/report.md", FINDINGS),
    "duel": ("results/duel/report.md", FINDINGS),
    "response_delay": ("results/response_delay/report.md", FINDINGS),
    "languages": ("results/languages/report.md", FINDINGS),
    "volunteers": ("results/volunteers/report.md", FINDINGS),
    "mechanisms": ("results/mechanisms/report.md", "6. Reading the results"),
    "whatif (karabakh2020, point calibration)": (
        "results/karabakh2020/whatif_point/whatif.md",
        FINDINGS,
    ),
    "robust": ("results/robust/report.md", FINDINGS),
}
HEADLINE = ("compare_strategies",)  # the studies README quotes


def _section(text: str, title: str) -> list[str]:
    """Lines of the ``## <title>`` section up to its first table, sub-heading or section."""
    lines = text.splitlines()
    head = f"## {title}"
    if head not in lines:
        raise ValueError(f"no '{head}' section")
    out: list[str] = []
    for line in lines[lines.index(head) + 1 :]:
        if line.startswith(("#", "|", "![")):
            break
        out.append(line)
    return _trim(out)


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def size_line(text: str) -> str:
    """How many runs the report rests on: the first sentence that counts runs."""
    m = re.search(r"^(\d[\d,]* runs.*?)\.(?:\s|$)", text, re.MULTILINE)
    return m.group(1) if m else "size not stated"


def study_findings(name: str, path: Path, title: str = FINDINGS, up: str = "../") -> list[str]:
    """The quoted block of one study (``up``: the page's way back to the repository root)."""
    rel = path.relative_to(ROOT).as_posix()
    if not path.exists():
        raise FileNotFoundError(f"{rel}: the study's committed report is missing")
    text = path.read_text()
    try:
        body = _section(text, title)
    except ValueError as e:
        raise ValueError(f"{rel}: {e}") from None
    return [f"**{name}** ([report]({up}{rel}); {size_line(text)}):", "", *body, ""]


def findings_block() -> str:
    """Every study's findings, in the order of ``REPORTS``."""
    lines: list[str] = []
    for name, (rel, title) in REPORTS.items():
        lines += study_findings(name, ROOT / rel, title)
    return "\n".join(lines)


def headline_block() -> str:
    """README's quote: the flagship studies' findings (links from the repository root)."""
    lines: list[str] = []
    for name in HEADLINE:
        rel, title = REPORTS[name]
        lines += study_findings(name, ROOT / rel, title, up="")
    return "\n".join(lines)


def whatif_point_block() -> str:
    """docs/karabakh2020.md's quote: the point what-if study's findings."""
    name = "whatif (karabakh2020, point calibration)"
    rel, title = REPORTS[name]
    return "\n".join(study_findings(name, ROOT / rel, title))


def performance_block() -> str:
    """README's performance table: the one experiments/benchmark.py wrote with its report."""
    return (ROOT / "results" / "benchmark_summary.md").read_text()
