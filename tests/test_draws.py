"""Per-user common random numbers (sim.draws, issue 16 item 1).

The crowd's uniforms are a pure function of (seed, stream, tick, key): uniform, independent
across streams, ticks, users and narratives; binomial reads keep their law; and the same
user facing the same post in two arms makes the same choice, which sequential draws (one
Generator consumed in order) do not give.
"""

from __future__ import annotations

import numpy as np
import pytest
from clirun import TINY, run_inprocess
from scipy import stats

from sim.cli import load
from sim.config.schema import SOURCE_KINDS
from sim.draws import Draws, binomial_inverse, event_word, post_words, user_word
from sim.kernel import Kernel, deliver
from sim.model import InfoWarModel
from sim.posts import Posts
from sim.tally import Tally
from sim.world import compile_world

N = 200_000


def draws(seed: int = 7, tick: int = 0) -> Draws:
    d = Draws(seed, "per_user", np.random.default_rng(0))
    d.at(tick)
    return d


def chi2_pairs(a: np.ndarray, b: np.ndarray, bins: int = 10) -> float:
    """p-value of independence and uniformity of pairs (a, b) on a bins x bins grid."""
    h, _, _ = np.histogram2d(a, b, bins=bins, range=[[0, 1], [0, 1]])
    return float(stats.chisquare(h.ravel()).pvalue)


def test_uniforms_are_uniform():
    users = np.arange(N)
    for stream in ("reshare", "adopt"):
        u = draws().uniform(stream, user_word(users, 3))
        assert u.min() > 0.0 and u.max() < 1.0
        assert stats.kstest(u, "uniform").pvalue > 1e-4
    words = event_word(post_words(np.arange(50), np.zeros(50), np.zeros(50), np.zeros(50)), 0)
    ev = draws().uniform("read", (words[:, None] + np.arange(4000, dtype=np.uint64)).ravel())
    assert stats.kstest(ev, "uniform").pvalue > 1e-4


@pytest.mark.parametrize("which", ["stream", "tick", "user", "narrative", "seed", "post"])
def test_uniforms_are_independent_across_keys(which):
    """Neighbouring keys (next user, next tick, ...) give unrelated uniforms."""
    users = np.arange(N)
    a = draws().uniform("adopt", user_word(users, 2))
    b = {
        "stream": lambda: draws().uniform("stifle", user_word(users, 2)),
        "tick": lambda: draws(tick=1).uniform("adopt", user_word(users, 2)),
        "user": lambda: draws().uniform("adopt", user_word(users + 1, 2)),
        "narrative": lambda: draws().uniform("adopt", user_word(users, 3)),
        "seed": lambda: draws(seed=8).uniform("adopt", user_word(users, 2)),
        "post": lambda: draws().uniform("adopt", event_word(post_words([5], [2], [0], [0]), users)),
    }[which]()
    assert abs(np.corrcoef(a, b)[0, 1]) < 5 / np.sqrt(N)
    assert chi2_pairs(a, b) > 1e-4


def test_activity_is_per_user_and_tick():
    """P(active) = activity; a pure function of (seed, tick, user); independent across
    ticks."""
    act = np.linspace(0.05, 0.95, N).astype(np.float32)
    a, again, nxt = draws(tick=3), draws(tick=3), draws(tick=4)
    got = a.active(act)
    assert np.array_equal(got, again.active(act)) and not np.array_equal(got, nxt.active(act))
    z = (got.sum() - act.sum()) / np.sqrt((act * (1 - act)).sum())
    assert abs(z) < 4
    first_half = slice(0, N // 2)
    assert np.array_equal(draws(tick=3).active(act[first_half]), got[first_half])
    both = (got & nxt.active(act)).mean()
    assert abs(both - (act**2).mean()) < 4 * np.sqrt(0.25 / N)


def test_a_draw_depends_only_on_its_key():
    """Order of asking, other streams and earlier ticks change no draw."""
    w = user_word(np.array([0, 5, 9]), np.array([1, 1, 2]))
    a = draws(tick=4).uniform("fade", w)
    d = draws()
    d.uniform("fade", user_word(np.arange(1000), 1))
    d.at(9)
    d.uniform("reshare", w)
    d.at(4)
    assert np.array_equal(d.uniform("fade", w[::-1])[::-1], a)


def test_post_key_ignores_position_and_separates_duplicates():
    """A post's key is the same wherever it sits in the tick's batch; two entries with the
    same source, narrative and language get different keys."""
    a = post_words(np.array([3, 7]), np.array([1, 1]), np.array([0, 0]), np.array([0, 0]))
    b = post_words(np.array([9, 7, 3]), np.array([2, 1, 1]), np.zeros(3), np.zeros(3))
    assert a[0] == b[2] and a[1] == b[1]
    dup = post_words(np.array([3, 3]), np.array([1, 1]), np.zeros(2), np.zeros(2))
    assert dup[0] == a[0] and dup[1] != dup[0]
    other_channel = post_words(np.array([3]), np.array([1]), np.zeros(1), np.ones(1))
    assert other_channel[0] != a[0]


@pytest.mark.parametrize("count,p", [(1, 0.3), (2, 0.5), (5, 0.2), (40, 0.07)])
def test_inverse_cdf_reads_have_the_binomial_law(count, p):
    u = draws().uniform("read", np.arange(N, dtype=np.uint64))
    got = binomial_inverse(u, np.full(N, count), np.full(N, p))
    seen = np.bincount(got, minlength=count + 1)
    expected = stats.binom.pmf(np.arange(count + 1), count, p) * N
    big = expected > 5
    chi = ((seen[big] - expected[big]) ** 2 / expected[big]).sum()
    assert stats.chi2.sf(chi, big.sum() - 1) > 1e-4
    more = binomial_inverse(u, np.full(N, count), np.full(N, min(1.0, p * 1.5)))
    assert np.all(more >= got)  # coupled: a better-read feed never reads fewer copies


# -- the same user facing the same post in two arms -------------------------------------
STATE = SOURCE_KINDS.index("state")


def _arm(world, mode: str, extra: bool):
    """One tick's reads and adoptions of 400 readers of post P; the second arm adds a
    post Q before P in the batch, read only by readers 300-399."""
    cfg = load(["graph.n=200"]).spread
    c = _crowd(world, 400)
    post = Posts.make(src=[0], narr=0, lang=0, count=3, quality=1.0, kind=STATE, origin=5, plats=1)
    rows = [(post, np.array([0, 400]), np.arange(400, dtype=np.int32))]
    if extra:
        q = Posts.make(src=[1], narr=1, lang=0, count=4, quality=1.0, kind=STATE, origin=6, plats=1)
        rows = [  # rows of the CSR are sources: P (0) reaches everyone, Q (1) 300-399
            (
                Posts.concat([q, post]),
                np.array([0, 400, 500]),
                np.concatenate([np.arange(400), np.arange(300, 400)]).astype(np.int32),
            )
        ]
    d = Draws(11, mode, np.random.default_rng(11))
    cfg.attention = 2
    k = Kernel(c, world, cfg, Tally(c, len(world.communities), world.support_threshold), d)
    rd = deliver(c, rows, np.ones(400, bool), cfg.attention, d)
    k.read(rd)
    mine = rd.posts.narr[rd.post] == 0
    reads = np.zeros(400, np.int32)
    reads[rd.reader[mine]] = rd.reads[mine]
    return reads, c.state[0].copy()


def _crowd(world, n):
    from test_kernel import crowd_of

    return crowd_of(world, n, opinion=float(world.narr_sign[0]))


def test_same_user_same_post_same_choice_in_two_arms():
    world = compile_world(load(["graph.n=200"]))
    untouched = slice(0, 300)
    (ra, sa), (rb, sb) = _arm(world, "per_user", False), _arm(world, "per_user", True)
    assert np.array_equal(ra[untouched], rb[untouched])
    assert np.array_equal(sa[untouched], sb[untouched])
    assert 0 < ra.mean() < 3 and 0 < (sa == 1).mean() < 1  # the draws decide something
    (qa, _), (qb, _) = _arm(world, "sequential", False), _arm(world, "sequential", True)
    assert not np.array_equal(qa[untouched], qb[untouched])  # sequential: shifted draws


class Injected(InfoWarModel):
    """The default model plus one direct post to users 0-19 in the first tick: an arm that
    differs from the baseline only in what those users faced."""

    def run_strategies(self) -> None:
        super().run_strategies()
        from sim.strategies.toolkit import send_direct

        k = int(np.flatnonzero(self.world.narr_true)[0])
        p = Posts.make(
            src=[0],
            narr=k,
            lang=0,
            count=5,
            quality=1.0,
            kind=STATE,
            origin=self.crowd.n,
            plats=255,
        )
        send_direct(self, p, [np.arange(20)])


@pytest.mark.parametrize("mode", ["per_user", "sequential"])
def test_an_arm_leaves_the_choices_of_users_it_did_not_touch(mode):
    cfg = load([*TINY, "seed=5", f"spread.draws={mode}"])
    base, arm = InfoWarModel(cfg), Injected(cfg)
    base.step()
    arm.step()
    rest = slice(20, None)
    same = [
        np.array_equal(base.crowd.state[:, rest], arm.crowd.state[:, rest]),
        np.array_equal(base.crowd.reshared[:, rest], arm.crowd.reshared[:, rest]),
        np.array_equal(base.crowd.opinion[rest], arm.crowd.opinion[rest]),
    ]
    if mode == "per_user":
        assert all(same)
        assert not np.array_equal(base.crowd.exposed[:, :20], arm.crowd.exposed[:, :20])
    else:
        assert not all(same)  # one changed event shifts every later sequential draw


def test_bad_draw_mode_is_one_line_exit_2(tmp_path):
    r = run_inprocess([*TINY, "spread.draws=maybe"], tmp_path / "run")
    assert r.code == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "spread.draws" in lines[0] and "per_user" in lines[0]
