"""Glue between a finished model and the run's outputs."""

from __future__ import annotations

from dataclasses import dataclass
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
