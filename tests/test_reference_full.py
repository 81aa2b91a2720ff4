"""The vectorized kernel against the per-agent reference (sim.reference), in distribution.

Both models are built from the same config and seed, so they share the world, crowd,
graph and actors (whose posting streams are their own); only the spread phases and their
random draws differ. Over many seeds the paired differences of each outcome must average
zero within 3 standard errors. A deliberately wrong rule must be caught.
"""
from __future__ import annotations

import numpy as np
import pytest

from sim.cli import load
from sim.config.schema import SimConfig
from sim.crowd import INOCULATED, REJECTED, SHARING, STOPPED
from sim.model import InfoWarModel
from sim.reference import ReferenceModel
from sim.world import compile_world

Z = 3.0  # allowed |mean paired difference| in standard errors


class Stress:
    """Perturbations applied identically in both implementations, so that gaffes and
    platform shutdowns are compared too: every post of the home side's diaspora actors
    backfires, and the home side's domestic users lose their first platform on days 2-4."""

    def post_actors(self) -> None:
        super().post_actors()
        for actor, batch in zip(self.actors, self.outbox):
            if actor.side == 0 and actor.kind == "diaspora":
                batch.backfire[:] = True
        day = self.tick * self.world.tick_hours / 24.0
        c = self.crowd
        home = np.isin(c.community, np.flatnonzero(self.world.comm_side == 0))
        blocked = c.plats & np.uint8(0xFE) if 2.0 <= day < 4.0 else c.plats
        c.eff_plats[home] = blocked[home]


class StressedKernel(Stress, InfoWarModel):
    pass


class StressedReference(Stress, ReferenceModel):
    pass


def small_config(n: int, days: float, extra: list[str] = ()) -> SimConfig:
    """The default world at a few hundred users; actors get enough followers to matter
    and the attention limit is tight, so feed dilution is exercised."""
    cfg = load([f"graph.n={n}", f"world.horizon_days={days}", "spread.attention=3", *extra])
    for g in cfg.actors.groups.values():
        g.followers = max(g.followers, 0.15)
        g.accounts = min(g.accounts, 5)
    return cfg


def outcomes(m: InfoWarModel) -> dict[str, float]:
    """Final and peak quantities of one run, as fractions of the population."""
    w, c, n = m.world, m.crowd, m.crowd.n
    out: dict[str, float] = {"opinion_mean": float(c.opinion.mean()),
                             "support_home": float((c.opinion > w.support_threshold).mean()),
                             "reshares": float(m.metrics.reshares.sum()) / n}
    states = m.metrics.states[:m.metrics.ticks_done].sum(axis=-1)  # (T, K, states)
    for k, name in enumerate(w.narratives):
        believers = states[:, k, SHARING] + states[:, k, STOPPED]
        out[f"believers/{name}"] = float(c.believers(k).mean())
        out[f"peak/{name}"] = float(believers.max()) / n
        out[f"exposed/{name}"] = float(c.exposed[k].mean())
        out[f"rejected/{name}"] = float((c.state[k] == REJECTED).mean())
        out[f"inoculated/{name}"] = float((c.state[k] == INOCULATED).mean())
        out[f"reads/{name}"] = float(m.metrics.reads[:, k].sum()) / n
    return out


def sample(model_cls: type[InfoWarModel], cfg: SimConfig, seeds: range) -> dict[str, np.ndarray]:
    rows = []
    for s in seeds:
        cfg.seed = s
        m = model_cls(cfg)
        m.run()
        rows.append(outcomes(m))
    return {key: np.array([r[key] for r in rows]) for key in rows[0]}


def disagreements(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> list[str]:
    """Outcomes whose mean paired difference exceeds Z standard errors."""
    bad = []
    for key in a:
        d = b[key] - a[key]
        se = d.std(ddof=1) / np.sqrt(len(d))
        if abs(d.mean()) > Z * se + 1e-12:
            bad.append(f"{key}: kernel {a[key].mean():.4f} vs reference {b[key].mean():.4f} "
                       f"(diff {d.mean():+.4f}, se {se:.4f})")
    return bad


def compare(cfg: SimConfig, seeds: range, ref_cfg: SimConfig | None = None) -> list[str]:
    vec = sample(StressedKernel, cfg, seeds)
    ref = sample(StressedReference, ref_cfg or cfg, seeds)
    w = compile_world(cfg)
    target = w.narratives[int(w.narr_target[w.narr_target >= 0][0])]
    for key in (f"believers/{target}", f"rejected/{target}", f"inoculated/{target}", "reshares"):
        assert vec[key].mean() > 0, f"the test world never exercises {key}"
    return disagreements(vec, ref)


def test_reference_matches_kernel_in_distribution():
    bad = compare(small_config(300, 7), range(40))
    assert not bad, "kernel and reference disagree:\n" + "\n".join(bad)


def test_comparison_catches_a_wrong_rule():
    """Doubling beta in the reference only must be detected (the test has power)."""
    cfg = small_config(300, 7)
    wrong = small_config(300, 7, [f"spread.beta={2 * cfg.spread.beta}"])
    assert compare(cfg, range(20), wrong)


@pytest.mark.slow
def test_reference_matches_kernel_larger():
    bad = compare(small_config(800, 14), range(120))
    assert not bad, "kernel and reference disagree:\n" + "\n".join(bad)
