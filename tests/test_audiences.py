"""Per-audience outcomes (issue 16 item 6): the tally per audience group on a hand-made
world whose answers are worked out by hand, and the role a community gets by default."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from sim.crowd import N_STATES, SHARING, STOPPED
from sim.summary import audience_groups, audiences
from sim.world import audience_role


def tiny_model() -> Any:
    """Four communities (home own, rival own, an ally, a contested one), one true and one
    false narrative, two ticks of 12 hours. Users: 10, 10, 80, 20."""
    T, K, C = 2, 2, 4
    states = np.zeros((T, K, N_STATES, C), dtype=np.int64)
    # False narrative (k=1): the ally has 8 believers on both ticks (10% of 80),
    # the contested audience 4 then 6 (20% then 30% of 20).
    states[:, 1, SHARING, 2] = [5, 5]
    states[:, 1, STOPPED, 2] = [3, 3]
    states[:, 1, SHARING, 3] = [4, 2]
    states[:, 1, STOPPED, 3] = [0, 4]
    states[:, 0, SHARING, :] = 7  # the true narrative must not count
    support = np.zeros((T, 2, C), dtype=np.int64)
    support[-1, 0] = [9, 0, 72, 5]  # home: 90%, 0%, 90%, 25%
    support[-1, 1] = [0, 10, 0, 10]  # rival: 0, 100%, 0, 50%
    opinion = np.zeros((T, 2, C))
    opinion[-1, 0] = [0.8, -0.8, 0.5, -0.1]
    world = SimpleNamespace(
        sides=["home", "rival"],
        communities=["h", "r", "al", "co"],
        comm_audience=["own", "own", "ally", "contested"],
        comm_side=np.array([0, 1, -1, -1]),
        narratives=["truth", "fake"],
        narr_true=np.array([True, False]),
        tick_hours=12.0,
    )
    metrics = SimpleNamespace(ticks_done=T, states=states, support=support, opinion=opinion)
    tally = SimpleNamespace(users=np.array([10, 10, 80, 20]))
    return SimpleNamespace(world=world, metrics=metrics, tally=tally)


def test_groups_in_a_fixed_order() -> None:
    w = tiny_model().world
    assert audience_groups(w) == {"own_home": [0], "own_rival": [1], "ally": [2], "contested": [3]}


def test_tally_per_audience_by_hand() -> None:
    a = audiences(tiny_model())
    assert set(a) == {"own_home", "own_rival", "ally", "contested"}
    co, al = a["contested"], a["ally"]
    assert co["users"] == 20 and al["users"] == 80
    assert co["support_home"] == pytest.approx(0.25) and co["support_rival"] == pytest.approx(0.5)
    assert al["support_home"] == pytest.approx(0.9)
    # believer-days per user: (0.2 + 0.3) * 12 h / 24 = 0.25; ally: (0.1 + 0.1) / 2 = 0.1
    assert co["misinformation"]["fake"] == {"peak": pytest.approx(0.3), "auc": pytest.approx(0.25)}
    assert co["misinfo_days"] == pytest.approx(0.25)
    assert al["misinformation"]["fake"]["auc"] == pytest.approx(0.1)
    assert "truth" not in co["misinformation"]
    assert co["opinion_mean"] == pytest.approx(-0.1)
    # pooled over every international user the large ally hides the contest: support for
    # home would read (72 + 5) / 100 = 0.77, while the contested audience gives 0.25
    assert a["own_rival"]["misinfo_days"] == 0.0


def test_default_role_from_side() -> None:
    assert audience_role("auto", "home") == "own"
    assert audience_role("auto", None) == "contested"
    assert audience_role("ally", None) == "ally"


def test_configs_mark_their_allies() -> None:
    import yaml

    from sim.config.paths import CONF_DIR

    pop = yaml.safe_load((CONF_DIR / "population" / "default.yaml").read_text())
    roles = {k: v.get("audience", "auto") for k, v in pop["communities"].items()}
    assert roles["intl_turkey"] == "ally"
    assert [k for k, r in roles.items() if r == "ally"] == ["intl_turkey"]


def test_study_reports_contested_audiences_as_own_family(tmp_path) -> None:
    """An arm that moves only the contested audience (+0.02, exactly, every seed) while the
    pooled international figure is pure noise: the contested family finds it."""
    import pandas as pd

    from sim.analysis.multiplicity import Families
    from sim.analysis.studies import ANALYSES, prepare

    rng = np.random.default_rng(5)
    rows = []
    for seed in range(6):
        base = rng.normal(0.25, 0.03)
        for arm, eff in (("[]", 0.0), ('["a"]', 0.02)):
            rows.append(
                {
                    "seed": seed,
                    "strategy@home": arm,
                    "days": 5.0,
                    "support.international.support_home": rng.normal(0.4, 0.05),
                    "misinformation.rival_fake.auc": rng.normal(0.1, 0.01),
                    "misinformation.rival_fake.hours_to_contain": None,
                    "audiences.contested.support_home": base + eff,
                    "audiences.contested.misinformation.rival_fake.auc": 0.05,
                    "cost.home.actors": 100.0,
                }
            )
    fams = Families()
    text = "\n".join(ANALYSES["compare_strategies"](prepare(pd.DataFrame(rows)), tmp_path, fams))
    assert "## Contested international audiences" in text
    assert "`a` 0.0200 [0.0200, 0.0200]" in text
    names = [f.name for f in fams.items if f.metric == "audiences.contested.support_home"]
    assert len(names) == 1 and "contested" in names[0]


def test_cell_studies_give_contested_outcomes_their_own_families(tmp_path) -> None:
    """duel and volunteers: a family per contested outcome, with its own figure."""
    import pandas as pd

    from sim.analysis.multiplicity import Families
    from sim.analysis.studies import ANALYSES, prepare

    rng = np.random.default_rng(6)
    duel, vol = [], []
    for seed in range(5):
        common = {
            "seed": seed,
            "days": 5.0,
            "misinformation.rival_fake.hours_to_contain": None,
            "cost.home.actors": 100.0,
        }
        for home, eff in (("[]", 0.0), ('["a"]', 0.03)):
            for rival in ("[]", '["b"]'):
                duel.append(
                    {
                        **common,
                        "strategy@home": home,
                        "strategy@rival": rival,
                        "support.international.support_home": rng.normal(0.4, 0.02),
                        "misinformation.rival_fake.auc": rng.normal(0.1, 0.01),
                        "audiences.contested.support_home": 0.2 + seed / 100 + eff,
                        "audiences.contested.misinformation.rival_fake.auc": 0.05,
                    }
                )
        for v in (0, 100):
            vol.append(
                {
                    **common,
                    "home.volunteer_campaign.volunteers": v,
                    "home.volunteer_campaign.quality": 0.5,
                    "support.international.support_home": rng.normal(0.4, 0.02),
                    "misinformation.rival_fake.auc": rng.normal(0.1, 0.01),
                    "audiences.contested.support_home": 0.2 + seed / 100 - v / 10000,
                    "audiences.contested.misinformation.rival_fake.auc": 0.05,
                }
            )
    for name, rows in (("duel", duel), ("volunteers", vol)):
        fams = Families()
        ANALYSES[name](prepare(pd.DataFrame(rows)), tmp_path, fams)
        got = [f for f in fams.items if f.metric == "audiences.contested.support_home"]
        assert len(got) == 1 and got[0].table["significant_adj"].all(), name
        assert (tmp_path / f"{name}_contested_support_home.png").is_file()
        assert (tmp_path / f"{name}_support_home.png").is_file()
