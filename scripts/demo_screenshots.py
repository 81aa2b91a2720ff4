"""Take the screenshots in docs/teaching.md from the live page, by the lesson's steps.

    PYTHONPATH=. python scripts/demo_screenshots.py [--out docs/img]

Starts ./demo.sh on a free port, drives Debian's chromium with Playwright (as the browser
tests do) and saves one PNG per experiment setting. Takes a few minutes: each shot plays
the world to day 7 with a render interval of 11 hours per frame.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.demo.browser import ROOT, DemoPage, browser, serve

DAY7 = 7 * 24
# (file, inputs: [(kind, label, value)], colour-by, tick to reach)
SHOTS = [
    ("overview.png", [], "opinion", 48),
    ("exp1_bots_off.png", [("slider", "Bot volume", -4)], "opinion", DAY7),
    ("exp1_bots_x5.png", [("slider", "Bot volume", 16)], "opinion", DAY7),
    ("exp2_no_response.png", [], "#FakeAtrocity", DAY7),
    (
        "exp2_fast_response.png",
        [("toggle", "Home side: rapid response", None), ("slider", "Response delay", -22)],
        "#FakeAtrocity",
        DAY7,
    ),
    ("exp3_shutdown.png", [("toggle", "Home side: platform shutdown", None)], "opinion", DAY7),
]


def take(url: str, chrome, out: Path, name: str, inputs, colour: str, tick: int) -> None:
    context = chrome.new_context(viewport={"width": 1400, "height": 1000})
    try:
        p = DemoPage(context.new_page(), url).open()
        for kind, label, value in inputs:
            p.toggle(label) if kind == "toggle" else p.move_slider(label, value)
        p.move_slider("Redraw every", 10)  # 1 -> 11 ticks per frame
        if inputs:
            p.reset()
        if colour != "opinion":
            p.select("Colour users by", colour)
        reached = p.play_until(tick)
        p.shot(out / name)
        print(f"{name}: tick {reached}; {p.text('.demo-settings')} {p.text('.demo-strategies')}")
    finally:
        context.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    ap.add_argument("--only", default="", help="take only the shots whose file name contains this")
    args = ap.parse_args()
    t0 = time.monotonic()
    with serve() as url, browser() as chrome:
        for name, inputs, colour, tick in SHOTS:
            if args.only in name:
                take(url, chrome, args.out, name, inputs, colour, tick)
    print(f"done in {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
