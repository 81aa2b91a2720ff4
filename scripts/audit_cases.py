"""The cases of scripts/audit_battery.py: every failure class of issue 20, as real commands.

``item`` says where the issue lists the case ("1".."8": silent wrong results and data
loss; "memory", "precheck", "traceback", "messages", "housekeeping": its later sections).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import audit_sweeps as sw
from audit_files import design_bad_yaml, read_only_dir
from audit_helpers import (
    EDGES,
    ROOT,
    TINY,
    Case,
    Result,
    crashed,
    peak_child_rss_gib,
    refused,
    refused_multirun,
    runs_ok,
    sim,
    summary,
    with_file,
)

SHUTDOWN = ["strategy@home=[platform_shutdown]", "home.platform_shutdown.start_day=100"]
GRAPH = ["graph=file", "graph.n=0", "graph.path={tmp}/g.csv"]


def graph_refused(text: str, words: str) -> Callable[[Path], Result]:
    return with_file("g.csv", text, refused(GRAPH, "graph.path", words))


def many_narratives(tmp: Path) -> Result:
    """1,000 narratives: linear time, no pandas PerformanceWarning."""
    d = tmp / "cd" / "extra"  # a group of its own: an experiment would need -m
    d.mkdir(parents=True)
    body = "".join(
        f"    n{i}: {{side: home, truthful: true, appeal: 1.0, label: '#n{i}'}}\n"
        for i in range(1000)
    )
    (d / "many.yaml").write_text(f"# @package _global_\nworld:\n  narratives:\n{body}")
    t0 = time.perf_counter()
    p = sim([f"--config-dir={tmp / 'cd'}", *TINY, "+extra=many", f"hydra.run.dir={tmp}/r"], tmp)
    wall = time.perf_counter() - t0
    if (r := crashed(p)) is not None:
        return r
    if p.returncode != 0 or "PerformanceWarning" in p.stderr:
        return Result("message", f"exit {p.returncode}: {p.stderr.strip()[-150:]}")
    import json

    timing = json.loads((tmp / "r" / "timing.json").read_text())
    sim_s = timing["build_s"] + timing["run_s"]  # the model's own time, without composing
    if sim_s > 20:  # the quadratic step took 52 s here at 1,000 narratives
        return Result("message", f"1,000 narratives: {sim_s:.0f} s to build and run")
    return Result("ok", f"1,000 narratives: built and run in {sim_s:.1f} s (command {wall:.0f} s)")


def graph_file_real_size(tmp: Path) -> Result:
    """A 200k-edge file with graph.n=0 under a 0.5 GiB limit: refused once the file is read,
    or run within the limit."""
    n = 50_000
    lines = "".join(f"{i},{(i * 7 + j) % n}\n" for i in range(n) for j in (1, 2, 3, 4))
    (tmp / "g.csv").write_text("source,target\n" + lines)
    args = [
        *TINY,
        *[a.replace("{tmp}", str(tmp)) for a in GRAPH],
        "output.max_memory_gb=0.5",
        "mode=sir",
    ]
    before = peak_child_rss_gib()
    p = sim([*args, f"hydra.run.dir={tmp}/r"], tmp)
    if (r := crashed(p)) is not None:
        return r
    if p.returncode == 2 and p.stderr.strip().startswith("error: graph.path"):
        return Result("ok", p.stderr.strip()[:120])
    peak = peak_child_rss_gib()
    if p.returncode == 0 and (peak <= 0.5 or peak == before):
        return Result("ok", f"ran within the limit (peak RSS {peak:.2f} GiB)")
    return Result("silent", f"exit {p.returncode}, peak RSS {peak:.2f} GiB over 0.5")


def demo_port(tmp: Path) -> Result:
    p = subprocess.run(
        ["bash", str(ROOT / "demo.sh"), "--port", "70000"], capture_output=True, text=True
    )
    lines = p.stderr.strip().splitlines()
    ok = p.returncode == 2 and len(lines) == 1 and "out of range" in lines[0]
    return (crashed(p) or Result("message", p.stderr[-200:])) if not ok else Result("ok", lines[0])


def experiment_dir(tmp: Path, text: str) -> Path:
    d = tmp / "cd" / "experiment"
    d.mkdir(parents=True)
    (d / "mine.yaml").write_text(text)
    return d.parent


def extra_config_dir(form: str) -> Callable[[Path], Result]:
    def fn(tmp: Path) -> Result:
        cd = experiment_dir(tmp, "# @package _global_\nseed: 3\n")
        flag = {
            "=": [f"--config-dir={cd}"],
            "space": ["--config-dir", str(cd)],
            "searchpath": [f"hydra.searchpath=[file://{cd}]"],
        }[form]

        def seed3(out: Path) -> str:
            configs = list((out / "runs").glob("*/config.json"))
            import json

            ok = len(configs) == 1 and json.loads(configs[0].read_text())["seed"] == 3
            return "" if ok else "the experiment's seed was not applied"

        return runs_ok([*flag, *TINY, "+experiment=mine"], seed3, multirun=True)(tmp)

    return fn


def experiment_sweep_bad_value(tmp: Path) -> Result:
    cd = experiment_dir(
        tmp,
        "# @package _global_\nhydra:\n  sweeper:\n    params:\n"
        "      seed: 1,2\n      spread.beta: 0.2,9.0\n",
    )
    return refused_multirun([f"--config-dir={cd}", "+experiment=mine"], "spread.beta")(tmp)


def design_bad_point(tmp: Path) -> Result:
    d = tmp / "cd" / "doe"
    d.mkdir(parents=True)
    for i in range(40):
        beta = 3.0 if i == 17 else 0.1 + i / 200
        (d / f"pts_p{i:05d}.yaml").write_text(f"# @package _global_\nspread:\n  beta: {beta}\n")
    return refused_multirun([f"--config-dir={tmp / 'cd'}", "+doe=glob(pts_*)"], "spread.beta")(tmp)


def chdir_relative_graph(tmp: Path) -> Result:
    (tmp / "g.csv").write_text(EDGES)
    args = [*TINY, "graph=file", "graph.n=0", "graph.path=g.csv", "mode=sir"]

    def users60(out: Path) -> str:
        return "" if summary(out)["users"] == 60 else "another graph was read"

    return runs_ok([*args, "hydra.job.chdir=true"], users60)(tmp)


def dollar_label(tmp: Path) -> Result:
    args = [a for a in TINY if not a.startswith("output.figures")]

    def drawn(out: Path) -> str:
        ok = (out / "summary.json").is_file() and list((out / "figures").glob("*.png"))
        return "" if ok else "no summary or no figures"

    return runs_ok([*args, "world.narratives.home_claim.label=$5 bribe $x"], drawn)(tmp)


def dup_yaml_key(tmp: Path) -> Result:
    cd = experiment_dir(tmp, "# @package _global_\nseed: 1\nseed: 2\n")
    fn = refused_multirun([f"--config-dir={cd}", "+experiment=mine"], str(cd), "duplicate key")
    return fn(tmp)


C = Case
CASES: list[Case] = [
    C("study-cache-follows-rerun", "1", sw.study_cache_follows_rerun),
    C("replaced-graph-file-reruns", "2", sw.replaced_graph_file_reruns),
    C("torn-result-and-study-redone", "3", sw.torn_files_are_redone),
    C("reused-run-dir", "4", sw.reused_run_dir),
    C("two-runs-one-dir", "4", sw.two_runs_into_one_dir),
    C("empty-groups", "5", refused(["actors.groups={}"], "actors.groups")),
    C("empty-narratives", "5", refused(["world.narratives={}"], "world.narratives")),
    C("empty-communities", "5", refused(["population.communities={}"], "population.communities")),
    C(
        "horizon-1d-tick-168h",
        "6",
        refused(["world.horizon_days=1", "world.tick_hours=168"], "world.horizon_days"),
    ),
    C("horizon-0.0001d", "6", refused(["world.horizon_days=0.0001"], "world.horizon_days")),
    C(
        "graph-empty-community",
        "7",
        graph_refused("source,target,community\n0,1,intl_usa\n1,0,intl_usa\n", "no user is in"),
    ),
    C("graph-only-self-loops", "7", graph_refused("source,target\n0,0\n1,1\n2,2\n", "self-loops")),
    C(
        "window-after-horizon",
        "8",
        refused([*SHUTDOWN, "home.platform_shutdown.end_day=200"], "home.platform_shutdown"),
    ),
    C(
        "bot-accounts-memory",
        "memory",
        refused(
            [
                "graph.n=20000",
                "actors.groups.rival_bots.accounts=100000",
                "actors.groups.rival_bots.followers=1.0",
            ],
            "actors.groups",
            "GiB",
        ),
    ),
    C("graph-file-real-size", "memory", graph_file_real_size),
    C("1000-narratives", "memory", many_narratives),
    C("config-dir=", "precheck", extra_config_dir("=")),
    C("config-dir-space", "precheck", extra_config_dir("space")),
    C("hydra-searchpath", "precheck", extra_config_dir("searchpath")),
    C("config-name-nosuch", "precheck", refused(["--config-name=nosuch"], "--config-name")),
    C("experiment-sweep-bad-value", "precheck", experiment_sweep_bad_value),
    C("design-bad-middle-point", "precheck", design_bad_point),
    C(
        "swept-middle-value",
        "precheck",
        refused_multirun(["world.horizon_days=6,7.5,7.1,10"], "world.horizon_days"),
    ),
    C("sweeps-sharing-a-store", "precheck", sw.sweeps_sharing_a_store),
    C("chdir-relative-graph", "precheck", chdir_relative_graph),
    C(
        "run-dir-/dev/null",
        "traceback",
        refused(["hydra.run.dir=/dev/null"], "hydra.run.dir", "is a file"),
    ),
    C(
        "run-dir-inside-a-file",
        "traceback",
        with_file(
            "f.txt", "x", refused(["hydra.run.dir={tmp}/f.txt/run"], "hydra.run.dir", "is a file")
        ),
    ),
    C(
        "run-dir-/proc",
        "traceback",
        refused(["hydra.run.dir=/proc/sim-run"], "hydra.run.dir", "not writable"),
    ),
    C("run-dir-read-only", "traceback", read_only_dir(multirun=False)),
    C("sweep-dir-read-only", "traceback", read_only_dir(multirun=True)),
    C("run-dir-empty", "housekeeping", refused(["hydra.run.dir="], "hydra.run.dir", "is empty")),
    C("single-run-full-disk", "traceback", sw.single_run_on_a_full_tmpfs),
    C("sweep-store-full-disk", "traceback", sw.sweep_on_a_full_tmpfs),
    C("sweep-store-write-fails", "traceback", sw.sweep_store_write_fails),
    C("dollar-in-label", "traceback", dollar_label),
    C("demo-port-70000", "traceback", demo_port),
    C("interp-self", "messages", refused(["seed=${seed}"], "seed", "interpolation")),
    C("interp-env-home", "messages", refused(["graph.n=${oc.env:HOME}"], "graph.n")),
    C(
        "interp-env-unset",
        "messages",
        refused(["seed=${oc.env:NOPE_SIM_UNSET}"], "seed", "NOPE_SIM_UNSET"),
    ),
    C("tick-1e-300", "messages", refused(["world.tick_hours=1e-300"], "world.tick_hours")),
    C("tick-5e-324", "messages", refused(["world.tick_hours=5e-324"], "world.tick_hours")),
    C("home=5", "messages", refused(["home=5"], "home", "strategy@home=[name]")),
    C(
        "home.rapid_response=5",
        "messages",
        refused(["home.rapid_response=5"], "home.rapid_response"),
    ),
    C(
        "selected-strategy=5",
        "messages",
        refused(
            ["strategy@home=[rapid_response]", "home.rapid_response=5"],
            "home.rapid_response",
            "parameters",
        ),
    ),
    C(
        "side-named-seed",
        "messages",
        refused(["world.sides=[seed,rival]"], "world.sides", "top-level key"),
    ),
    C(
        "sides-named-graph-mode",
        "messages",
        refused(["world.sides=[graph,mode]"], "world.sides", "top-level key"),
    ),
    C(
        "graph-id-1e20",
        "messages",
        graph_refused("source,target\n0,1\n1,100000000000000000000\n", "too large"),
    ),
    C(
        "graph-id-2^64-1",
        "messages",
        graph_refused("source,target\n0,1\n1,18446744073709551615\n", "too large"),
    ),
    C("duplicated-yaml-key", "messages", dup_yaml_key),
    C(
        "duplicated-key-later-design-point",
        "messages",
        design_bad_yaml("spread:\n  beta: 0.2\nspread:\n  beta: 0.3\n", "duplicate key spread"),
    ),
    C(
        "malformed-later-design-point",
        "messages",
        design_bad_yaml("spread: {beta: [0.2\n", "line 3: expected ','"),
    ),
    C("killed-sweep-workers-and-resume", "housekeeping", sw.killed_sweep_resumes_and_workers_exit),
]
