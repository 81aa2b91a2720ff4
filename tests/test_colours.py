"""Figure colours and titles (issue 14): one module decides colours; a side keeps its hue
everywhere, false narratives are dashed; audiences' neighbours are distinct hues; run
figures name scenario and seed and include a reach figure; "never" is drawn apart."""

from __future__ import annotations

import colorsys
import itertools
import re
from pathlib import Path
from typing import Any

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

from sim import colours

ROOT = Path(__file__).resolve().parent.parent


def _hsv(c: str) -> tuple[float, float, float]:
    return colorsys.rgb_to_hsv(*mcolors.to_rgb(c))


def test_narratives_take_their_sides_hue_and_false_ones_are_dashed():
    side = [0, 1, 1, 0, 0]
    true = [True, True, False, False, True]
    styles = [colours.narrative_style(side, true, k) for k in range(5)]
    for k, st in enumerate(styles):
        assert st["linestyle"] == ("-" if true[k] else "--")
        assert st["color"] in colours.SIDE_SHADES[side[k]]
    hues = [_hsv(st["color"])[0] for st in styles]
    for k in range(5):  # every shade of a side is nearer its side's hue than the other's
        own, other = (_hsv(c)[0] for c in colours.SIDE_COLOURS[:: 1 if side[k] == 0 else -1])
        assert abs(hues[k] - own) < abs(hues[k] - other)
    assert styles[0]["color"] != styles[4]["color"]  # two true home narratives differ
    assert colours.narrative_style([5], [True], 0)["color"] == colours.OTHER_SIDE


def test_audience_neighbours_are_different_hues():
    pal = colours.AUDIENCE_COLOURS
    for a, b in itertools.pairwise(pal):
        (ha, sa, _), (hb, sb, _) = _hsv(a), _hsv(b)
        if min(sa, sb) < 0.15:  # black or grey: no hue to pair with
            continue
        d = abs(ha - hb)
        assert min(d, 1 - d) > 25 / 360, (a, b)
    assert len(set(pal)) == len(pal)


def test_no_module_but_colours_names_a_colour():
    pattern = re.compile(r"#[0-9a-fA-F]{6}\b|\"tab:|get_cmap\(\"tab|\"C\d\"")
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "sim").rglob("*.py")
        if p.name != "colours.py" and pattern.search(p.read_text())
    ]
    assert offenders == []


def test_run_figures_name_scenario_and_seed_and_include_reach(tmp_path, monkeypatch):
    from clirun import TINY

    from sim import figures
    from sim.api import run
    from sim.cli import load

    titles: dict[str, str] = {}
    save = figures._save

    def spy(fig, path):
        titles[path.name] = fig.axes[0].get_title()
        return save(fig, path)

    monkeypatch.setattr(figures, "_save", spy)
    cfg = load([*TINY, "seed=3", "output.figures=true"])
    run(cfg, out=tmp_path)
    assert {"believers.png", "opinion.png", "reach.png", "top_accounts.png"} <= set(titles)
    assert all("default, seed 3" in t for t in titles.values()), titles
    assert (tmp_path / "figures" / "reach.png").stat().st_size > 1000


def test_never_level_is_drawn_apart_from_the_curve(tmp_path, monkeypatch):
    from sim.analysis import figures as fg

    captured: dict[str, Any] = {}
    monkeypatch.setattr(fg, "save", lambda fig, path: captured.setdefault("fig", fig) and path)
    stats = pd.DataFrame(
        {"x": [1.0, 2.0, 48.0, 10_000.0], "mean": [1, 2, 3, 9.0], "lo": [0.5] * 4, "hi": [4.0] * 4}
    )
    fg.curve(stats, "x", "delay (h)", "y", "t", tmp_path / "c.png")
    ax = captured["fig"].axes[0]
    curve_x = np.concatenate([ln.get_xdata() for ln in ax.lines if ln.get_marker() == "o"])
    assert curve_x.max() == 48.0  # 10,000 h is not a point on the axis
    assert ax.get_xscale() == "log" or ax.get_xlim()[1] < 1000
    labels = [ln.get_label() for ln in ax.lines]
    assert "never (10,000 h)" in labels


@pytest.mark.parametrize("name", ["sim/figures.py", "sim/analysis/figures.py", "sim/demo/views.py"])
def test_figure_modules_import_the_colour_rules(name):
    assert "from sim.colours import" in (ROOT / name).read_text()
