"""Scenario discovery: where in the uncertainty space does a chosen defence fail?

A run of the defence "fails" when the misinformation reach ends above the study's threshold
or the support below its level. PRIM (the workbench's ``analysis.prim``) peels the
uncertainty space down to a box that holds many of the failures (coverage: the share of
all failures inside the box) and few successes (density: the share of failures among the
points inside it); CART (``analysis.cart``) splits the same space into a tree whose
failure leaves are boxes too. Both are reported with coverage and density.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.robust.schema import OutcomeConfig

# Among PRIM's peeling trajectory, the box reported is the densest one that still holds at
# least this share of the failures: a rule that explains half the failures is the usual
# floor for a scenario a policy reader can act on (Bryant & Lempert 2010).
MIN_COVERAGE = 0.5
# ... and restricts at most this many dimensions: a longer rule overfits a small sample
# (the peel keeps trimming dimensions whose quasi p-values say chance) and no reader can
# act on it.
MAX_DIMS = 3


@dataclass
class Box:
    """One box: its statistics and its limits on the dimensions it restricts."""

    method: str
    coverage: float
    density: float
    mass: float
    limits: dict[str, Any]  # numeric (low, high), None where unrestricted; or categories
    qp: dict[str, float]  # PRIM's quasi p-value of each restriction (empty for CART)


def fails(outcomes: dict[str, np.ndarray], o: OutcomeConfig) -> np.ndarray:
    """True where the defence failed: misinformation above the threshold or support below
    the level."""
    return (np.asarray(outcomes["misinformation"]) > o.reach_threshold) | (
        np.asarray(outcomes["support"]) < o.support_level
    )


def uncertainty_frame(experiments: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The uncertainty columns, categorical ones as pandas categories (PRIM needs that)."""
    x = experiments[names].reset_index(drop=True).copy()
    for c in x.columns:
        if x[c].dtype == object:
            x[c] = x[c].astype("category")
    return x


def restricted(limits: pd.DataFrame, x: pd.DataFrame) -> dict[str, Any]:
    """The dimensions a box restricts, compared with the range of the sample: a numeric
    one as (low, high) with None for an end the box leaves open, a categorical one as the
    set of categories it keeps."""
    out: dict[str, Any] = {}
    for c in limits.columns:
        lo, hi = limits[c].iloc[0], limits[c].iloc[1]
        if isinstance(lo, set):
            if lo != set(x[c].unique()):
                out[c] = set(lo)
        elif lo > x[c].min() or hi < x[c].max():
            out[c] = (
                float(lo) if lo > x[c].min() else None,
                float(hi) if hi < x[c].max() else None,
            )
    return out


def prim_box(
    x: pd.DataFrame, y: np.ndarray, min_coverage: float = MIN_COVERAGE, max_dims: int = MAX_DIMS
) -> Box | None:
    """PRIM's first box: the densest point on its trajectory with coverage >= min_coverage
    and at most ``max_dims`` restricted dimensions (failing that, the first point)."""
    from ema_workbench.analysis import prim

    if y.sum() == 0 or y.all():
        return None
    box = prim.Prim(x, y.astype(bool), peel_alpha=0.05, mass_min=0.05).find_box()
    traj = box.peeling_trajectory
    ok = traj[(traj["coverage"] >= min_coverage) & (traj["res_dim"] <= max_dims)]
    i = int(ok.sort_values(["density", "coverage"]).index[-1]) if len(ok) else int(traj.index[0])
    with warnings.catch_warnings():  # pandas' notice about the workbench's own table dtypes
        warnings.simplefilter("ignore", FutureWarning)
        stats, table = box.inspect(i, style="data")[0]
    limits = restricted(box.box_lims[i], x)
    qp = {d: float(np.nanmin(table.loc[d].filter(like="qp").to_numpy(float))) for d in limits}
    return Box(
        "PRIM", float(stats["coverage"]), float(stats["density"]), float(stats["mass"]), limits, qp
    )


def one_hot(x: pd.DataFrame) -> pd.DataFrame:
    """Each categorical column as 0/1 columns named ``<column>=<category>``."""
    cats = [c for c in x.columns if isinstance(x[c].dtype, pd.CategoricalDtype)]
    if not cats:
        return x
    dummies = pd.get_dummies(x[cats].astype(str), prefix=cats, prefix_sep="=").astype(float)
    return pd.concat([x.drop(columns=cats), dummies], axis=1)


def fit_tree(c: Any) -> None:
    """``CART.build_tree`` with a fixed random state: the workbench leaves it unset, so
    scikit-learn breaks ties between equally good splits with NumPy's global generator and
    the leaves could differ from one process to the next."""
    from sklearn.tree import DecisionTreeClassifier

    from sim.rng import stream

    seed = int(stream(0, "robust/cart").integers(2**31))
    c.clf = DecisionTreeClassifier(
        min_samples_leaf=int(c.mass_min * c.x.shape[0]), random_state=seed
    )
    c.clf.fit(c._x, c.y)  # the workbench's own encoded inputs, as build_tree uses


def cart_boxes(x: pd.DataFrame, y: np.ndarray, min_density: float = 0.5) -> list[Box]:
    """CART's leaves where failures are the majority, densest first. A categorical
    dimension goes in as one 0/1 column per category (``rival__tactics=all``): the
    workbench's own categorical handling in CART (3.0) returned mislabelled leaves on a
    planted box, one-hot columns come out right (tests/test_robust.py)."""
    from ema_workbench.analysis import cart

    if y.sum() == 0 or y.all():
        return []
    x = one_hot(x)
    c = cart.CART(x, y.astype(bool), mass_min=max(0.05, 1.0 / len(y)))  # a leaf >= 1 point
    fit_tree(c)
    stats = c.stats_to_dataframe()
    out = []
    for i, (_, row) in enumerate(stats.iterrows()):
        if row["density"] >= min_density:
            limits = restricted(c.boxes[i], x)
            out.append(
                Box(
                    "CART",
                    float(row["coverage"]),
                    float(row["density"]),
                    float(row["mass"]),
                    limits,
                    {},
                )
            )
    return sorted(out, key=lambda b: (-b.density, -b.coverage))


def clauses(box: Box, label: Callable[[str], str] | None = None, digits: int = 3) -> list[str]:
    """Each restriction of a box as a clause, the one phrasing every caller uses: "<dim> is
    at least 0.21", "<dim> is one of all, flood", "<dim> is not none" (a one-hot CART
    column). ``label`` writes a dimension (a workbench name) as the reader should see it;
    by default as its run key."""
    from sim.robust.space import key

    out = []
    for dim, lim in box.limits.items():
        column, _, cat = dim.partition("=")
        what = (label or key)(column)
        if cat:  # a one-hot category column (CART): its lower limit is set when it is kept
            out.append(f"{what} is {'' if lim[0] is not None else 'not '}{cat}")
        elif isinstance(lim, set):
            out.append(f"{what} is one of {', '.join(sorted(map(str, lim)))}")
        elif lim[1] is None:
            out.append(f"{what} is at least {lim[0]:.{digits}g}")
        elif lim[0] is None:
            out.append(f"{what} is at most {lim[1]:.{digits}g}")
        else:
            out.append(f"{what} lies between {lim[0]:.{digits}g} and {lim[1]:.{digits}g}")
    return out
