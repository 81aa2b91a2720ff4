"""A calibrated ensemble: parameter sets with weights, its file, and summaries over it.

A likelihood-free fit (experiments/abc2020.py, ABC-SMC) ends with accepted parameter sets
and importance weights; the policy questions are then asked of every member, not of one
"best" point, so their answers carry the parameters' uncertainty. The file is a CSV (small,
diffable, committed): ``member``, ``weight`` (sums to 1), then one column per override key
(``spread.beta``, ``actors.groups.Azpresident.followers``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import ConfigError

FIXED = ("member", "weight")


@dataclass(frozen=True)
class Param:
    """A free parameter: its override key, prior range, and whether the prior is log-uniform."""

    key: str
    lo: float
    hi: float
    log: bool
    why: str = ""

    def to_unit(self, v: np.ndarray | float) -> np.ndarray:
        """Position within the prior range, 0 to 1 (on the log scale for log priors)."""
        v = np.asarray(v, dtype=float)
        if self.log:
            return (np.log(v) - np.log(self.lo)) / (np.log(self.hi) - np.log(self.lo))
        return (v - self.lo) / (self.hi - self.lo)


def write_ensemble(params: pd.DataFrame, weights: np.ndarray, path: Path) -> pd.DataFrame:
    """Save members (rows of ``params``, columns = override keys) with normalised weights."""
    w = np.asarray(weights, dtype=float)
    if len(w) != len(params) or len(w) == 0 or not np.all(w >= 0) or w.sum() <= 0:
        raise ValueError("weights must be one non-negative number per member, not all zero")
    out = params.reset_index(drop=True).copy()
    out.insert(0, "weight", w / w.sum())
    out.insert(0, "member", np.arange(len(out)))
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, float_format="%.6g")
    return out


def read_ensemble(path: Path) -> pd.DataFrame:
    """Load an ensemble file; a missing or malformed one is a one-line ConfigError."""
    if not path.is_file():
        raise ConfigError("ensemble", f"{path} does not exist; allowed: a file written by abc2020")
    df = pd.read_csv(path)
    if list(df.columns[:2]) != list(FIXED) or len(df.columns) < 3 or df.empty:
        raise ConfigError("ensemble", f"{path}: needs columns member, weight, then parameters")
    w = df["weight"].to_numpy(dtype=float)
    if not (np.all(np.isfinite(w)) and np.all(w >= 0) and abs(w.sum() - 1) < 1e-4):
        raise ConfigError("ensemble", f"{path}: weights must be >= 0 and sum to 1")
    return df


def param_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c not in FIXED]


def overrides(row: pd.Series, keys: list[str]) -> list[str]:
    """Hydra overrides that set one member's parameters."""
    return [f"{k}={float(row[k])!r}" for k in keys]


def draw_members(df: pd.DataFrame, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` member indices drawn by weight with replacement (systematic resampling, so a
    member of weight w appears about n * w times and the draw varies little)."""
    cum = np.cumsum(df["weight"].to_numpy(dtype=float))
    u = (rng.random() + np.arange(n)) / n
    return np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(df) - 1)


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float | list[float]) -> np.ndarray:
    """Quantiles of a weighted sample (midpoint rule on the sorted cumulative weights)."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    ok = np.isfinite(x) & (w > 0)
    if not ok.any():
        return np.full(np.shape(q), np.nan)
    x, w = x[ok], w[ok]
    order = np.argsort(x)
    x, w = x[order], w[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cum, x)


def identifiability(df: pd.DataFrame, space: list[Param], width: float = 0.9) -> pd.DataFrame:
    """Per parameter: weighted median, central ``width`` interval, and that interval's share
    of the prior range (on the prior's own scale). Under 0.5: the data pin it down; over
    0.8: they barely narrow the prior."""
    w = df["weight"].to_numpy(dtype=float)
    lo_q, hi_q = (1 - width) / 2, (1 + width) / 2
    rows = []
    for p in space:
        x = df[p.key].to_numpy(dtype=float)
        med, lo, hi = weighted_quantile(x, w, [0.5, lo_q, hi_q])
        share = float(p.to_unit(hi) - p.to_unit(lo))
        verdict = "pinned" if share < 0.5 else ("weak" if share <= 0.8 else "not identified")
        rows.append(
            {
                "parameter": p.key,
                "prior": f"[{p.lo:g}, {p.hi:g}]{' log' if p.log else ''}",
                "median": med,
                "lo": lo,
                "hi": hi,
                "share_of_prior": share,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


def fitted_block(params: dict[str, float], source: str) -> str:
    """Parameter values as a ``# @package _global_`` YAML file, one flow mapping per top key
    (conf/fitted/<scenario>.yaml, merged after the scenario's own values)."""
    tree: dict = {}
    for key, v in params.items():
        node = tree
        *path, leaf = key.split(".")
        for p in path:
            node = node.setdefault(p, {})
        node[leaf] = float(f"{v:.4g}")

    def flow(d: dict) -> str:
        inner = ", ".join(f"{k}: {flow(v) if isinstance(v, dict) else v}" for k, v in d.items())
        return "{" + inner + "}"

    head = ["# @package _global_", f"# Written by {source}; do not edit by hand."]
    return "\n".join([*head, *(f"{k}: {flow(v)}" for k, v in tree.items())]) + "\n"
