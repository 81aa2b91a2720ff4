"""Run-level outcomes computed from the per-tick tables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.crowd import SHARING, STOPPED
from sim.metrics import CONTAIN_SHARE
from sim.strategies import COST_UNIT

if TYPE_CHECKING:
    from sim.model import InfoWarModel


def _r(x: float, nd: int = 4) -> float:
    return float(round(float(x), nd))


def misinformation(model: InfoWarModel) -> dict[str, Any]:
    """Peak, area under the curve and time to contain for every false narrative."""
    w, mt = model.world, model.metrics
    T, n = mt.ticks_done, model.crowd.n
    out = {}
    for k in np.flatnonzero(~w.narr_true):
        st = mt.states[:T, k].sum(axis=-1)  # (T, states)
        believers = (st[:, SHARING] + st[:, STOPPED]) / n
        sharers = st[:, SHARING]
        peak_t = int(np.argmax(believers))
        s_peak_t = int(np.argmax(sharers))
        start = int(w.narr_start_tick[k])
        contain = None
        if sharers[s_peak_t] > 0:
            after = np.flatnonzero(sharers[s_peak_t:] <= CONTAIN_SHARE * sharers[s_peak_t])
            if len(after):
                contain = _r((s_peak_t + after[0] - start) * w.tick_hours, 2)
        out[w.narratives[k]] = {
            "label": w.narr_label[k],
            "side": w.sides[w.narr_side[k]],
            "peak": _r(believers[peak_t], 5),
            "peak_day": _r(peak_t * w.tick_hours / 24, 3),
            "auc": _r(believers.sum() * w.tick_hours / 24, 5),  # believer-days per user
            "final": _r(believers[-1], 5),
            "hours_to_contain": contain,
        }
    return out


def support(model: InfoWarModel) -> dict[str, Any]:
    """Final share supporting each side, per community and over international audiences."""
    w, mt = model.world, model.metrics
    t = mt.ticks_done - 1
    users = model.tally.users
    per = {}
    for c, name in enumerate(w.communities):
        u = max(int(users[c]), 1)
        per[name] = {"opinion_mean": _r(mt.opinion[t, 0, c])}
        for i, side in enumerate(w.sides[:2]):
            per[name][f"support_{side}"] = _r(mt.support[t, i, c] / u)
    intl = [c for c, kind in enumerate(w.comm_kind) if kind == "international"]
    agg = {}
    if intl:
        u = int(users[intl].sum())
        for i, side in enumerate(w.sides[:2]):
            agg[f"support_{side}"] = _r(mt.support[t, i, intl].sum() / max(u, 1))
        agg["opinion_mean"] = _r((mt.opinion[t, 0, intl] * users[intl]).sum() / max(u, 1))
    return {"by_community": per, "international": agg}


def audience_groups(w) -> dict[str, list[int]]:
    """Community indices per outcome group: ``own_<side>`` for each side's domestic and
    diaspora users, then ``ally`` and ``contested`` (international); empty groups left out."""
    groups: dict[str, list[int]] = {}
    for c, role in enumerate(w.comm_audience):
        key = f"own_{w.sides[w.comm_side[c]]}" if role == "own" else role
        groups.setdefault(key, []).append(c)
    order = [f"own_{s}" for s in w.sides] + ["ally", "contested"]
    return {g: groups[g] for g in order if g in groups}


def audiences(model: InfoWarModel) -> dict[str, Any]:
    """Support and misinformation per audience group, each as a share of the group's own
    users, so a large allied or domestic audience cannot dilute what happens in the
    contested one: final support per side, mean opinion, and for every false narrative
    its peak believer share and believer-days per user (``misinfo_days``: their sum)."""
    w, mt = model.world, model.metrics
    T = mt.ticks_done
    users = model.tally.users
    false_k = np.flatnonzero(~w.narr_true)
    st = mt.states[:T][:, false_k]  # (T, K_false, states, C)
    believers = st[:, :, SHARING] + st[:, :, STOPPED]  # (T, K_false, C)
    out: dict[str, Any] = {}
    for g, comms in audience_groups(w).items():
        u = max(int(users[comms].sum()), 1)
        b = believers[:, :, comms].sum(axis=-1) / u  # (T, K_false)
        days = b.sum(axis=0) * w.tick_hours / 24
        row: dict[str, Any] = {
            "communities": [w.communities[c] for c in comms],
            "users": int(users[comms].sum()),
            "opinion_mean": _r((mt.opinion[T - 1, 0, comms] * users[comms]).sum() / u),
        }
        for i, side in enumerate(w.sides[:2]):
            row[f"support_{side}"] = _r(mt.support[T - 1, i, comms].sum() / u)
        row["misinfo_days"] = _r(days.sum(), 5)
        row["misinformation"] = {
            w.narratives[k]: {"peak": _r(b[:, j].max(), 5), "auc": _r(days[j], 5)}
            for j, k in enumerate(false_k)
        }
        out[g] = row
    return out


def channels(model: InfoWarModel) -> dict[str, Any]:
    """Each side's position split by the channel it acts through: reach (posts of its
    stories read), belief (believer-days per user of its true claims; of its false ones),
    attitude (mean opinion toward it, share supporting it) and trust (users' mean trust in
    its sources at the end and its change from the start). Strategy effects are the
    differences of these against a baseline run (docs/model.md)."""
    w, mt, n = model.world, model.metrics, model.crowd.n
    T = mt.ticks_done
    users = model.tally.users
    believers = mt.states[:T, :, SHARING].sum(axis=-1) + mt.states[:T, :, STOPPED].sum(axis=-1)
    days = believers.sum(axis=0) * w.tick_hours / 24 / n  # per narrative
    x = float((mt.opinion[T - 1, 0] * users).sum() / max(users.sum(), 1))
    out = {}
    for i, side in enumerate(w.sides):
        own = (w.narr_side == i) & (w.narr_target < 0)
        sign = 1.0 if i == 0 else -1.0 if i == 1 else 0.0
        out[side] = {
            "reach": int(mt.reach_side[:T, i].sum()),
            "belief_true_days": _r(days[own & w.narr_true].sum(), 5),
            "belief_false_days": _r(days[own & ~w.narr_true].sum(), 5),
            "attitude": _r(sign * x),
            "support": _r(mt.support[T - 1, i].sum() / n) if i < 2 else None,
            "trust": _r(model.trust.mean(i)),
            "trust_change": _r(model.trust.mean(i) - model.trust.base_mean(i)),
        }
    return out


def costs(model: InfoWarModel) -> dict[str, Any]:
    """Staff-hours per side: routine posting by actors plus each strategy's spending."""
    w = model.world
    out: dict[str, Any] = {}
    for i, side in enumerate(w.sides):
        actors = sum(a.staff_hours for a in model.actors if a.side == i)
        strat = {s.name: _r(s.cost, 2) for s in model.strategies if s.side == i}
        short = {s.name: _r(s.short, 2) for s in model.strategies if s.side == i}
        per_day = model.staff.per_day[i]
        out[side] = {
            "unit": COST_UNIT,
            "actors": _r(actors, 2),
            "strategies": strat,
            "strategy_total": _r(sum(strat.values()), 2),
            "staff_hours_per_day": None if np.isinf(per_day) else _r(per_day, 2),
            "not_done": short,  # hours of work that did not fit the budgets
        }
    return out


def top_accounts(model: InfoWarModel, n: int = 10) -> list[dict[str, Any]]:
    """Accounts (actors' and users') whose posts were reshared most."""
    rs = model.metrics.reshares
    order = np.argsort(-rs, kind="stable")[:n]
    out = []
    for o in order:
        if rs[o] == 0:
            break
        if o >= model.crowd.n:
            a = int(o - model.crowd.n)
            actor = model.actors[model.accounts.owner[a]]
            name, side, kind = model.accounts.names[a], model.world.sides[actor.side], actor.kind
        else:
            name, side, kind = f"user {o}", "", "user"
        out.append({"account": name, "side": side, "kind": kind, "reshares": int(rs[o])})
    return out


def hashtags(model: InfoWarModel) -> list[dict[str, Any]]:
    w, vol = model.world, model.metrics.narr_posts
    order = np.argsort(-vol, kind="stable")
    return [
        {
            "hashtag": w.narr_label[k],
            "narrative": w.narratives[k],
            "side": w.sides[w.narr_side[k]],
            "posts": int(vol[k]),
        }
        for k in order
    ]


def layer(model: InfoWarModel) -> dict[str, Any] | None:
    """Counts on the measured platform alone (``output.measure_platform``): per account its
    posts and the users' reshares of them, per narrative its actors' posts and users'
    reshares, and the scale that turns simulated users into people."""
    name = model.cfg.output.measure_platform
    if not name:
        return None
    w, ly, acc = model.world, model.metrics.layer, model.accounts
    return {
        "platform": name,
        "scale": model.cfg.world.scale,
        "accounts": [
            {
                "account": acc.names[a],
                "group": model.actors[acc.owner[a]].group,
                "side": w.sides[model.actors[acc.owner[a]].side],
                "kind": model.actors[acc.owner[a]].kind,
                "posts": int(ly.acc_posts[a]),
                "reshares": int(ly.reshares[a]),
            }
            for a in range(len(acc))
        ],
        "hashtags": [
            {
                "narrative": w.narratives[k],
                "hashtag": w.narr_label[k],
                "side": w.sides[w.narr_side[k]],
                "actor_posts": int(ly.actor_posts[k]),
                "user_posts": int(ly.user_posts[k]),
            }
            for k in range(w.n_narratives)
        ],
    }


def summarize(model: InfoWarModel) -> dict[str, Any]:
    w, mt = model.world, model.metrics
    reach = mt.reach_side[: mt.ticks_done].sum(axis=0)
    ratio = float(reach[0] / reach[1]) if len(reach) > 1 and reach[1] > 0 else None
    out = {
        "scenario": model.cfg.scenario,
        "seed": model.cfg.seed,
        "users": model.crowd.n,
        "follows": int(model.followers.nnz),
        "accounts": len(model.accounts),
        "ticks": mt.ticks_done,
        "days": _r(mt.ticks_done * w.tick_hours / 24, 3),
        "strategies": {side: sorted(ch) for side, ch in model.cfg.strategies.items()},
        "support": support(model),
        "audiences": audiences(model),
        "misinformation": misinformation(model),
        "reach": {side: int(reach[i]) for i, side in enumerate(w.sides)},
        "reach_ratio": None if ratio is None else _r(ratio),
        "channels": channels(model),
        "cost": costs(model),
        "top_accounts": top_accounts(model),
        "hashtags": hashtags(model),
        "strategy_reports": {
            f"{w.sides[s.side]}/{s.name}": s.report() if s.enabled else {} for s in model.strategies
        },
    }
    measured = layer(model)
    if measured is not None:
        out["layer"] = measured
    if model.timeline is not None:  # world.events, with their calendar dates
        out["events"] = model.timeline.report()
    from sim.analysis.hooks import run_extras

    out.update(run_extras(model, out))  # scorecard; thesis targets if the scenario asks
    return out
