"""Unit tests of the vectorized spread kernel (sim.kernel), one rule at a time."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import load
from sim.config.schema import SOURCE_KINDS, SpreadConfig
from sim.crowd import INOCULATED, N_STATES, REJECTED, SHARING, STOPPED, UNAWARE, Crowd
from sim.kernel import Kernel, Reads, align, conversion_prob, deliver, expand, resolve
from sim.model import InfoWarModel
from sim.posts import Posts
from sim.tally import Tally
from sim.world import World, compile_world

STATE = SOURCE_KINDS.index("state")


@pytest.fixture(scope="module")
def world() -> World:
    return compile_world(load(["graph.n=200"]))


def crowd_of(
    world: World,
    n: int,
    *,
    langs: int = 1,
    plats: int = 1,
    opinion: float = 0.0,
    community: int = 0,
) -> Crowd:
    k = world.n_narratives
    return Crowd(
        n=n,
        community=np.full(n, community, dtype=np.int16),
        langs=np.full(n, langs, dtype=np.uint16),
        primary_lang=np.zeros(n, dtype=np.uint8),
        plats=np.full(n, plats, dtype=np.uint8),
        eff_plats=np.full(n, plats, dtype=np.uint8),
        opinion=np.full(n, opinion, dtype=np.float32),
        activity=np.ones(n, dtype=np.float32),
        state=np.zeros((k, n), dtype=np.uint8),
        origin=np.full((k, n), -1, dtype=np.int32),
        exposed=np.zeros((k, n), dtype=bool),
    )


def to_all(n: int) -> tuple[np.ndarray, np.ndarray]:
    """An audience CSR with one source (row 0) followed by every user."""
    return np.array([0, n], dtype=np.int64), np.arange(n, dtype=np.int32)


def one_post(
    narr: int,
    *,
    lang: int = 0,
    plats: int = 1,
    count: int = 1,
    src: int = 0,
    backfire: bool = False,
    quality: float = 1.0,
) -> Posts:
    return Posts.make(
        src=[src],
        narr=narr,
        lang=lang,
        count=count,
        quality=quality,
        kind=STATE,
        origin=10_000,
        plats=plats,
        backfire=backfire,
    )


def narr_of(world: World, name: str) -> int:
    return world.narratives.index(name)


def debunk_and_target(world: World) -> tuple[int, int]:
    d = int(np.flatnonzero(world.narr_target >= 0)[0])
    return d, int(world.narr_target[d])


# -- delivery --------------------------------------------------------------------------
def test_expand_lists_followers_of_each_source():
    indptr = np.array([0, 2, 2, 5])
    indices = np.array([7, 8, 1, 2, 3], dtype=np.int32)
    reader, pos = expand(np.array([2, 0, 1]), indptr, indices)
    assert reader.tolist() == [1, 2, 3, 7, 8]
    assert pos.tolist() == [0, 0, 0, 1, 1]


def test_deliver_needs_shared_platform_language_and_activity(world):
    c = crowd_of(world, 6, langs=0b001, plats=0b01)
    c.plats[1] = c.eff_plats[1] = 0b10  # other platform
    c.langs[2] = 0b010  # other language
    c.eff_plats[3] = 0  # on the platform, but it is shut down for this user
    c.langs[4] = 0b011  # reads two languages, one of them the post's
    active = np.ones(6, dtype=bool)
    active[5] = False
    rd = deliver(c, [(one_post(0, plats=0b01), *to_all(6))], active, 10, np.random.default_rng(0))
    assert sorted(rd.reader.tolist()) == [0, 4]


def test_attention_dilutes_a_crowded_feed(world):
    n_src, attention = 40, 4
    posts = Posts.make(
        src=np.arange(n_src), narr=0, lang=0, count=1, quality=1.0, kind=STATE, origin=0, plats=1
    )
    indptr = np.arange(n_src + 1, dtype=np.int64)  # every source followed by user 0
    indices = np.zeros(n_src, dtype=np.int32)
    c, rng = crowd_of(world, 1), np.random.default_rng(1)
    totals = [
        deliver(c, [(posts, indptr, indices)], np.ones(1, bool), attention, rng).reads.sum()
        for _ in range(2000)
    ]
    assert abs(np.mean(totals) - attention) < 0.15  # binomial(40, 4/40): mean 4, se 0.045
    assert max(totals) > attention  # a limit on average, not a hard cap


def test_uncrowded_feed_is_read_in_full(world):
    c = crowd_of(world, 3)
    rd = deliver(
        c, [(one_post(0, count=3), *to_all(3))], np.ones(3, bool), 3, np.random.default_rng(2)
    )
    assert rd.reads.tolist() == [3, 3, 3]


# -- belief probability ------------------------------------------------------------------
def reads_for(c: Crowd, posts: Posts, users: list[int], reads: int = 1) -> Reads:
    u = np.array(users, dtype=np.int32)
    return Reads(u, np.full(len(u), reads, dtype=np.int32), np.zeros(len(u), dtype=np.int32), posts)


def test_conversion_probability_limits(world):
    c = crowd_of(world, 4, opinion=1.0)
    home = narr_of(world, "home_claim")
    rd = reads_for(c, one_post(home), [0, 1, 2, 3])
    state = np.zeros(4, dtype=np.uint8)
    p1 = conversion_prob(c, world, SpreadConfig(beta=0.2), rd, state)
    q = (
        0.2
        * world.trust[0, STATE]
        * world.narr_appeal[home]
        * world.comm_suscept[0]
        * align(np.float32(1.0), world.narr_sign[home], SpreadConfig().confidence)
    )
    assert np.allclose(p1, q, rtol=1e-5)
    rd3 = reads_for(c, one_post(home), [0, 1, 2, 3], reads=3)
    assert np.allclose(
        conversion_prob(c, world, SpreadConfig(beta=0.2), rd3, state), 1 - (1 - q) ** 3, rtol=1e-5
    )
    assert np.all(conversion_prob(c, world, SpreadConfig(beta=1e6), rd3, state) == 1.0)
    assert np.all(conversion_prob(c, world, SpreadConfig(beta=0.0), rd3, state) == 0.0)


def test_inoculation_and_bounded_confidence_lower_belief(world):
    home = narr_of(world, "home_claim")
    sp = SpreadConfig(beta=0.2, inoculation=0.7)
    c = crowd_of(world, 2, opinion=1.0)
    rd = reads_for(c, one_post(home), [0, 1])
    p = conversion_prob(c, world, sp, rd, np.array([UNAWARE, INOCULATED], dtype=np.uint8))
    assert p[1] == pytest.approx(p[0] * 0.3, rel=1e-5)
    x = np.linspace(-1, 1, 21, dtype=np.float32)
    a = align(x, np.float32(1.0), 0.6)
    assert np.all(np.diff(a) > 0) and a[-1] > 0.99 and a[0] < 0.05


# -- contradictions ----------------------------------------------------------------------
def test_resolve_keeps_the_side_with_more_successes_then_the_nearer_side(world):
    home, rival = narr_of(world, "home_claim"), narr_of(world, "rival_claim")
    fake = narr_of(world, "home_fake")
    user = np.array([0, 0, 0, 1, 1])
    narr = np.array([home, fake, rival, home, rival])
    opinion = np.array([0.9, -0.5], dtype=np.float32)
    keep = resolve(user, narr, world, opinion)
    assert keep.tolist() == [True, True, False, False, True]  # 2 vs 1; tie -> nearer side


def test_resolve_debunk_beats_its_target_in_the_same_tick(world):
    d, _ = debunk_and_target(world)
    same_side = int(np.flatnonzero((world.narr_side == world.narr_side[d]) & ~world.narr_true)[0])
    w = dataclasses.replace(
        world,
        narr_target=np.where(np.arange(world.n_narratives) == d, same_side, -1).astype(np.int16),
    )
    keep = resolve(np.array([0, 0]), np.array([same_side, d]), w, np.zeros(1, np.float32))
    assert keep.tolist() == [False, True]


# -- state changes -----------------------------------------------------------------------
def kernel_for(world: World, c: Crowd, **spread) -> Kernel:
    sp = SpreadConfig(**spread)
    return Kernel(
        c,
        world,
        sp,
        Tally(c, len(world.communities), world.support_threshold),
        np.random.default_rng(3),
    )


def assert_tally_matches(k: Kernel) -> None:
    fresh = Tally(k.crowd, len(k.world.communities), k.world.support_threshold)
    assert np.array_equal(k.tally.states, fresh.states)
    assert np.array_equal(k.tally.exposed, fresh.exposed)
    assert np.array_equal(k.tally.support, fresh.support)
    assert np.allclose(k.tally.op_sum, fresh.op_sum, atol=1e-4)
    assert np.array_equal(
        k.tally.states.sum(axis=1), np.broadcast_to(fresh.users, k.tally.states.sum(axis=1).shape)
    )


def test_debunk_turns_believers_into_rejecters_and_inoculates_the_unaware(world):
    d, t = debunk_and_target(world)
    c = crowd_of(world, 4, opinion=float(world.narr_sign[d]))
    c.state[t] = [SHARING, STOPPED, UNAWARE, REJECTED]
    k = kernel_for(world, c, beta=1e6, stifle=0.0, correction=1.0)
    k.tally = Tally(c, len(world.communities), world.support_threshold)
    rd = deliver(c, [(one_post(d), *to_all(4))], np.ones(4, bool), 10, np.random.default_rng(0))
    k.read(rd)
    assert c.state[t].tolist() == [REJECTED, REJECTED, INOCULATED, REJECTED]
    assert c.state[d].tolist() == [SHARING] * 4
    assert c.origin[d].tolist() == [10_000] * 4
    assert c.exposed[d].all()
    assert_tally_matches(k)


def test_rejecters_and_sharers_are_not_converted_again_but_sharers_stifle(world):
    home = narr_of(world, "home_claim")
    c = crowd_of(world, 2, opinion=1.0)
    c.state[home] = [REJECTED, SHARING]
    k = kernel_for(world, c, beta=1e6, stifle=1.0)
    rd = deliver(c, [(one_post(home), *to_all(2))], np.ones(2, bool), 10, np.random.default_rng(0))
    assert not k.read(rd)["success"].any()
    assert c.state[home].tolist() == [REJECTED, STOPPED]
    assert_tally_matches(k)


def test_gaffe_pushes_readers_away_and_converts_nobody(world):
    home = narr_of(world, "home_claim")
    c = crowd_of(world, 3, opinion=0.8)
    k = kernel_for(world, c, beta=0.0, gaffe_attitude=0.5, gaffe_trust=0.5)
    rd = deliver(
        c,
        [(one_post(home, backfire=True), *to_all(3))],
        np.ones(3, bool),
        10,
        np.random.default_rng(0),
    )
    k.read(rd)
    assert np.all(c.state[home] == UNAWARE)
    assert np.allclose(c.opinion, 0.8 + 0.5 * (-1.0 - 0.8))  # every read counts, beta or not
    side = int(world.narr_side[home])
    users = k.trust.users[0]  # all three readers are in community 0
    assert np.allclose(k.trust.cur[0, side], k.trust.base[0, side] * 0.5 ** (3 / users))
    assert np.array_equal(k.trust.cur[0, 1 - side], k.trust.base[0, 1 - side])
    assert_tally_matches(k)


@settings(max_examples=60, deadline=None)
@given(
    x=st.lists(st.floats(-1, 1, width=32), min_size=1, max_size=8),
    pulls=st.lists(st.tuples(st.integers(0, 7), st.sampled_from([-1.0, 0.0, 1.0])), max_size=30),
    step=st.floats(0, 1),
)
def test_opinions_stay_in_range_and_tally_follows(world, x, pulls, step):
    c = crowd_of(world, len(x))
    c.opinion[:] = x
    k = kernel_for(world, c)
    pulls = [(u % len(x), s) for u, s in pulls]
    k.pull(
        np.array([u for u, _ in pulls], dtype=np.int64),
        np.array([s for _, s in pulls], dtype=np.float32),
        step,
    )
    assert np.all(np.abs(c.opinion) <= 1.0)
    assert_tally_matches(k)


def test_state_counts_sum_to_population_every_tick():
    cfg = load(["graph.n=400", "world.horizon_days=6", "spread.opinion_step=1.0"])
    m = InfoWarModel(cfg)
    m.run()
    users = np.bincount(m.crowd.community, minlength=len(m.world.communities))
    per_tick = m.metrics.states.sum(axis=2)  # (T, K, C)
    assert np.all(per_tick == users)
    assert m.metrics.states.shape[2] == N_STATES
    assert_tally_matches(m.kernel)
    assert np.all(np.abs(m.crowd.opinion) <= 1.0)
    assert (m.crowd.state == SHARING).any() and (m.crowd.state == STOPPED).any()
