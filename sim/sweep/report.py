"""Markdown reports and figures for the design-of-experiments and optimisation studies."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd


def md_table(df: pd.DataFrame, floatfmt: str = ".3f") -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        cells = [format(v, floatfmt) if isinstance(v, float) else str(v) for v in r]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _figure(method: str, indices: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outputs = list(dict.fromkeys(indices["output"]))
    fig, axes = plt.subplots(1, len(outputs), figsize=(4.6 * len(outputs), 3.6), squeeze=False)
    for ax, out in zip(axes[0], outputs):
        d = indices[indices["output"] == out]
        y = range(len(d))
        if method == "sobol":
            ax.barh([i + 0.2 for i in y], d["ST"], 0.4, xerr=d["ST_conf"], label="total (ST)")
            ax.barh([i - 0.2 for i in y], d["S1"], 0.4, xerr=d["S1_conf"], label="first order (S1)")
            ax.set_xlabel("Sobol index")
        elif method == "rbd":
            ax.barh(list(y), d["S1"], 0.6, xerr=d["S1_conf"], label="first order (S1, RBD-FAST)")
            ax.set_xlabel("first-order Sobol index")
        else:
            ax.barh(list(y), d["mu_star"], 0.6, xerr=d["mu_star_conf"], label="mu*")
            ax.set_xlabel("Morris mu* (mean |elementary effect|)")
        ax.set_yticks(list(y), [p.replace("spread.", "") for p in d["parameter"]])
        ax.set_title(
            out.replace("support.international.", "intl ")
            .replace("audiences.contested.", "contested ")
            .replace("misinformation.", ""),
            fontsize=9,
        )
    axes[0][0].legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)


def _span(df: pd.DataFrame) -> str:
    """How long the runs took: first start to last finish, and their summed CPU time."""
    start = pd.to_datetime(df["prov.started_utc"])
    end = start + pd.to_timedelta(df["prov.wall_s"], unit="s")
    text = f"runs spanned {(end.max() - start.min()).total_seconds() / 60:.1f} min"
    if "prov.cpu_s" in df and df["prov.cpu_s"].notna().any():
        text += f" using {df['prov.cpu_s'].sum() / 60:.1f} CPU min"
    return text


def _noise_note(method: str, d: pd.DataFrame) -> list[str]:
    """Say so when the indices are not resolved (seed noise and small N look like interactions)."""
    if method == "sobol":
        unresolved = (d["ST_conf"] > d["ST"]).mean() >= 0.5 or d["ST"].sum() > 1.5
        detail = f"sum of ST = {d['ST'].sum():.2f}"
    elif method == "rbd":
        return []  # the Resolution section judges first-order indices against the target
    else:
        unresolved = (d["mu_star_conf"] > d["mu_star"]).mean() >= 0.5
        detail = "mu* intervals as wide as mu*"
    if not unresolved:
        return []
    return [
        f"*Not resolved at this size* ({detail}; intervals as wide as the indices): run-to-run "
        "noise of a small world with one seed per point enters the variance as if it were "
        "interaction. Read only the ranking of clearly separated parameters; the section "
        "Resolution gives the size that would resolve them.",
        "",
    ]


def sensitivity_report(
    method: str,
    problem: Any,
    indices: pd.DataFrame,
    df: pd.DataFrame,
    out: Path,
    n: int,
    seeds: int,
    minutes: float | None,
    argv: str,
    points: int,
    *,
    command: str = "scripts/python experiments/sobol.py",
    title: str = "",
    runs: str = "",
    path: Path | None = None,
    jobs: int = 2,
) -> Path:
    """``path`` (default <out>/report.md) + <out>/<method>.png. ``command`` is the script
    that ran the study, ``title`` the heading and ``runs`` where its runs are (defaults: the
    generic sensitivity study); links are relative to the report's folder."""
    from sim.outputs import atomic_write_bytes

    path = path if path is not None else out / "report.md"
    fig = out / f"{method}.png"
    _figure(method, indices, fig)

    def link(name: str) -> str:
        return Path(os.path.relpath(out / name, path.parent)).as_posix()

    key = {"sobol": "ST", "rbd": "S1"}.get(method, "mu_star")
    lines = [
        f"# {title or f'{method.capitalize()} sensitivity study'}",
        "",
        f"Command: `{f'{command} {argv}'.strip()}`",
        "",
        f"{len(df)} runs ({points} design points x {seeds} seed(s), repeated points run once; "
        f"base sample n={n}) on {int(df['users'].iloc[0]):,}-user worlds of "
        f"{float(df['days'].iloc[0]):g} days; "
        f"{_span(df)}{'' if minutes is None else f'; the command took {minutes:.1f} min'}. "
        f"Runs: `{runs or (out / '_runs').name + '/'}` "
        f"(load with `sim.sweep.load_study`). Design: `{link('design.csv')}`; "
        f"indices: `{link('indices.csv')}`.",
        "",
        f"Statistics in brief: {seeds} seed(s) per design point; target precision and "
        "whether it was met: section Resolution (95% bootstrap half-widths of the indices "
        "against a stated target). No multiplicity adjustment: the indices estimate how "
        "much each parameter matters, with intervals, to rank parameters; they are not "
        "tests of effects, so there is no family of tests to correct.",
        "",
        "Parameters and ranges (uniform): "
        + ", ".join(f"`{k}` [{lo:g}, {hi:g}]" for k, (lo, hi) in problem.bounds.items())
        + ".",
        "",
        f"![{method} indices]({link(fig.name)})",
        "",
    ]
    for o in problem.outputs:
        d = indices[indices["output"] == o].drop(columns="output").sort_values(key, ascending=False)
        y = df[o].astype(float)
        lines += [
            f"## `{o}`",
            "",
            f"Across the design: mean {y.mean():.4f}, range [{y.min():.4f}, {y.max():.4f}]. "
            f"Most influential: `{d['parameter'].iloc[0]}`.",
            "",
            md_table(d),
            "",
        ]
        lines += _noise_note(method, d)
    if method == "rbd":
        lines += [
            "S1 is the share of the output's variance due to the parameter alone (first-order "
            "Sobol index), estimated by RBD-FAST from one Latin hypercube with 95% bootstrap "
            "intervals as `S1_conf`; it costs one run per point whatever the number of "
            "parameters, but gives no total indices (use `--method sobol` for those).",
            "",
        ]
    elif method == "sobol":
        lines += [
            "S1 is the share of the output's variance due to the parameter alone, ST "
            "including its interactions (95% bootstrap intervals as `_conf`). Negative or "
            "above-one values inside their intervals are sampling noise of a small N.",
            "",
        ]
    else:
        lines += [
            "mu* ranks parameters by mean absolute elementary effect; sigma large relative "
            "to mu* means interactions or non-linearity.",
            "",
        ]
    if method in ("sobol", "rbd") and "prov.started_utc" in df:
        from sim.sweep.resolution import core_seconds_per_run, resolution_lines

        core_s = core_seconds_per_run(df, jobs)
        lines += resolution_lines(method, indices, n, len(problem.bounds), seeds, core_s)
    elif method == "morris" and "prov.started_utc" in df:
        from sim.sweep.resolution import core_seconds_per_run, morris_resolution_lines

        core_s = core_seconds_per_run(df, jobs)
        base = f"{command} --method morris" if command.endswith("sobol.py") else command
        lines += morris_resolution_lines(indices, n, len(problem.bounds), seeds, core_s, base)
    atomic_write_bytes(path, "\n".join(lines).encode())
    return path


def sys_argv() -> list[str]:
    import sys

    return sys.argv[1:]


def argv_of_run(argv: list[str] | None = None) -> str:
    """The command-line options of the run a report describes: without ``--analyse-only``
    and ``--minutes M``, which only say how this report was rewritten."""
    import sys

    args, out, skip = list(sys.argv[1:] if argv is None else argv), [], False
    for a in args:
        if skip:
            skip = False
        elif a == "--minutes":
            skip = True
        elif a != "--analyse-only" and not a.startswith("--minutes="):
            out.append(a)
    return " ".join(out)
