"""Design of experiments with SALib (Sobol, Morris) run as an ordinary Hydra sweep.

Hydra's basic sweeper only forms grids, while a Sobol or Morris design is a list of points.
So each design point becomes one option of the config group ``doe`` (``conf/doe/<name>.yaml``,
``# @package _global_``, generated and git-ignored), and the sweep is ``+doe=glob(<study>_*)``:
one job per point, on any launcher, through the same results store. The job adds the point's
values as parameter columns (``doe_params``), so the study table holds ``spread.beta`` etc.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config.paths import CONF_DIR

DOE_DIR = CONF_DIR / "doe"


@dataclass
class Problem:
    """Parameters (Hydra keys) with uniform ranges, and the metric columns to explain."""

    bounds: dict[str, tuple[float, float]]
    outputs: list[str]
    integer: set[str] = field(default_factory=set)

    def salib(self) -> dict[str, Any]:
        return {
            "num_vars": len(self.bounds),
            "names": list(self.bounds),
            "bounds": [list(b) for b in self.bounds.values()],
        }


SPREAD = Problem(
    bounds={
        "spread.beta": (0.1, 0.45),
        "spread.share_prob": (0.2, 0.8),
        "spread.forget": (0.02, 0.15),
        "spread.opinion_step": (0.0, 0.05),  # docs/parameters.md: small persuasion effects
        "graph.homophily": (0.5, 0.95),
    },
    outputs=[
        "support.international.support_home",
        "audiences.contested.support_home",
        "misinformation.rival_fake.peak",
        "reach_ratio",
    ],
)


def _rng(seed: int, name: str) -> np.random.Generator:
    from sim.rng import stream

    return stream(seed, f"doe/{name}")


def sample(method: str, problem: Problem, n: int, seed: int = 0) -> np.ndarray:
    """The design matrix (points x parameters)."""
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem.salib(), n, calc_second_order=False, seed=_rng(seed, method))
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem.salib(), n, num_levels=4, seed=_rng(seed, method))
    if method == "rbd":  # one Latin hypercube of n points; first-order indices only
        from SALib.sample import latin

        return latin.sample(problem.salib(), n, seed=_rng(seed, method))
    raise ValueError(f"unknown design method {method!r}; allowed: sobol, rbd, morris")


KEYS = {
    "sobol": ["S1", "S1_conf", "ST", "ST_conf"],
    "rbd": ["S1", "S1_conf"],
    "morris": ["mu_star", "mu_star_conf", "sigma"],
}


def nested(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in flat.items():
        *head, leaf = key.split(".")
        d = out
        for h in head:
            d = d.setdefault(h, {})
        d[leaf] = v
    return out


def point_name(study: str, i: int) -> str:
    return f"{study}_p{i:05d}"


def write_design(
    study: str, problem: Problem, X: np.ndarray, doe_dir: Path = DOE_DIR
) -> pd.DataFrame:
    """One ``conf/doe/<study>_pNNNNN.yaml`` per row of X (old points of the study removed)."""
    from omegaconf import OmegaConf

    from sim.outputs import atomic_write_bytes

    doe_dir.mkdir(parents=True, exist_ok=True)
    for old in doe_dir.glob(f"{study}_p*.yaml"):
        old.unlink()
    rows = []
    for i, x in enumerate(X):
        vals = {
            k: (int(round(v)) if k in problem.integer else float(v))
            for k, v in zip(problem.bounds, x)
        }
        body = OmegaConf.to_yaml(OmegaConf.create(nested(vals)))
        atomic_write_bytes(
            doe_dir / f"{point_name(study, i)}.yaml",
            f"# @package _global_\n# design point {i} of study {study}\n{body}".encode(),
        )
        rows.append({"doe": point_name(study, i), **vals})
    return pd.DataFrame(rows)


def doe_params(choice: str, doe_dir: Path = DOE_DIR) -> dict[str, Any]:
    """A design point's values as '.'-joined parameter columns (empty if the file is gone)."""
    from omegaconf import OmegaConf

    from sim.sweep.store import flatten

    p = doe_dir / f"{choice}.yaml"
    if not p.is_file():
        return {}
    data = OmegaConf.to_container(OmegaConf.load(p))
    assert isinstance(data, dict), f"{p} is not a mapping"  # write_design writes mappings
    return flatten({str(k): v for k, v in data.items()})


def responses(df: pd.DataFrame, design: pd.DataFrame, output: str, names: list[str]) -> np.ndarray:
    """Y in design order, averaged over seeds; raises if a point has no finished run.

    Points are matched by their parameter values, not their names: a design may repeat a
    point (Morris trajectories do), and the store runs a repeated config only once."""

    def key(frame: pd.DataFrame) -> pd.Series:
        return frame[names].astype(float).round(12).apply(tuple, axis=1)

    y = df.assign(_key=key(df)).groupby("_key")[output].mean()
    want = key(design)
    missing = design.loc[~want.isin(y.index), "doe"].tolist()
    if missing:
        raise ValueError(
            f"{len(missing)} design points have no finished run (first: {missing[0]}); "
            "re-run the study to complete them"
        )
    return y.loc[want].to_numpy(dtype=float)


def analyze(method: str, problem: Problem, design: pd.DataFrame, df: pd.DataFrame) -> pd.DataFrame:
    """Tidy indices: one row per (output, parameter)."""
    X = design[list(problem.bounds)].to_numpy(dtype=float)
    rows = []
    for out in problem.outputs:
        Y = responses(df, design, out, list(problem.bounds))
        if np.ptp(Y) == 0:
            res = {k: np.zeros(len(problem.bounds)) for k in KEYS[method]}
        elif method == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(
                problem.salib(), Y, calc_second_order=False, seed=_rng(0, f"analyze/{out}")
            )
        elif method == "rbd":
            from SALib.analyze import rbd_fast

            res = rbd_fast.analyze(
                problem.salib(), X, Y, num_resamples=500, seed=_rng(0, f"analyze/{out}")
            )
        else:
            from SALib.analyze import morris

            res = morris.analyze(
                problem.salib(), X, Y, num_levels=4, seed=_rng(0, f"analyze/{out}")
            )
        keys = KEYS[method]
        for j, name in enumerate(problem.bounds):
            rows.append(
                {
                    "output": out,
                    "parameter": name,
                    **{k: float(np.asarray(res[k])[j]) for k in keys},
                }
            )
    return pd.DataFrame(rows)
