"""Parent links: one row per adoption (narrative, user, parent account, parent kind, tick).

The kernel hands over arrays once per tick; rows are buffered and concatenated at the end.
Parents are global ids: a user id (< n), or n + account id for actors' accounts. Seed
believers have parent -1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# What the parent of an adoption is (stored as uint8).
SEED, USER, ACTOR, BOT = 0, 1, 2, 3
PARENT_KINDS = ("seed", "user", "actor", "bot")
BYTES_PER_ROW = 2 + 4 + 4 + 1 + 4  # narr int16, user int32, parent int32, kind uint8, tick int32


class Recorder:
    """Collects parent links; ``senders`` maps each post of the tick's batch to its sender."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.tick = 0
        self.senders = np.zeros(0, dtype=np.int32)
        self._event_post = np.zeros(0, dtype=np.int32)
        self._rows: list[tuple[np.ndarray, ...]] = []

    def seeds(self, k: int, users: np.ndarray, tick: int = 0) -> None:
        """Users who start sharing ``k`` on their own at ``tick`` (t=0, or a scheduled event)."""
        self._append(np.full(len(users), k), users, np.full(len(users), -1), tick)

    def events(self, post: np.ndarray) -> None:
        """The posts behind this tick's converting events (indexes into ``senders``)."""
        self._event_post = post

    def adopted(self, k: np.ndarray, u: np.ndarray, event: np.ndarray) -> None:
        """Users ``u`` adopted narratives ``k`` through converting events ``event``."""
        if len(u):
            self._append(k, u, self.senders[self._event_post[event]], self.tick)

    def _append(self, k, u, parent, tick: int) -> None:
        self._rows.append(
            (
                np.asarray(k, dtype=np.int16),
                np.asarray(u, dtype=np.int32),
                np.asarray(parent, dtype=np.int32),
                np.full(len(u), tick, dtype=np.int32),
            )
        )

    def table(self, account_is_bot: np.ndarray) -> pd.DataFrame:
        """All adoptions in order: narrative, user, parent, parent_kind, tick. Accounts
        are told apart (bot or other actor) by ``account_is_bot`` at the end of the run."""
        cols = list(zip(*self._rows)) if self._rows else [[np.zeros(0, dtype=d)] for d in "hiii"]
        narr, user, parent, tick = (np.concatenate(c) for c in cols)
        kind = np.where(parent < 0, SEED, np.where(parent < self.n, USER, ACTOR)).astype(np.uint8)
        acct = parent[kind == ACTOR] - self.n
        kind[kind == ACTOR] = np.where(np.asarray(account_is_bot, bool)[acct], BOT, ACTOR)
        return pd.DataFrame(
            {"narrative": narr, "user": user, "parent": parent, "parent_kind": kind, "tick": tick}
        )


def senders(batches: list, users_batch: int) -> np.ndarray:
    """Sender of every post of the tick, in the order ``deliver`` concatenates the batches
    (empty ones skipped). Users' reshares name their sender in ``src`` (their ``origin`` is
    the cascade's root); every other batch names it in ``origin`` (n + account id for an
    actor's account, the user id for a user's own post)."""
    parts = [
        (posts.src if i == users_batch else posts.origin)
        for i, (posts, _, _) in enumerate(batches)
        if len(posts)
    ]
    return np.concatenate(parts).astype(np.int32) if parts else np.zeros(0, dtype=np.int32)
