"""The declared study as an EMA workbench model: its uncertainties, levers and outcomes.

Each workbench parameter is named after the run override it sets, with '.' written '__'
(the workbench wants Python identifiers): ``spread__beta``, ``home__rapid_response__budget``;
``key`` turns a name back. Three stand for several overrides: ``rival__tactics`` (a named
set of rival strategies), ``rival__intensity`` (a factor on their budgets) and
``ensemble__draw`` (which member of a calibrated ensemble holds, as a quantile of the
members' weights). ``overrides`` turns one (scenario, policy, seed) into the
override list of a run, the one translation both evaluators use.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from ema_workbench import (
    CategoricalParameter,
    IntegerParameter,
    Model,
    RealParameter,
    Sample,
    ScalarOutcome,
)

from sim.errors import ConfigError
from sim.robust.schema import RobustConfig
from sim.robust.study import declared_field, setting_range, uncertainty_range

TACTICS, INTENSITY, DRAW = "rival__tactics", "rival__intensity", "ensemble__draw"
OUTCOMES = ("cost", "misinformation", "support")  # names of the workbench outcomes
KINDS = {
    "cost": ScalarOutcome.MINIMIZE,
    "misinformation": ScalarOutcome.MINIMIZE,
    "support": ScalarOutcome.MAXIMIZE,
}


def name(key: str) -> str:
    """The workbench name of run override ``key``."""
    return key.replace(".", "__")


def key(name: str) -> str:
    """The run override (or study key) a workbench name stands for."""
    return name.replace("__", ".")


@dataclass
class Space:
    """Everything a point needs: the study, its workbench parameters and the ensemble."""

    cfg: RobustConfig
    uncertainties: list[Any]
    levers: list[Any]
    ensemble: pd.DataFrame | None = None  # members x override keys (weights in ``weight``)

    @property
    def outcome_keys(self) -> dict[str, str]:
        o = self.cfg.outcomes
        return {"cost": o.cost, "misinformation": o.misinformation, "support": o.support}


def read_ensemble(path: str, root: Path) -> pd.DataFrame | None:
    """The ensemble table, or None when no path is set or the file is not there (yet). The
    layout of results/karabakh2020/ensemble.csv: an optional ``member`` label, an optional
    ``weight``, one column per run override key."""
    if not path:
        return None
    p = Path(path) if Path(path).is_absolute() else root / path
    if not p.is_file():
        return None
    df = pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p)
    keys = [c for c in df.columns if c not in ("member", "weight")]
    if df.empty or not keys:
        raise ConfigError("robust.uncertainties.ensemble.path", f"{p} has no members")
    w = df["weight"].to_numpy(float) if "weight" in df else np.ones(len(df))
    if (w < 0).any() or w.sum() <= 0:
        raise ConfigError(
            "robust.uncertainties.ensemble.path", f"{p}: weights must be >= 0, not all 0"
        )
    return df[keys].assign(weight=w / w.sum())


def build(cfg: RobustConfig, root: Path) -> Space:
    """The workbench parameters of the study (checked by ``sim.robust.study.load``)."""
    u, lv = cfg.uncertainties, cfg.levers
    ensemble = read_ensemble(u.ensemble.path, root)
    fixed = set(ensemble.columns) if ensemble is not None else set()
    unc: list[Any] = [
        _numeric(name(k), k, uncertainty_range(k, u.ranges.get(k)))
        for k in u.params
        if k not in fixed
    ]
    if len(u.rival.tactics) > 1:
        unc.append(CategoricalParameter(TACTICS, list(u.rival.tactics)))
    lo, hi = u.rival.intensity
    if hi > lo:
        unc.append(RealParameter(INTENSITY, lo, hi))
    if ensemble is not None:
        unc.append(RealParameter(DRAW, 0.0, 1.0))
    levers: list[Any] = [
        IntegerParameter(name(f"home.{s}.budget"), 0, int(b))
        for s, b in lv.budgets.items()
        if b >= 1
    ]
    levers += [
        _numeric(name(f"home.{k}"), f"home.{k}", setting_range(k, lv.budgets)) for k in lv.settings
    ]
    return Space(cfg, unc, levers, ensemble)


def _numeric(label: str, key: str, lo_hi: tuple[float, float]) -> Any:
    """A workbench parameter over ``lo_hi``: whole numbers for a field declared ``int`` (a
    run refuses 2.7 languages), real numbers otherwise."""
    if declared_field(key).type in (int, "int"):
        return IntegerParameter(label, int(np.ceil(lo_hi[0])), int(np.floor(lo_hi[1])))
    return RealParameter(label, *lo_hi)


def workbench_model(space: Space, function: Any) -> Model:
    """A workbench ``Model`` over the declared parameters; ``function`` runs one point."""
    m = Model("infowar", function=function)
    m.uncertainties = space.uncertainties
    m.levers = space.levers
    m.outcomes = [ScalarOutcome(o, kind=KINDS[o]) for o in OUTCOMES]
    return m


def strategy_default(strategy: str, field: str) -> Any:
    from sim.strategies import load_all

    cls = load_all()[strategy]
    return {f.name: f for f in dataclasses.fields(cls.Config)}[field].default


def lever_defaults(space: Space) -> dict[str, Any]:
    """A policy with every strategy off and every setting at its declared default."""
    out: dict[str, Any] = {}
    for p in space.levers:
        _, strategy, field = key(p.name).split(".")
        out[p.name] = 0 if field == "budget" else float(strategy_default(strategy, field))
    return out


def lever_sets(space: Space) -> list[Sample]:
    """The named lever sets of the study as workbench policies (all levers given)."""
    out = []
    for set_name, values in space.cfg.levers.sets.items():
        policy = lever_defaults(space)
        for k, v in values.items():
            policy[name(f"home.{k}")] = int(v) if k.endswith(".budget") else float(v)
        out.append(Sample(set_name, **policy))
    return out


def member_of(space: Space, draw: float) -> dict[str, Any]:
    """The ensemble member at quantile ``draw`` of the weights (inverse CDF)."""
    assert space.ensemble is not None
    cdf = np.cumsum(space.ensemble["weight"].to_numpy())
    i = min(int(np.searchsorted(cdf, draw, side="right")), len(cdf) - 1)
    return space.ensemble.drop(columns="weight").iloc[i].to_dict()


def fmt(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(round(float(v), 10))
    return str(v)


def overrides(space: Space, point: dict[str, Any], seed: int) -> list[str]:
    """The run overrides of one experiment (uncertainties and levers in ``point``)."""
    cfg = space.cfg
    ovs = [f"scenario={cfg.scenario}", *cfg.base, "output.figures=false", "output.progress=false"]
    ovs += [f"{k}={fmt(point[name(k)])}" for k in cfg.uncertainties.params if name(k) in point]
    if DRAW in point:
        ovs += [f"{k}={fmt(v)}" for k, v in member_of(space, float(point[DRAW])).items()]
    tactics = cfg.uncertainties.rival.tactics
    chosen = tactics[str(point.get(TACTICS, next(iter(tactics))))]
    intensity = float(point.get(INTENSITY, cfg.uncertainties.rival.intensity[0]))
    fixed = [t for t in cfg.uncertainties.rival.always if t not in chosen]
    ovs.append(f"strategy@rival=[{','.join([*fixed, *chosen])}]")
    ovs += [f"rival.{t}.budget={fmt(strategy_default(t, 'budget') * intensity)}" for t in chosen]
    on = [s for s in cfg.levers.budgets if int(point.get(name(f"home.{s}.budget"), 0)) > 0]
    ovs.append(f"strategy@home=[{','.join([*cfg.levers.always, *on])}]")
    for s in on:
        ovs.append(f"home.{s}.budget={int(point[name(f'home.{s}.budget')])}")
        ovs += [
            f"home.{k}={fmt(point[name(f'home.{k}')])}"
            for k in cfg.levers.settings
            if k.startswith(f"{s}.")
        ]
    return [*ovs, f"seed={seed}"]
