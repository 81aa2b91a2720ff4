"""The infowar kernel reduced to a textbook process, for the analytic checks (issue 15).

``textbook_config`` sets up the real model (``InfoWarModel``: crowd, kernel, tally) so
that its rules reduce to discrete-time SIR, or to the independent cascade when
``gamma = 1``: one narrative, one community of fully aligned readers (opinion +1, the
narrative's side), trust 1 in peers, unlimited attention, no actors or strategies, no
stifling, persuasion or fading. Every user reads its feed every tick (activity 1, set
after the crowd is drawn), so a sharer reshares once a tick (share_prob 1) until it stops
(``forget`` = gamma) and each follower who reads it converts with probability beta x
align(1, 1) = beta x 0.99995. A user thus passes the story along each follow with
T = beta / (beta + gamma - beta gamma), the SIR transmissibility. ``sim.modes`` holds
the separate textbook implementations these are compared with.
"""

from __future__ import annotations

from typing import Any

from sim.config.schema import (
    CommunityConfig,
    GraphConfig,
    NarrativeConfig,
    OutputConfig,
    PopulationConfig,
    SimConfig,
    SpreadConfig,
    WorldConfig,
)
from sim.crowd import SHARING, STOPPED


def textbook_config(
    graph: str, n: int, beta: float, gamma: float, r0: float, seed: int, **graph_kw: Any
) -> SimConfig:
    """The kernel as SIR (independent cascade for gamma = 1) on an ``er`` or ``ba`` graph."""
    story = NarrativeConfig(side="home", seed_fraction=r0, persuasion=0.0)
    everyone = CommunityConfig(
        share=1.0,
        kind="domestic",
        side="home",
        languages={"en": 1.0},
        platforms={"x": 1.0},
        opinion_mean=1.0,
        opinion_sd=0.0,
        activity=1.0,
        trust={"peer": 1.0},
    )
    spread = SpreadConfig(
        attention=10**9,
        beta=beta,
        share_prob=1.0,
        forget=gamma,
        stifle=0.0,
        confidence=1.0,
        opinion_step=0.0,
        belief_halflife_days=0.0,
        inoculation_halflife_days=0.0,
        trust_halflife_days=0.0,
    )
    return SimConfig(
        seed=seed,
        world=WorldConfig(
            languages=["en"], platforms=["x"], narratives={"story": story}, horizon_days=1000
        ),
        population=PopulationConfig(communities={"all": everyone}),
        graph=GraphConfig(kind=graph, n=n, **graph_kw),
        spread=spread,
        output=OutputConfig(figures=False, progress=False, quiet=True),
    )


def kernel_final_size(cfg: SimConfig) -> float:
    """Share of users who ever adopted the story, run until nobody shares it and no
    reshare is on its way."""
    from sim.model import InfoWarModel

    m = InfoWarModel(cfg)
    m.crowd.activity[:] = 1.0
    for _ in range(m.world.ticks):
        m.step()
        if m.tally.states[0, SHARING].sum() == 0 and not len(m.queued):
            break
    st = m.tally.states[0]
    return float((st[SHARING].sum() + st[STOPPED].sum()) / m.crowd.n)
