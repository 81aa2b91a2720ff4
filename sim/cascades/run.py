"""Glue between a finished model and the run's outputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.cascades.build import cascades
from sim.cascades.summary import summarize_cascades


@dataclass
class CascadeTables:
    adoptions: pd.DataFrame  # cascades.parquet: one row per adoption
    trees: pd.DataFrame  # cascade_trees.parquet: one row per cascade
    summary: dict[str, Any]
    narr_true: np.ndarray


def collect(model) -> CascadeTables | None:
    """The run's cascade tables, or None when output.cascades is off."""
    rec = model.kernel.recorder
    if rec is None:
        return None
    kinds = np.array([a.kind for a in model.actors], dtype=object)
    owner = np.asarray(model.accounts.owner, dtype=np.int64)
    is_bot = kinds[owner] == "bots" if len(owner) else np.zeros(0, bool)
    adopt = rec.table(is_bot)
    w = model.world
    trees = cascades(adopt, w.narr_true, w.narr_side)
    return CascadeTables(adopt, trees, summarize_cascades(adopt, trees, w), w.narr_true)


def write(out: Path, tables: CascadeTables, figures: bool) -> list[Path]:
    """cascades.parquet, cascade_trees.parquet and (when asked) the cascade figures."""
    from sim.outputs import write_parquet

    paths = [out / "cascades.parquet", out / "cascade_trees.parquet"]
    write_parquet(tables.adoptions, paths[0])
    write_parquet(tables.trees, paths[1])
    if figures:
        from sim.cascades.figures import make_cascade_figures

        paths += make_cascade_figures(
            out / "figures", tables.adoptions, tables.trees, tables.narr_true
        )
    return paths
