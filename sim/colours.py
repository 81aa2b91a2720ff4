"""The one place that decides colours, so a side looks the same in every picture.

Rules, used by the run figures (``sim.figures``), the study figures
(``sim.analysis.figures``) and the class page (``sim.demo.views``):

- Each side has one hue everywhere: the first side blue, the second red, further sides grey.
- A narrative takes its side's hue; its line is solid when true and dashed when false.
  Several narratives of one side and truth get different shades of that hue (dark to light),
  so they stay apart without suggesting another side.
- Audiences (communities) use the Okabe-Ito colour-blind-safe palette, whose neighbours are
  different hues, not light/dark pairs that would suggest two audiences belong together.
- In study figures an arm that differs from the baseline (95% CI excludes 0) is drawn in
  ``SIGNIFICANT``, one that does not in ``NOT_SIGNIFICANT``; baseline vs arm points use
  ``BASELINE`` and ``ARM``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SIDE_COLOURS = ("#1f5fbf", "#c8302b")  # first side blue, second red (as the opinion map)
OTHER_SIDE = "#7f7f7f"
SIDE_SHADES = (  # the side's hue first, then darker and lighter shades of it
    ("#1f5fbf", "#0b3a7a", "#74a9f0", "#3d8bd9", "#a9c9f5"),
    ("#c8302b", "#7a1410", "#f08a85", "#e0584f", "#f5b7b3"),
)
TRUE_STYLE, FALSE_STYLE = "-", "--"
# Okabe & Ito (2008), then four more distinct hues for worlds with many audiences.
AUDIENCE_COLOURS = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#000000",
    "#8C564B",
    "#999999",
    "#17BECF",
    "#BCBD22",
)
STATE_COLOURS = ("#d4d4d4", "#f06a0c", "#f7b77a", "#8064b4", "#2e9e4f")  # crowd.STATE_NAMES
SIGNIFICANT, NOT_SIGNIFICANT = "#c8302b", "#7f7f7f"
BASELINE, ARM = "#555555", "#E69F00"
ARMS = ("#0072B2", "#D55E00")  # two arms drawn in one panel (Okabe-Ito blue, vermillion)
FEASIBLE = "#009E73"  # an optimisation trial that reaches the required level
EDGE = "#9a9a9a"  # follow ties in the class page's network


def side_colour(side: int) -> str:
    return SIDE_COLOURS[side] if 0 <= side < len(SIDE_COLOURS) else OTHER_SIDE


def side_colour_by_name(sides: Sequence[str], name: str) -> str:
    return side_colour(list(sides).index(name)) if name in sides else OTHER_SIDE


def narrative_style(
    narr_side: Sequence[int] | np.ndarray, narr_true: Sequence[bool] | np.ndarray, k: int
) -> dict:
    """Matplotlib line style of narrative ``k``: its side's hue (a shade per narrative of the
    same side and truth), solid when true, dashed when false."""
    side, true = int(narr_side[k]), bool(narr_true[k])
    linestyle = TRUE_STYLE if true else FALSE_STYLE
    if side >= len(SIDE_SHADES):
        return {"color": OTHER_SIDE, "linestyle": linestyle}
    rank = sum(1 for j in range(k) if int(narr_side[j]) == side and bool(narr_true[j]) == true)
    shades = SIDE_SHADES[side]
    return {"color": shades[rank % len(shades)], "linestyle": linestyle}


def audience_colour(c: int) -> str:
    return AUDIENCE_COLOURS[c % len(AUDIENCE_COLOURS)]
