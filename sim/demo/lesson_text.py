"""The measured parts of docs/teaching.md, written from ``sim.demo.lesson``'s numbers.

``scripts/python -m sim.demo.lesson --write`` measures every lesson setting and replaces
the blocks between ``<!-- lesson:NAME -->`` and ``<!-- /lesson:NAME -->`` in the document:
the table of means and each experiment's "What we measured" paragraph, whose words
(rise or fall, cuts or hardly changes) follow the numbers. The tests re-render the
paragraphs from the table in the document, so prose and table cannot disagree.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "teaching.md"
Table = dict[str, dict[str, float]]  # setting -> column -> mean
BLOCK = re.compile(r"(<!-- lesson:(\w+) -->\n)(.*?)(<!-- /lesson:\2 -->)", re.S)


def table_md(t: Table, columns: tuple[str, ...]) -> str:
    head = "| setting | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns) + "\n"
    rows = [f"| {s} | " + " | ".join(f"{v[c]:.3f}" for c in columns) + " |" for s, v in t.items()]
    return head + "\n".join(rows) + "\n"


def parse_table(md: str) -> Table:
    lines = [ln for ln in md.strip().splitlines() if ln.startswith("|")]
    cols = [c.strip() for c in lines[0].strip("|").split("|")][1:]
    out: Table = {}
    for ln in lines[2:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        out[cells[0]] = dict(zip(cols, map(float, cells[1:])))
    return out


def _change(a: float, b: float, up: str, down: str, same: str, tol: float = 0.1) -> str:
    """A word for the move from a to b: relative change within ``tol`` counts as the same."""
    if abs(b - a) <= tol * max(abs(a), 1e-9):
        return same
    return up if b > a else down


def exp1(t: Table) -> str:
    off, usual, x5 = t["exp 1: bot volume 0"], t["default world"], t["exp 1: bot volume 5"]
    r = x5["rival reach k"] / max(off["rival reach k"], 1e-9)
    o = [v["d opinion intl"] for v in (off, usual, x5)]
    moves = "hardly moves" if max(map(abs, o)) < 0.05 else "moves"
    return (
        f"**What we measured** (six seeds, day 7): the rival side's reach is {r:.1f} times "
        f"as large with five times the bots as without any ({off['rival reach k']:.1f} "
        f"thousand posts read without bots, {usual['rival reach k']:.1f} thousand with the "
        f"usual bots, {x5['rival reach k']:.1f} thousand with five times as many), and "
        f"believers of the false story "
        f"{_change(off['rival_fake %'], x5['rival_fake %'], 'rise', 'fall', 'stay')} from "
        f"{off['rival_fake %']:.1f} % to {x5['rival_fake %']:.1f} % of users. The mean "
        f"opinion of the international communities {moves}: by {o[0]:+.2f} without bots, "
        f"{o[1]:+.2f} with the usual ones and {o[2]:+.2f} with five times as many, on a scale "
        "from -1 to +1.\n"
    )


def exp2(t: Table) -> str:
    none, fast = t["default world"], t["exp 2: rapid response, 2 h"]
    slow = t["exp 2: rapid response, 48 h"]
    f0, f2, f48 = none["rival_fake %"], fast["rival_fake %"], slow["rival_fake %"]
    effect = _change(
        f0,
        f2,
        "raises them",
        f"cuts them by {100 * (f0 - f2) / max(f0, 1e-9):.0f} %",
        "hardly changes them",
    )
    return (
        f"**What we measured** (six seeds, day 7): with a rapid response after 2 hours "
        f"{fast['debunk %']:.1f} % of users have taken in the debunk (without a response "
        f"{none['debunk %']:.1f} %, after 48 hours {slow['debunk %']:.1f} %), and "
        f"{fast['inoculated %']:.1f} % read it before the false story reached them "
        f"(inoculated, green). Believers of the false story: {f0:.1f} % without a response, "
        f"{f2:.1f} % with one after 2 hours, {f48:.1f} % after 48 hours; a fast response "
        f"{effect}. The home side's reach goes from {none['home reach k']:.1f} to "
        f"{fast['home reach k']:.1f} thousand posts read while its team posts.\n"
    )


def exp3(t: Table) -> str:
    none, off = t["default world"], t["exp 3: home platform shutdown"]
    return (
        f"**What we measured** (six seeds, day 7): the home side's reach "
        f"{_change(none['home reach k'], off['home reach k'], 'rises', 'falls', 'stays')} "
        f"from {none['home reach k']:.1f} to {off['home reach k']:.1f} thousand posts read, "
        f"believers of its own true story go from {none['home_claim %']:.1f} % to "
        f"{off['home_claim %']:.1f} %, and the home community's mean opinion moves by "
        f"{none['d opinion home']:+.2f} without the block and {off['d opinion home']:+.2f} "
        f"with it. The rival's false story reaches {off['rival_fake %']:.1f} % of users "
        f"with the block against {none['rival_fake %']:.1f} % without.\n"
    )


PARAGRAPHS: dict[str, Callable[[Table], str]] = {"exp1": exp1, "exp2": exp2, "exp3": exp3}


def blocks(doc: str) -> dict[str, str]:
    return {m.group(2): m.group(3) for m in BLOCK.finditer(doc)}


def fill(doc: str, new: dict[str, str]) -> str:
    """The document with each named block's content replaced."""
    return BLOCK.sub(lambda m: m.group(1) + new.get(m.group(2), m.group(3)) + m.group(4), doc)


def render(t: Table, columns: tuple[str, ...]) -> dict[str, str]:
    paragraphs = {k: textwrap.fill(f(t), 92) + "\n" for k, f in PARAGRAPHS.items()}
    return {"table": table_md(t, columns), **paragraphs}
