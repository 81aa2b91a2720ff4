"""The vectorized kernel against the per-agent reference (sim.reference), in distribution.

Both models are built from the same config and seed, so they share the world, crowd,
graph and actors (whose posting streams are their own); only the spread phases and their
random draws differ. Over many seeds the paired differences of each outcome must average
zero: a paired t-test per outcome (about 3.5 standard errors after the Bonferroni
correction for ~20 outcomes). A deliberately wrong rule must be caught.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from scipy import stats

from sim.cli import load
from sim.config.schema import SimConfig
from sim.crowd import INOCULATED, REJECTED, SHARING, STOPPED
from sim.model import InfoWarModel
from sim.reference import ReferenceModel
from sim.world import compile_world

STRATEGIES = [
    "strategy@home=[rapid_response,volunteer_campaign,prebunking]",
    "strategy@rival=[bot_flooding]",
    "home.volunteer_campaign.volunteers=20",
]
ALPHA = 0.01  # family-wise false-alarm rate of one comparison (all outcomes together)


class Stress(InfoWarModel):
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


class StressedKernel(Stress):
    pass


class StressedReference(Stress, ReferenceModel):
    pass


def small_config(n: int, days: float, extra: Sequence[str] = ()) -> SimConfig:
    """The default world at a few hundred users; actors get enough followers to matter
    and the attention limit is tight, so feed dilution is exercised."""
    cfg = load([f"graph.n={n}", f"world.horizon_days={days}", "spread.attention=3", *extra])
    for g in cfg.actors.groups.values():
        g.followers = max(g.followers, 0.15)
        g.accounts = min(g.accounts, 5)
    for narr in cfg.world.narratives.values():
        if narr.debunks:  # early debunks: prebunking and rejection both happen
            narr.start_day = 1.0
    return cfg


def outcomes(m: InfoWarModel) -> dict[str, float]:
    """Final (and, for false stories, peak) quantities of one run, per user."""
    w, c, n = m.world, m.crowd, m.crowd.n
    out: dict[str, float] = {
        "opinion_mean": float(c.opinion.mean()),
        "support_home": float((c.opinion > w.support_threshold).mean()),
        "reshares": float(m.metrics.reshares.sum()) / n,
        **{f"trust/{side}": m.trust.mean(i) for i, side in enumerate(w.sides)},
    }
    states = m.metrics.states[: m.metrics.ticks_done].sum(axis=-1)  # (T, K, states)
    for k, name in enumerate(w.narratives):
        out[f"believers/{name}"] = float(c.believers(k).mean())
        out[f"exposed/{name}"] = float(c.exposed[k].mean())
        out[f"reads/{name}"] = float(m.metrics.reads[:, k].sum()) / n
        if not w.narr_true[k]:
            out[f"peak/{name}"] = float((states[:, k, SHARING] + states[:, k, STOPPED]).max()) / n
        if k in w.narr_target:
            out[f"rejected/{name}"] = float((c.state[k] == REJECTED).mean())
            out[f"inoculated/{name}"] = float((c.state[k] == INOCULATED).mean())
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
    """Outcomes whose mean paired difference is significant: a paired t-test per outcome,
    Bonferroni-corrected so the whole family has false-alarm rate ALPHA."""
    bad = []
    for key in a:
        d = b[key] - a[key]
        crit = stats.t.isf(ALPHA / (2 * len(a)), df=len(d) - 1)
        se = d.std(ddof=1) / np.sqrt(len(d))
        if abs(d.mean()) > crit * se + 1e-12:
            bad.append(
                f"{key}: kernel {a[key].mean():.4f} vs reference {b[key].mean():.4f} "
                f"(diff {d.mean():+.4f}, se {se:.4f}, allowed {crit:.2f} se)"
            )
    return bad


def compare(cfg: SimConfig, seeds: range, ref_cfg: SimConfig | None = None) -> list[str]:
    vec = sample(StressedKernel, cfg, seeds)
    ref = sample(StressedReference, ref_cfg or cfg, seeds)
    w = compile_world(cfg)
    target = w.narratives[int(w.narr_target[w.narr_target >= 0][0])]
    for key in (f"believers/{target}", f"rejected/{target}", f"inoculated/{target}", "reshares"):
        assert vec[key].mean() > 0, f"the test world never exercises {key}"
    return disagreements(vec, ref)


@pytest.mark.parametrize("draws", ["per_user", "sequential"])
def test_reference_matches_kernel_in_distribution(draws):
    """Both draw modes of the kernel (sim.draws) have the reference's law."""
    cfg = small_config(300, 7, [f"spread.draws={draws}"])
    bad = compare(cfg, range(40))
    assert not bad, "kernel and reference disagree:\n" + "\n".join(bad)


def test_comparison_catches_a_wrong_correction_rule():
    """A reference whose accepted corrections cost four times the trust (and always
    convince believers) must be detected too: the trust outcomes give the test power."""
    cfg = small_config(300, 7)
    wrong = small_config(300, 7, ["spread.correction=1.0", "spread.trust_loss=0.8"])
    assert any(line.startswith("trust/") for line in compare(cfg, range(16), wrong))


def test_comparison_catches_a_wrong_rule():
    """Doubling beta in the reference only must be detected (the test has power)."""
    cfg = small_config(300, 7)
    wrong = small_config(300, 7, [f"spread.beta={2 * cfg.spread.beta}"])
    assert compare(cfg, range(12), wrong)


def test_reference_matches_kernel_with_strategies():
    """Strategies act on both alike: volunteers' gaffes, promoted warnings delivered
    directly, debunks posted on detection, flooding bots."""
    cfg = small_config(300, 7, STRATEGIES)
    bad = compare(cfg, range(24))
    assert not bad, "kernel and reference disagree:\n" + "\n".join(bad)


@pytest.mark.slow
@pytest.mark.parametrize("extra", [[], STRATEGIES], ids=["plain", "strategies"])
def test_reference_matches_kernel_larger(extra):
    bad = compare(small_config(800, 14, extra), range(120))
    assert not bad, "kernel and reference disagree:\n" + "\n".join(bad)
