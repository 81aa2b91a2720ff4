"""Run-level cascade summary for summary.json: per narrative, per truth value, and the
share of adoptions each kind of sender produced."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.cascades.build import REACH_COUNTS
from sim.cascades.recorder import PARENT_KINDS


def _r(x: float, nd: int = 4) -> float | None:
    return None if x is None or not np.isfinite(x) else float(round(float(x), nd))


def describe(trees: pd.DataFrame, tick_hours: float) -> dict[str, Any]:
    """Counts and shape of a set of cascades (sizes count the root node)."""
    if not len(trees):
        return {"cascades": 0}
    size = trees["size"].to_numpy()
    big = trees[trees["size"] >= 10]
    out: dict[str, Any] = {
        "cascades": int(len(trees)),
        "adoptions": int(trees["users"].sum()),
        "size_max": int(size.max()),
        "size_mean": _r(size.mean()),
        "share_size_1": _r((size == 1).mean()),
        "share_size_le_10": _r((size <= 10).mean()),
        "depth_max": int(trees["depth"].max()),
        "max_breadth_max": int(trees["max_breadth"].max()),
        "virality_mean_size_ge_10": _r(big["virality"].mean()) if len(big) else None,
    }
    for c in REACH_COUNTS:
        t = trees[f"ticks_to_{c}"].dropna()
        out[f"hours_to_{c}_median"] = _r(t.median() * tick_hours, 2) if len(t) else None
    return out


def reach_shares(adopt: pd.DataFrame) -> dict[str, float | None]:
    """Share of all adoptions whose post came from each kind of sender."""
    counts = np.bincount(adopt["parent_kind"].to_numpy(), minlength=len(PARENT_KINDS))
    total = counts.sum()
    return {k: _r(c / total) if total else None for k, c in zip(PARENT_KINDS, counts)}


def concentration(adopt: pd.DataFrame) -> float | None:
    """Adoptions triggered by the most effective sender over those of the tenth."""
    p = adopt["parent"].to_numpy()
    c = np.sort(np.unique(p[p >= 0], return_counts=True)[1])[::-1]
    return _r(c[0] / c[9], 3) if len(c) >= 10 and c[9] > 0 else None


def summarize_cascades(adopt: pd.DataFrame, trees: pd.DataFrame, world) -> dict[str, Any]:
    th = world.tick_hours
    per_narr = {
        world.narratives[k]: {
            "label": world.narr_label[k],
            "true": bool(world.narr_true[k]),
            **describe(trees[trees["narrative"] == k], th),
        }
        for k in range(world.n_narratives)
    }
    return {
        "by_truth": {
            ("true" if t else "false"): describe(trees[trees["true"] == t], th)
            for t in (True, False)
        },
        "by_side": {
            side: describe(trees[trees["side"] == i], th) for i, side in enumerate(world.sides)
        },
        "by_narrative": per_narr,
        "reach_by_sender": reach_shares(adopt),
        "reach_by_root": {
            k: _r(v)
            for k, v in (
                trees.groupby("root_kind", observed=False)["users"].sum()
                / max(int(trees["users"].sum()), 1)
            ).items()
        },
        "sender_concentration_top_over_10th": concentration(adopt),
    }
