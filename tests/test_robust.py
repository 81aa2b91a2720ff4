"""The robust-decision study (sim.robust): its checked config, the workbench model it
declares, runs through the sweep store equal to plain runs, PRIM on a planted box, regret on
a table worked by hand."""

from __future__ import annotations

import dataclasses
import os
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim.robust  # noqa: F401  (quiets the workbench's import notice)
from sim.config.schema import SpreadConfig
from sim.errors import ConfigError
from sim.robust.discovery import cart_boxes, clauses, fails, prim_box
from sim.robust.intervals import mcnemar_p, quantile_ci, share_ci, versus_top
from sim.robust.launch import launcher_args
from sim.robust.robustness import holds, ranking, regret, table
from sim.robust.schema import OutcomeConfig
from sim.robust.space import build, key, lever_sets, member_of, overrides, workbench_model
from sim.robust.study import load

ROOT = Path(__file__).resolve().parent.parent
TINY = [
    "scenarios=2",
    "seeds=1",
    "jobs=1",
    "base=[graph.n=300,world.horizon_days=5]",
    "uncertainties.params=[spread.beta,spread.forget]",
    "levers.budgets={rapid_response: 600}",
    "levers.settings=[]",
    "levers.sets={nothing: {}, rapid: {rapid_response.budget: 600}}",
    "outcomes.defence=rapid",
]


def test_default_study_loads_and_every_declared_name_reaches_the_workbench() -> None:
    cfg = load("default", [])
    space = build(cfg, ROOT)
    model = workbench_model(space, lambda **kw: {})
    unc = [p.name for p in model.uncertainties]
    assert [key(u) for u in unc] == [*cfg.uncertainties.params, "rival.tactics", "rival.intensity"]
    assert all(u.isidentifier() for u in unc)  # the workbench requires identifiers
    levers = [key(p.name) for p in model.levers]
    assert levers == [f"home.{s}.budget" for s in cfg.levers.budgets] + [
        f"home.{k}" for k in cfg.levers.settings
    ]
    assert [o.name for o in model.outcomes] == ["cost", "misinformation", "support"]
    # ranges come from the declarations, not restated in the study
    beta = {f.name: f for f in dataclasses.fields(SpreadConfig)}["beta"].metadata["plausible"]
    p = model.uncertainties["spread__beta"]
    assert (p.lower_bound, p.upper_bound) == beta
    assert list(model.uncertainties["rival__tactics"].categories.keys()) == list(
        cfg.uncertainties.rival.tactics
    )
    assert [s.name for s in lever_sets(space)] == list(cfg.levers.sets)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("uncertainties.parms=[spread.beta]", "robust.uncertainties.parms"),
        ("scenarios=many", "robust.scenarios"),
        ("seeds=0", "robust.seeds"),
        ("outcomes.reach_threshold=1.5", "robust.outcomes.reach_threshold"),
        ("uncertainties.params=[world.support_threshold]", "robust.uncertainties.params"),
        ("uncertainties.params=[spread.betta]", "spread.betta"),
        ("levers.budgets={bot_flooding: 100}", "robust.levers.budgets"),
        ("levers.budgets={rapid_respons: 100}", "robust.levers.budgets"),
        (
            "uncertainties.rival.tactics={x: [deception, nosuch]}",
            "robust.uncertainties.rival.tactics.x",
        ),
        ("uncertainties.rival.tactics={only: []}", "robust.search.reference_tactics"),
        ("uncertainties.rival.intensity=[2,1]", "robust.uncertainties.rival.intensity"),
        (
            "uncertainties.ranges={spread.beta: [0.1, 1.5]}",
            "robust.uncertainties.ranges.spread.beta",
        ),
        (
            "levers.sets={a: {rapid_response.budget: -1}}",
            "robust.levers.sets.a.rapid_response.budget",
        ),
        (
            "levers.sets={a: {rapid_response.quality: 0.5}}",
            "robust.levers.sets.a.rapid_response.quality",
        ),
        ("outcomes.defence=nobody", "robust.outcomes.defence"),
        ("search.epsilons=[1,2]", "robust.search.epsilons"),
        ("launcher=slurm", "robust.launcher"),
        ("launcher_overrides=[seed=3]", "robust.launcher_overrides"),
        ("target_halfwidth=0", "robust.target_halfwidth"),
    ],
)
def test_bad_study_values_name_the_key(override: str, key: str) -> None:
    with pytest.raises(ConfigError) as e:
        load("default", [override])
    assert e.value.key == key, e.value.line()


def test_cli_refuses_a_bad_study_with_one_line() -> None:
    r = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / "robust.py"), "seeds=0"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "error: robust.seeds: 0 is out of range; allowed: an integer >= 1"
    ]


def test_overrides_of_a_point() -> None:
    space = build(load("default", []), ROOT)
    point = {
        "spread__beta": 0.3,
        "rival__tactics": "flooding",
        "rival__intensity": 1.5,
        **dict(lever_sets(space)[2]),  # rapid_2h
    }
    ovs = overrides(space, point, 7)
    assert "spread.beta=0.3" in ovs
    assert "strategy@rival=[bot_flooding]" in ovs
    assert "rival.bot_flooding.budget=600.0" in ovs  # 1.5 x its default 400
    assert "strategy@home=[rapid_response]" in ovs  # budget-0 strategies are not selected
    assert "home.rapid_response.delay_hours=2.0" in ovs
    assert ovs[-1] == "seed=7"


def test_an_ensemble_file_becomes_an_uncertainty(tmp_path: Path) -> None:
    f = tmp_path / "ensemble.parquet"
    pd.DataFrame({"spread.beta": [0.1, 0.2, 0.3], "weight": [0.0, 3.0, 1.0]}).to_parquet(f)
    space = build(load("default", [f"uncertainties.ensemble.path={f}"]), ROOT)
    names = [p.name for p in space.uncertainties]
    assert "ensemble__draw" in names and "spread__beta" not in names  # the member sets it
    assert member_of(space, 0.1) == {"spread.beta": 0.2}  # weight 0: never drawn
    assert member_of(space, 0.8) == {"spread.beta": 0.3}
    point = {"ensemble__draw": 0.5, "rival__tactics": "none", "rival__intensity": 1.0}
    assert "spread.beta=0.2" in overrides(space, point, 0)
    missing = build(load("default", [f"uncertainties.ensemble.path={tmp_path / 'no.csv'}"]), ROOT)
    assert "ensemble__draw" not in [p.name for p in missing.uncertainties]


def test_sweep_evaluator_equals_the_plain_model_and_resumes(tmp_path: Path) -> None:
    """The workbench's own evaluator running the plain model function and the sweep-store
    evaluator give the same experiments and outcomes; a second pass runs nothing new."""
    import functools

    from ema_workbench import SequentialEvaluator, perform_experiments

    from sim.robust.evaluator import SweepEvaluator, run_point
    from sim.robust.pipeline import scenarios
    from sim.sweep import load_study

    space = build(load("default", TINY), ROOT)
    model = workbench_model(space, functools.partial(run_point, space))
    scen, pols = scenarios(space), lever_sets(space)
    plain_x, plain_y = perform_experiments(
        model, scenarios=scen, policies=pols, evaluator=SequentialEvaluator(model)
    )
    store = tmp_path / "_runs"
    with SweepEvaluator(model, space, store, jobs=1) as ev:
        x, y = perform_experiments(model, scenarios=scen, policies=pols, evaluator=ev)
    pd.testing.assert_frame_equal(x, plain_x)
    for k in plain_y:
        np.testing.assert_array_equal(y[k], plain_y[k])
    assert len(load_study(store)) == 4
    assert y["cost"][x["policy"] == "rapid"].min() > 0  # the lever reached the runs
    finished = sorted(p.name for p in (store / "runs").iterdir())
    with SweepEvaluator(model, space, store, jobs=2) as ev:
        _, again = perform_experiments(model, scenarios=scen, policies=pols, evaluator=ev)
    assert sorted(p.name for p in (store / "runs").iterdir()) == finished
    for k in y:
        np.testing.assert_array_equal(again[k], y[k])
    # the plain sweep (python -m sim -m) over the same points stores the same rows
    from sim.sweep.store import metric_columns

    plain = tmp_path / "plain"
    for i in (0, 3):
        ovs = overrides(space, {**dict(scen[i // 2]), **dict(pols[i % 2])}, 0)
        r = subprocess.run(
            [sys.executable, "-m", "sim", "-m", f"hydra.sweep.dir={plain}", *ovs],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert r.returncode == 0, r.stderr[-2000:]
    ours, theirs = load_study(store), load_study(plain)
    merged = theirs.merge(ours, on="prov.config_hash", suffixes=("", "_ours"))
    assert len(merged) == 2  # the same configs (hashes), hence the same runs
    for c in metric_columns(theirs):
        assert merged[c].astype(str).tolist() == merged[f"{c}_ours"].astype(str).tolist(), c


def test_prim_and_cart_find_a_planted_box() -> None:
    rng = np.random.default_rng(3)
    n = 600
    x = pd.DataFrame(
        {
            "a": rng.random(n),
            "b": rng.random(n),
            "c": rng.random(n),
            "tactics": pd.Categorical(rng.choice(["none", "flood", "all"], n)),
        }
    )
    y = ((x["a"] > 0.6) & (x["b"] < 0.4) & x["tactics"].isin(["flood", "all"])).to_numpy()
    box = prim_box(x, y)
    assert box is not None
    assert set(box.limits) == {"a", "b", "tactics"}
    assert box.limits["a"][0] == pytest.approx(0.6, abs=0.05) and box.limits["a"][1] is None
    assert box.limits["b"][1] == pytest.approx(0.4, abs=0.05) and box.limits["b"][0] is None
    assert box.limits["tactics"] == {"flood", "all"}
    assert box.coverage > 0.8 and box.density > 0.8
    assert "tactics is one of all, flood" in clauses(box)
    cart = cart_boxes(x, y)
    assert cart and cart[0].density > 0.8 and cart[0].coverage > 0.3
    assert {"a", "b"} <= set(cart[0].limits)
    # the densest leaf keeps out the tactic set that never fails
    said = " and ".join(clauses(cart[0]))
    assert any(f"tactics is {t}" in said for t in ("all", "flood", "not none")), said
    assert prim_box(x, np.zeros(n, bool)) is None


def test_regret_and_satisficing_on_a_hand_computed_table() -> None:
    # scenario s1: A (mis 0.02, sup 0.40), B (0.06, 0.45), C (0.04, 0.30)
    # scenario s2: A (0.08, 0.36), B (0.03, 0.38), C (0.05, 0.50)
    experiments = pd.DataFrame(
        {"scenario": ["s1", "s1", "s1", "s2", "s2", "s2"], "policy": list("ABC") * 2}
    )
    outcomes = {
        "cost": np.array([10.0, 20, 30, 10, 20, 30]),
        "misinformation": np.array([0.02, 0.06, 0.04, 0.08, 0.03, 0.05]),
        "support": np.array([0.40, 0.45, 0.30, 0.36, 0.38, 0.50]),
    }
    tab = table(experiments, outcomes)
    mis = regret(tab, "misinformation")
    assert mis.loc["s1"].to_dict() == pytest.approx({"A": 0.0, "B": 0.04, "C": 0.02})
    assert mis.loc["s2"].to_dict() == pytest.approx({"A": 0.05, "B": 0.0, "C": 0.02})
    sup = regret(tab, "support")
    assert sup.loc["s1"].to_dict() == pytest.approx({"A": 0.05, "B": 0.0, "C": 0.15})
    assert sup.loc["s2"].to_dict() == pytest.approx({"A": 0.14, "B": 0.12, "C": 0.0})
    o = OutcomeConfig(reach_threshold=0.05, support_level=0.35, defence="A")
    # holds: A in s1 only; B in s2 only; C in s2 only (0.05 is not above 0.05)
    np.testing.assert_array_equal(fails(outcomes, o), [False, True, True, True, False, False])
    r = ranking(tab, o, quantile=1.0).set_index("policy")
    assert r["satisficing"].to_dict() == {"A": 0.5, "B": 0.5, "C": 0.5}
    assert r.loc["A", "misinformation_regret_max"] == pytest.approx(0.05)
    assert r.loc["C", "support_regret_max"] == pytest.approx(0.15)
    # equal shares: ranked by the worse scaled worst-case regret (A: max(0.05/0.05,
    # 0.14/0.15) = 1, B: max(0.8, 0.8) = 0.8, C: max(0.4, 1) = 1), then by cost
    assert list(r.sort_values("rank").index) == ["B", "A", "C"]
    lo, hi = share_ci(5, 10)  # Wilson's interval, as published for 5 of 10
    assert (round(float(lo), 4), round(float(hi), 4)) == (0.2366, 0.7634)
    assert holds(tab, o).to_dict() == {
        "A": {"s1": 1.0, "s2": 0.0},
        "B": {"s1": 0.0, "s2": 1.0},
        "C": {"s1": 0.0, "s2": 1.0},
    }
    # two scenarios are too few to resample: no interval rather than a meaningless one
    assert r[["misinformation_regret_q_lo", "support_regret_q_hi"]].isna().all().all()
    from sim.rng import stream

    lo_m, hi_m = quantile_ci(np.arange(100.0), 0.5, stream(0, "test"))
    assert lo_m < 49.5 < hi_m and 10 < hi_m - lo_m < 30  # the median's +-1.96 x 5 ranks


def test_the_karabakh2020_study_composes_with_a_synthetic_ensemble(tmp_path: Path) -> None:
    """The 2020 study keeps the scenario's own shutdowns on both sides and takes the
    ensemble's members as run values; every lever set composes into a valid run."""
    from sim.robust.evaluator import check_points
    from sim.robust.pipeline import precheck, scenarios

    f = tmp_path / "ensemble.csv"  # the layout of results/karabakh2020/ensemble.csv
    pd.DataFrame(
        {
            "member": [0, 1],
            "weight": [0.4, 0.6],
            "spread.beta": [0.1, 0.2],
            "home.platform_shutdown.vpn_share": [0.3, 0.5],
        }
    ).to_csv(f, index=False)
    space = build(load("karabakh2020", [f"uncertainties.ensemble.path={f}", "scenarios=2"]), ROOT)
    scen, pols = scenarios(space), lever_sets(space)
    precheck(space, scen, pols)  # raises ConfigError on a bad point
    ovs = overrides(space, {**dict(scen[0]), **dict(pols[1])}, 0)
    assert "strategy@home=[platform_shutdown,rapid_response]" in ovs
    assert any(o.startswith("strategy@rival=[platform_shutdown") for o in ovs)
    assert any(o.startswith("home.platform_shutdown.vpn_share=") for o in ovs)
    assert not any(o.startswith(("member=", "weight=")) for o in ovs)
    check_points(space, [{**dict(scen[1]), **dict(pols[0])}])


def test_report_from_planted_outcomes(tmp_path: Path) -> None:
    """The analysis and the brief on made-up outcomes: misinformation crosses the target
    exactly where spread.beta > 0.3, so the findings must say so, with the figures."""
    from sim.robust.pipeline import analyse
    from sim.robust.report import write

    space = build(load("default", []), ROOT)
    rng = np.random.default_rng(5)
    n = 40
    scen = pd.DataFrame(
        {p.name: rng.uniform(p.lower_bound, p.upper_bound, n) for p in space.uncertainties[:-2]}
    )
    scen["rival__tactics"] = rng.choice(list(space.cfg.uncertainties.rival.tactics), n)
    scen["rival__intensity"] = rng.uniform(0.5, 2.0, n)
    pols = [*lever_sets(space), *lever_sets(space)[:1]]
    pols[-1].name = "pareto_1"
    rows = []
    for p in pols:
        for i in range(n):
            rows.append(
                {**scen.iloc[i].to_dict(), **dict(p), "scenario": f"s{i:04d}", "policy": p.name}
            )
    experiments = pd.DataFrame(rows).assign(model="infowar")
    high = (experiments["spread__beta"] > 0.3).to_numpy()
    outcomes = {
        "cost": np.where(experiments["policy"] == "nothing", 0.0, 100.0),
        "misinformation": np.where(high, 0.06, 0.01) + rng.uniform(0, 0.001, len(rows)),
        "support": np.full(len(rows), 0.39),
    }
    names = [p.name for p in space.levers]
    front = pd.DataFrame(
        [{**dict(pols[1]), "cost": 100.0, "misinformation": 0.01, "support": 0.39}]
    )
    front = front[[*names, "cost", "misinformation", "support"]]
    study = analyse(space, experiments, outcomes, front, runs=len(rows), minutes=1.0)
    assert study.prim is not None and set(study.prim.limits) == {"spread__beta"}
    assert study.prim.limits["spread__beta"][0] == pytest.approx(0.3, abs=0.03)
    text = write(study, tmp_path, "").read_text()
    assert "## Findings" in text and "`spread.beta` (base belief probability" in text
    assert f"`rapid_response` fails in {int(high[:n].sum())} of {n} scenarios" in text
    assert {"prim_pairs.png", "regret.png", "pareto.png"} <= {p.name for p in tmp_path.iterdir()}
    assert "## Can the sample tell the policies apart?" in text and "## Sample size" in text
    assert f"**Recommended: `scenarios={study.sizing.recommended}`**" in text
    # every command under Reproduce is a valid study (the cluster ones included)
    commands = [ln for ln in text.splitlines() if ln.startswith("scripts/python experiments/")]
    launchers = set()
    for line in commands:
        args = shlex.split(line.split("   #")[0])[2:]
        cfg = load("default", args)
        launchers.add(cfg.launcher)
        if cfg.launcher != "pool":
            assert launcher_args(cfg)[0] == f"hydra/launcher={cfg.launcher}"
    assert launchers == {"pool", "submitit_slurm", "ray"}


def test_a_summary_key_that_does_not_exist_comes_back_as_one_line(tmp_path: Path) -> None:
    from sim.robust.evaluator import _evaluate

    space = build(load("default", TINY), ROOT)
    point = {"rival__tactics": "none", "rival__intensity": 1.0, **dict(lever_sets(space)[0])}
    with pytest.raises(RuntimeError) as e:
        _evaluate(overrides(space, point, 0), tmp_path, ["misinformation.nope.peak"])
    assert str(e.value).startswith("error: robust.outcomes: the run summary has no key")


def test_the_top_policy_against_the_others_paired_by_scenario() -> None:
    """A planted table: `twin` holds exactly where `top` does, `weak` fails in 12 of the 40
    scenarios where `top` holds, `close` in 1; regret is planted the same way."""
    n = 40
    sc = [f"s{i:02d}" for i in range(n)]
    weak = np.ones(n)
    weak[:12] = 0
    close = np.ones(n)
    close[0] = 0
    ok = pd.DataFrame({"top": np.ones(n), "twin": np.ones(n), "weak": weak, "close": close}, sc)
    base = np.linspace(0, 0.01, n)
    mis = pd.DataFrame({"top": base, "twin": base, "weak": base + 0.05, "close": base}, sc)
    sup = pd.DataFrame({k: np.zeros(n) for k in ok}, sc)
    v = versus_top(ok, {"misinformation": mis, "support": sup}, list(ok), 0.9, 0)
    v = v.set_index("policy")
    from scipy.stats import binomtest

    # McNemar's exact test is the two-sided binomial test on the discordant scenarios
    assert mcnemar_p(ok["top"], ok["weak"]) == pytest.approx(binomtest(0, 12).pvalue)
    assert v.loc["weak", "only_top"] == 12 and v.loc["weak", "only_policy"] == 0
    assert v.loc["weak", "sat_diff"] == pytest.approx(-0.3)
    assert v.loc["weak", "sat_diff_hi"] < 0 and v.loc["weak", "misinformation_diff_lo"] > 0
    assert v.loc["weak", "by"] == "satisficing, misinformation regret"
    assert v.loc["twin", "sat_diff_lo"] == v.loc["twin", "sat_diff_hi"] == 0
    assert not v.loc["twin", "separated"] and not v.loc["close", "separated"]
    assert v.loc["close", "mcnemar_p_holm"] == 1.0  # one discordant scenario proves nothing
    # the same seed gives the same intervals (named streams)
    again = versus_top(ok, {"misinformation": mis, "support": sup}, list(ok), 0.9, 0)
    pd.testing.assert_frame_equal(again.set_index("policy"), v)


def test_sample_size_from_a_pilot() -> None:
    from sim.robust.sizing import halfwidth, scenarios_for_halfwidth, scenarios_to_separate, size

    n = scenarios_for_halfwidth(0.5, 0.05)
    assert halfwidth(0.5, n)[0] <= 0.05 < halfwidth(0.5, n - 1)[0]
    assert 370 <= n <= 390  # the textbook 1.96^2 / (4 * 0.05^2) = 384
    top, other = np.ones(100), np.ones(100)
    other[:10] = 0  # a paired difference of 0.1 with sd 0.3: z-approx ((1.96 + 0.84) / 0.33)^2
    assert 70 <= (scenarios_to_separate(top, other) or 0) <= 76
    assert scenarios_to_separate(top, top) is None
    z = size({"best": top, "nothing": other, "mid": top}, ["best", "mid", "nothing"], 0.05)
    assert z.against == "nothing" and z.pilot == 100 and z.share == 1.0
    assert z.recommended == max(100, z.for_halfwidth, z.to_separate or 0)


def _launched_equals_pool(tmp_path: Path, launcher: str) -> None:
    """The design run on a Hydra launcher (one multirun of the points sweeper) gives the
    same outcomes, the same run hashes and the same stored rows as the pool path."""
    import functools

    from ema_workbench import perform_experiments

    from sim.robust.evaluator import SweepEvaluator, run_point
    from sim.robust.pipeline import scenarios
    from sim.sweep import load_study
    from sim.sweep.store import deterministic_columns

    got = {}
    for name in ("pool", launcher):
        space = build(load("default", [*TINY, "scenarios=1", "jobs=2", f"launcher={name}"]), ROOT)
        model = workbench_model(space, functools.partial(run_point, space))
        with SweepEvaluator(model, space, tmp_path / name, jobs=2) as ev:
            x, y = perform_experiments(
                model, scenarios=scenarios(space), policies=lever_sets(space), evaluator=ev
            )
        got[name] = (x, y, load_study(tmp_path / name))
    (px, py, pdf), (lx, ly, ldf) = got["pool"], got[launcher]
    pd.testing.assert_frame_equal(px, lx)
    for k in py:
        np.testing.assert_array_equal(py[k], ly[k])
    assert py["cost"][px["policy"] == "rapid"].min() > 0  # the lever reached the runs
    hashes = sorted(pdf["prov.config_hash"])
    assert hashes == sorted(ldf["prov.config_hash"]) and len(hashes) == 2
    for h in hashes:  # each stored row, as written, outside its provenance
        rows = [pd.read_parquet(tmp_path / n / "runs" / h / "result.parquet") for n in got]
        cols = deterministic_columns(rows[0])
        pd.testing.assert_frame_equal(rows[0][cols], rows[1][cols])
    assert len(list((tmp_path / launcher / "points").glob("*.json"))) == 1


def test_hydra_joblib_launcher_equals_the_pool(tmp_path: Path) -> None:
    _launched_equals_pool(tmp_path, "joblib")


@pytest.mark.slow
@pytest.mark.parametrize("launcher", ["submitit_local", "ray"])
def test_cluster_launchers_equal_the_pool(tmp_path: Path, launcher: str) -> None:
    _launched_equals_pool(tmp_path, launcher)


def test_launcher_arguments_and_a_failed_run_as_one_line(tmp_path: Path) -> None:
    cfg = load("default", ["launcher=ray", "jobs=8"])
    assert launcher_args(cfg) == ["hydra/launcher=ray", "hydra.launcher.ray.init.num_cpus=8"]
    cfg = load(
        "default", ["launcher=ray", "launcher_overrides=[hydra.launcher.ray.init.address=auto]"]
    )
    assert launcher_args(cfg) == ["hydra/launcher=ray", "hydra.launcher.ray.init.address=auto"]
    cfg = load(
        "default",
        ["launcher=submitit_slurm", "jobs=64", "launcher_overrides=[hydra.launcher.partition=cpu]"],
    )
    assert launcher_args(cfg) == [
        "hydra/launcher=submitit_slurm",
        "hydra.launcher.array_parallelism=64",
        "hydra.launcher.partition=cpu",
    ]
    from hydra_plugins.infowar_sweeper.points_sweeper import read_points

    bad = tmp_path / "points.json"
    bad.write_text('{"a": 1}')
    with pytest.raises(ValueError, match="JSON list of override lists"):
        read_points(str(bad))


K2020_ENSEMBLE = ROOT / "results" / "karabakh2020" / "ensemble.csv"
K2020_TINY = [
    "scenarios=2",
    "seeds=1",
    "base=[world.scale=0.0002]",  # the whole war: its dated events need all 45 days
    "search.nfe=4",
    "search.population=2",
    "search.max_pareto=1",
    "levers.sets={nothing: {}, rapid_24h: {rapid_response.budget: 600}}",
]


def test_every_member_of_the_karabakh2020_ensemble_composes() -> None:
    """The committed calibration is the study's ensemble uncertainty: each of its members,
    with each rival tactic set, is a valid run of the 2020 scenario."""
    from sim.robust.evaluator import check_points
    from sim.robust.pipeline import scenarios

    assert K2020_ENSEMBLE.is_file()
    space = build(load("karabakh2020", K2020_TINY), ROOT)
    assert space.ensemble is not None and len(space.ensemble) == len(pd.read_csv(K2020_ENSEMBLE))
    assert "ensemble__draw" in [p.name for p in space.uncertainties]
    first, sets = dict(scenarios(space)[0]), lever_sets(space)
    cdf = np.cumsum(space.ensemble["weight"].to_numpy())
    draws = np.concatenate([[0.0], cdf[:-1]]) + 1e-9  # the start of each member's weight
    tactics = list(space.cfg.uncertainties.rival.tactics)
    points = [
        {**first, **dict(sets[i % 2]), "ensemble__draw": d, "rival__tactics": tactics[i % 4]}
        for i, d in enumerate(draws)
        if cdf[i] > (cdf[i - 1] if i else 0)  # members of weight 0 are never drawn
    ]
    check_points(space, points)


@pytest.mark.slow
def test_karabakh2020_study_end_to_end_on_a_tiny_design(tmp_path: Path) -> None:
    cmd = [sys.executable, "experiments/robust.py", "--study", "karabakh2020"]
    r = subprocess.run(
        [*cmd, "--out", str(tmp_path), *K2020_TINY],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    text = (tmp_path / "report.md").read_text()
    assert "`scenario=karabakh2020`" in text and "`ensemble.draw`" in text
    table = pd.read_csv(tmp_path / "experiments.csv")
    assert set(table["policy"]) >= {"nothing", "rapid_24h", "pareto_1"}
    assert table["ensemble__draw"].between(0, 1).all() and len(table) == 6


def test_whole_number_parameters_are_sampled_as_integers():
    """A field declared int (spread.attention, a strategy's translation capacity) becomes an
    integer workbench parameter over its plausible range, so no run gets 2.7 languages."""
    from ema_workbench import IntegerParameter, RealParameter

    from sim.robust.space import _numeric

    att = _numeric("a", "spread.attention", (2.5, 40.0))
    assert isinstance(att, IntegerParameter) and (att.lower_bound, att.upper_bound) == (3, 40)
    beta = _numeric("b", "spread.beta", (0.01, 0.2))
    assert isinstance(beta, RealParameter)
    cap = _numeric("c", "home.rapid_response.translation_capacity", (0, 6))
    assert isinstance(cap, IntegerParameter)
