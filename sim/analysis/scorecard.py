"""A digital-diplomacy scorecard per side, modelled on the Digital Diplomacy Index.

The thesis (Table 2, docs/sources.md) scores a country's digital diplomacy on nine indicators.
Each is defined here from simulated quantities of one run (docs/karabakh2020.md has the
table); the raw values are reported, plus a 0-100 score per indicator relative to the
better side (momentum: 50 = the same change as the other side) and their mean as the
overall index. Everything is computed from per-account and per-tick arrays, never per user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.model import InfoWarModel

INDICATORS = (
    "network_reach",
    "diplomatic_weight",
    "vocality",
    "message_efficiency",
    "global_visibility",
    "format_proficiency",
    "momentum",
    "diplomatic_centrality",
    "language_diversity",
)
OFFICIAL_KINDS = ("head_of_state", "ministry", "embassy")


def _account_side(model: InfoWarModel) -> tuple[np.ndarray, list[str]]:
    owner = np.array(model.accounts.owner, dtype=np.int64)
    side = np.array([model.actors[o].side for o in owner], dtype=np.int64).reshape(-1)
    kind = [model.actors[o].kind for o in owner]
    return side, kind


def raw_indicators(model: InfoWarModel) -> dict[str, dict[str, float]]:
    """Indicator -> side -> raw value (definitions in docs/karabakh2020.md)."""
    w, mt, acc, n = model.world, model.metrics, model.accounts, model.crowd.n
    T = max(mt.ticks_done, 1)
    days = T * w.tick_hours / 24.0
    side_of, kind_of = _account_side(model)
    intl = np.array([k == "international" for k in w.comm_kind])
    intl_users = max(int(model.tally.users[intl].sum()), 1)
    is_intl_user = intl[model.crowd.community]
    reshares = mt.reshares[n:].astype(float)
    reads = mt.reads[:T].sum(axis=0)  # (K, C)
    out: dict[str, dict[str, float]] = {k: {} for k in INDICATORS}
    for s, side in enumerate(w.sides[:2]):
        mine = np.flatnonzero(side_of == s)
        fol = [acc.followers(int(a)) for a in mine]
        allf = np.concatenate(fol) if fol else np.zeros(0, dtype=np.int32)
        out["network_reach"][side] = len(np.unique(allf)) / n
        official = [acc.followers(int(a)) for a in mine if kind_of[a] in OFFICIAL_KINDS]
        offf = np.concatenate(official) if official else np.zeros(0, dtype=np.int32)
        out["diplomatic_weight"][side] = 1000.0 * int(is_intl_user[offf].sum()) / intl_users
        posts = float(mt.acc_posts[mine].sum())
        out["vocality"][side] = posts / days
        out["message_efficiency"][side] = float(reshares[mine].sum()) / posts if posts else 0.0
        narr = np.flatnonzero(w.narr_side == s)
        out["global_visibility"][side] = (
            float(reads[np.ix_(narr, np.flatnonzero(intl))].sum()) / intl_users
        )
        actors = [a for a in model.actors if a.side == s]
        made = np.array([a.posts_made for a in actors], dtype=float)
        qual = np.array([a.quality for a in actors], dtype=float)
        out["format_proficiency"][side] = (
            float((made * qual).sum() / made.sum()) if made.sum() else 0.0
        )
        sup = mt.support[:T, s][:, intl].sum(axis=1) / intl_users
        out["momentum"][side] = float(100.0 * (sup[-1] - sup[0]))
        total = reshares[np.isin(side_of, [0, 1])].sum()
        out["diplomatic_centrality"][side] = float(reshares[mine].sum() / total) if total else 0.0
        out["language_diversity"][side] = float(len({l for a in actors for l in a.languages}))
    return out


def scores(raw: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """0-100 per indicator relative to the best side, and the mean as ``index``."""
    sides = list(next(iter(raw.values())))
    out: dict[str, dict[str, float]] = {s: {} for s in sides}
    for ind, vals in raw.items():
        v = np.array([vals[s] for s in sides], dtype=float)
        if ind == "momentum":
            m = np.abs(v).max()
            sc = 50.0 + 50.0 * v / m if m > 0 else np.full(len(v), 50.0)
        else:
            m = v.max()
            sc = 100.0 * v / m if m > 0 else np.zeros(len(v))
        for s, x in zip(sides, sc):
            out[s][ind] = round(float(x), 1)
    for s in sides:
        out[s]["index"] = round(float(np.mean([out[s][i] for i in raw])), 1)
    return out


def scorecard(model: InfoWarModel) -> dict[str, Any]:
    """Raw indicators and scores per side, ready for summary.json."""
    raw = raw_indicators(model)
    sc = scores(raw)
    return {
        side: {"raw": {k: round(raw[k][side], 4) for k in INDICATORS}, "score": sc[side]}
        for side in sc
    }


def scorecard_rows(card: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """A printable table: indicator, then raw (score) per side."""
    sides = list(card)
    rows = [
        [
            ind.replace("_", " "),
            *(f"{card[s]['raw'][ind]:.3g} ({card[s]['score'][ind]:.0f})" for s in sides),
        ]
        for ind in INDICATORS
    ]
    rows.append(["INDEX (0-100)", *(f"{card[s]['score']['index']:.0f}" for s in sides)])
    return ["indicator", *[f"{s}: value (score)" for s in sides]], rows
