"""The readable summary table printed at the end of a run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.metrics import CONTAIN_SHARE

MIS_NOTE = (
    "Believers: users who took the story in (still sharing or stopped). Spreaders contained:\n"
    f"hours from the story's start until its active sharers fell to {100 * CONTAIN_SHARE:.0f}% "
    "of their own peak;\n"
    "'-' = not contained before the run ended. Believers can stay high after the sharers stop."
)


THEORY = {  # validation-mode keys printed beside the simulated value, with their meaning
    "final_size_theory": "final_size, analytic (random graph of the same mean degree)",
}


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*header), fmt.format(*["-" * w for w in widths])]
    lines += [fmt.format(*map(str, r)) for r in rows]
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def format_summary(s: dict[str, Any]) -> str:
    if "final_size" in s or "n_clusters" in s:
        keys = [
            k
            for k in ("mode", "users", "follows", "ticks", "final_size", *THEORY, "n_clusters")
            if k in s
        ]
        rows = [[THEORY.get(k, k), s[k]] for k in keys]
        return _table(rows, ["quantity", "value"])
    parts = [
        f"Run: {s['scenario']}, seed {s['seed']}, {s['users']:,} users, {s['follows']:,} follows, "
        f"{s['accounts']} actor accounts, {s['days']} days"
    ]
    strat = "; ".join(f"{side}: {', '.join(v) or 'none'}" for side, v in s["strategies"].items())
    parts.append(f"Strategies: {strat or 'none'}")
    sides = list(s["reach"])[:2]
    rows = [
        [name, f"{v['opinion_mean']:+.2f}", *(_pct(v.get(f"support_{sd}")) for sd in sides)]
        for name, v in s["support"]["by_community"].items()
    ]
    intl = s["support"]["international"]
    if intl:
        rows.append(
            [
                "INTERNATIONAL",
                f"{intl['opinion_mean']:+.2f}",
                *(_pct(intl.get(f"support_{sd}")) for sd in sides),
            ]
        )
    parts.append(
        "\nFinal support by audience\n"
        + _table(rows, ["community", "opinion", *[f"support {sd}" for sd in sides]])
    )
    mis = [
        [
            v["label"],
            v["side"],
            _pct(v["peak"]),
            v["peak_day"],
            f"{v['auc']:.3f}",
            "-" if v["hours_to_contain"] is None else f"{v['hours_to_contain']:.0f} h",
        ]
        for v in s["misinformation"].values()
    ]
    if mis:
        parts.append(
            "\nFalse narratives\n"
            + _table(
                mis,
                [
                    "hashtag",
                    "side",
                    "believers at peak",
                    "on day",
                    "believer-days/user",
                    "spreaders contained after",
                ],
            )
            + "\n"
            + MIS_NOTE
        )
    cost = [
        [
            side,
            f"{c['actors']:.0f}",
            f"{c['strategy_total']:.0f}",
            ", ".join(f"{k} {v:.0f}" for k, v in c.get("strategies", {}).items()) or "-",
        ]
        for side, c in s["cost"].items()
    ]
    parts.append(
        "\nReach (posts read): "
        + ", ".join(f"{k} {v:,}" for k, v in s["reach"].items())
        + (f"; ratio {s['reach_ratio']:.2f}" if s["reach_ratio"] is not None else "")
    )
    parts.append(
        "\nCost (staff-hours)\n"
        + _table(cost, ["side", "routine posting", "strategies", "by strategy"])
    )
    top = [[r["account"], r["side"], r["kind"], f"{r['reshares']:,}"] for r in s["top_accounts"]]
    if top:
        parts.append(
            "\nMost reshared accounts\n" + _table(top, ["account", "side", "kind", "reshares"])
        )
    from sim.analysis.hooks import report_sections

    parts += report_sections(s, _table)  # scorecard; thesis tables if the run has them
    return "\n".join(parts)


def print_summary(s: dict[str, Any], out: Path | None = None) -> None:
    print(format_summary(s))
    if out is not None:
        print(f"\nOutputs written to {out}")
