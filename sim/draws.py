"""The crowd's random choices, drawn per user: common random numbers across arms.

``spread.draws = per_user`` (the default) makes every uniform of the spread phases a pure
function of (root seed, stream name, tick, key word): a counter-based generator, as
SplitMix64 (Steele et al. 2014) with the key in place of the counter. The key word packs
who chooses and about what (``user_word``: user and narrative; ``event_word``: reader and
post), so the same user facing the same post in two arms of a study draws the same
uniform, however many other events the arms add or remove. ``sequential`` takes the
draws in order from the one "spread" Generator instead (the model before this switch):
there one changed event shifts every later draw.

Each stream's name is keyed with ``sim.rng.name_key`` (SHA-256), never Python's hash.
Per draw: one multiply-add of the key, the SplitMix64 finalizer, the top 52 bits as a
float. Stream and tick are folded into one scalar per (stream, tick) beforehand. Activity,
which every user draws every tick, takes the user-th uniform of a Generator keyed by
(seed, tick) instead: the same purity, at the cost of one sequential draw.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from sim.config.schema import DRAW_MODES
from sim.rng import name_key, stream

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15  # SplitMix64's odd increment: keys map one-to-one to states
_G = np.uint64(GAMMA)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S12 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(12)
_ONE = np.uint64(0x3FF0000000000000)  # the bits of 1.0
STREAMS = ("read", "adopt", "stifle", "correct", "fade", "reshare", "stop")


def mix_scalar(x: int) -> int:
    """The SplitMix64 finalizer on one Python int (scalars: exact, no overflow warnings)."""
    x &= MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def mix(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finalizer, in place on a uint64 array (a bijection of 64-bit words)."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def stream_root(seed: int, name: str) -> int:
    """One 64-bit word for (root seed, stream name)."""
    w = name_key(name)
    h = mix_scalar(int(seed) + GAMMA)
    h = mix_scalar(h ^ (w[0] | w[1] << 32))
    return mix_scalar(h ^ (w[2] | w[3] << 32))


def uniforms(base: int, word: np.ndarray) -> np.ndarray:
    """Uniforms in (0, 1), one per key word: the top 52 bits of mix(base + word x gamma) as
    the mantissa of a float in [1, 2) (integer ops only: numpy's uint64-to-float conversion
    is several times slower), shifted onto the midpoint grid (2j + 1) / 2^53, exactly, so
    that neither 0 nor 1 occurs."""
    x = np.asarray(word, dtype=np.uint64) * _G
    x += np.uint64(base)
    return _to_unit(x)


def _to_unit(x: np.ndarray) -> np.ndarray:
    """Mix the states ``x`` (in place) and turn them into uniforms."""
    mix(x)
    x >>= _S12
    x |= _ONE
    u = x.view(np.float64)
    u -= 1.0 - 2.0**-53
    return u


def user_word(user: ArrayLike, narr: ArrayLike = 0) -> np.ndarray:
    """Key of a (user, narrative) choice: user in the low 32 bits, narrative above."""
    w = np.asarray(user).astype(np.uint64)
    if np.ndim(narr) or np.any(narr):
        w |= np.asarray(narr).astype(np.uint64) << np.uint64(32)
    return w


def post_words(src: ArrayLike, narr: ArrayLike, lang: ArrayLike, channel: ArrayLike) -> np.ndarray:
    """Key of each post of a tick: (channel, source, narrative, language), then its rank
    among the tick's earlier posts with the same four (nearly always 0), all hashed. A
    post's key does not depend on where it sits in the tick's batch arrays, which shift
    between arms; tick and stream enter through ``Draws``' base."""
    w = np.asarray(src).astype(np.int64).astype(np.uint64) & np.uint64(0xFFFFFFFF)
    w |= np.asarray(narr).astype(np.uint64) << np.uint64(32)
    w |= np.asarray(lang).astype(np.uint64) << np.uint64(48)
    w |= np.asarray(channel).astype(np.uint64) << np.uint64(56)
    rank = _rank_among_equal(w)
    mix(w)
    w += rank.astype(np.uint64) * _G
    return mix(w)


def _rank_among_equal(w: np.ndarray) -> np.ndarray:
    """For each entry, how many earlier entries hold the same value."""
    if len(w) < 2:
        return np.zeros(len(w), dtype=np.int64)
    order = np.argsort(w, kind="stable")
    s = w[order]
    new = np.concatenate(([True], s[1:] != s[:-1]))
    if new.all():
        return np.zeros(len(w), dtype=np.int64)
    start = np.maximum.accumulate(np.where(new, np.arange(len(s)), 0))
    rank = np.empty(len(w), dtype=np.int64)
    rank[order] = np.arange(len(s)) - start
    return rank


def event_word(post_word: np.ndarray, reader: ArrayLike) -> np.ndarray:
    """Key of one reader meeting one post: the post's hashed key plus the reader."""
    return post_word + np.asarray(reader).astype(np.uint64)


def binomial_inverse(u: np.ndarray, count: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Binomial(count, p) by inverse CDF of ``u``: exact, and monotone in ``u``, ``p`` and
    ``count``, so a small change in a reader's feed changes few reads. One copy (the usual
    case) is a comparison; scipy's quantile only where count > 1."""
    out = (u > 1.0 - p).astype(np.int32) * (count > 0)
    many = count > 1
    if many.any():
        out[many] = stats.binom.ppf(u[many], count[many], p[many]).astype(np.int32)
    return out


class Draws:
    """Uniforms for the spread phases, in one of ``DRAW_MODES``. ``at(tick)`` is called
    once a tick, before the phases draw."""

    def __init__(self, seed: int, mode: str, rng: np.random.Generator) -> None:
        if mode not in DRAW_MODES:
            raise ValueError(f"spread.draws: {mode!r} is not one of {', '.join(DRAW_MODES)}")
        self.per_user, self.seed = mode == "per_user", int(seed)
        self.rng = rng
        self._roots = {s: stream_root(seed, f"spread/{s}") for s in STREAMS}
        self._base: dict[str, int] = {}
        self._u, self._active = np.empty(0, np.float32), np.empty(0, bool)
        self.at(0)

    def at(self, tick: int) -> None:
        self.tick = int(tick)
        self._base = {s: mix_scalar(r + (self.tick + 1) * GAMMA) for s, r in self._roots.items()}

    def base(self, stream: str) -> int:
        """This tick's word of ``stream`` (what compiled loops key their uniforms with)."""
        return self._base[stream]

    def uniform(self, stream: str, word: np.ndarray) -> np.ndarray:
        """One uniform per key word (sequential: the next ``len(word)`` of the Generator)."""
        if not self.per_user:
            return self.rng.random(len(word))
        return uniforms(self._base[stream], word)

    def active(self, activity: np.ndarray) -> np.ndarray:
        """Who is active this tick: P(active) = the user's activity (the array is reused:
        valid until the next call). Per user: every user
        draws every tick, so user u's uniform is the u-th of a Generator keyed by (seed,
        "spread/active/<tick>"): a pure function of (seed, tick, user), as cheap as one
        sequential draw (hashing n keys a tick costs about three times more)."""
        rng = stream(self.seed, f"spread/active/{self.tick}") if self.per_user else self.rng
        n = len(activity)
        if self._u.shape != (n,):  # one buffer pair, reused: no n-sized allocation a tick
            self._u, self._active = np.empty(n, np.float32), np.empty(n, bool)
        rng.random(n, dtype=np.float32, out=self._u)
        return np.less(self._u, activity, out=self._active)

    def reads(self, count: np.ndarray, p: np.ndarray, word: np.ndarray | None) -> np.ndarray:
        """Copies read of each event: Binomial(count, p)."""
        if not self.per_user or word is None:
            return self.rng.binomial(count, p)
        return binomial_inverse(self.uniform("read", word), count, p)

    def reshare(
        self, k: np.ndarray, users: np.ndarray, n_narr: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """(post, stop) uniforms of each sharer (narrative-major order, users ascending).
        Sequential: laid out as a loop over narratives takes them (per narrative: one per
        sharer to post, then one per sharer to stop)."""
        if self.per_user:
            w = user_word(users, k)
            return self.uniform("reshare", w), self.uniform("stop", w)
        lens = np.bincount(k, minlength=n_narr)
        first = (np.cumsum(lens) - lens)[k]  # where each sharer's narrative group starts
        r = self.rng.random(2 * len(users))
        i = np.arange(len(users)) + first
        return r[i], r[i + lens[k]]


def as_draws(x: Draws | np.random.Generator) -> Draws:
    """A bare Generator (tests, tools) stands for sequential draws from it."""
    return x if isinstance(x, Draws) else Draws(0, "sequential", x)
