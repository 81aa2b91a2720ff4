"""The config compiled into index arrays the kernels can use.

Names (sides, languages, platforms, communities, narratives, source kinds) become small
integers in config order, which is deterministic (YAML order), never set order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.schema import SOURCE_KINDS, SimConfig


@dataclass(frozen=True)
class World:
    sides: list[str]
    languages: list[str]
    platforms: list[str]
    communities: list[str]
    narratives: list[str]
    # communities (C,)
    comm_share: np.ndarray  # float64, sums to 1
    comm_kind: list[str]
    comm_side: np.ndarray  # int8: side index, -1 for international
    comm_audience: list[str]  # own, ally or contested (schema.AUDIENCES, "auto" resolved)
    comm_opinion: np.ndarray  # (C, 2) mean, sd
    comm_activity: np.ndarray  # float32
    comm_suscept: np.ndarray  # float32
    lang_prob: np.ndarray  # (C, L) P(speaks)
    plat_prob: np.ndarray  # (C, P) P(uses)
    trust: np.ndarray  # (C, S) trust of each source kind, S = len(SOURCE_KINDS)
    # narratives (K,)
    narr_side: np.ndarray  # int8 side index
    narr_sign: np.ndarray  # float32: +1 if it pulls opinion toward side 0, -1 toward side 1
    narr_true: np.ndarray  # bool
    narr_appeal: np.ndarray  # float32
    narr_label: list[str]
    narr_target: np.ndarray  # int16: narrative a debunk refutes, -1 if none
    narr_start_tick: np.ndarray  # int32
    narr_seed: np.ndarray  # float32 seed fraction
    narr_persuasion: np.ndarray  # float32: attitude pull of one adoption (0 for debunks)
    narr_forget: np.ndarray  # float64: P(a believer who stopped sharing forgets) per tick
    ticks: int
    tick_hours: float
    support_threshold: float

    @property
    def n_narratives(self) -> int:
        return len(self.narratives)

    def side_index(self, side: str) -> int:
        return self.sides.index(side)


def side_sign(side_idx: int) -> float:
    """Opinion +1 means fully with the first side, -1 with the second (a world has exactly
    two sides: sim.config.rules.check_world)."""
    return 1.0 if int(side_idx) == 0 else -1.0


def per_tick_hazard(halflife_days: float, tick_hours: float) -> float:
    """Chance per tick of an exponential decay with the given half-life (0: no decay)."""
    if halflife_days <= 0:
        return 0.0
    return float(1.0 - 0.5 ** (tick_hours / (24.0 * halflife_days)))


def audience_role(audience: str, side: str | None) -> str:
    """The outcome group of a community: "auto" is own with a side, else contested."""
    if audience != "auto":
        return audience
    return "own" if side else "contested"


def _persuasion(n, default: float) -> float:
    if n.persuasion is not None:
        return float(n.persuasion)
    return 0.0 if n.debunks else default


def compile_world(cfg: SimConfig) -> World:
    w, pop = cfg.world, cfg.population
    comms = list(pop.communities)
    cc = [pop.communities[c] for c in comms]
    narrs = list(w.narratives)
    nc = [w.narratives[k] for k in narrs]
    trust = np.array(
        [[c.trust.get(s, pop.trust.get(s, 0.0)) for s in SOURCE_KINDS] for c in cc],
        dtype=np.float32,
    ).reshape(len(cc), len(SOURCE_KINDS))
    ticks = int(round(w.horizon_days * 24.0 / w.tick_hours))
    return World(
        sides=list(w.sides),
        languages=list(w.languages),
        platforms=list(w.platforms),
        communities=comms,
        narratives=narrs,
        comm_share=np.array([c.share for c in cc], dtype=np.float64),
        comm_kind=[c.kind for c in cc],
        comm_audience=[audience_role(c.audience, c.side) for c in cc],
        comm_side=np.array([w.sides.index(c.side) if c.side else -1 for c in cc], dtype=np.int8),
        comm_opinion=np.array([[c.opinion_mean, c.opinion_sd] for c in cc]).reshape(-1, 2),
        comm_activity=np.array([c.activity for c in cc], dtype=np.float32),
        comm_suscept=np.array([c.susceptibility for c in cc], dtype=np.float32),
        lang_prob=np.array([[c.languages.get(l, 0.0) for l in w.languages] for c in cc]).reshape(
            len(cc), len(w.languages)
        ),
        plat_prob=np.array([[c.platforms.get(p, 0.0) for p in w.platforms] for c in cc]).reshape(
            len(cc), len(w.platforms)
        ),
        trust=trust,
        narr_side=np.array([w.sides.index(n.side) for n in nc], dtype=np.int8),
        narr_sign=np.array([side_sign(w.sides.index(n.side)) for n in nc], dtype=np.float32),
        narr_true=np.array([n.truthful for n in nc], dtype=bool),
        narr_appeal=np.array([n.appeal for n in nc], dtype=np.float32),
        narr_label=[n.label or k for k, n in zip(narrs, nc)],
        narr_target=np.array(
            [narrs.index(n.debunks) if n.debunks else -1 for n in nc], dtype=np.int16
        ),
        narr_start_tick=np.array(
            [int(round(n.start_day * 24.0 / w.tick_hours)) for n in nc], dtype=np.int32
        ),
        narr_seed=np.array([n.seed_fraction for n in nc], dtype=np.float32),
        narr_persuasion=np.array(
            [_persuasion(n, cfg.spread.opinion_step) for n in nc], dtype=np.float32
        ),
        narr_forget=np.array(
            [
                per_tick_hazard(
                    n.belief_halflife_days
                    if n.belief_halflife_days is not None
                    else cfg.spread.belief_halflife_days,
                    w.tick_hours,
                )
                for n in nc
            ],
            dtype=np.float64,
        ),
        ticks=max(ticks, 1),
        tick_hours=float(w.tick_hours),
        support_threshold=float(w.support_threshold),
    )
