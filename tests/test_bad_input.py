"""Bad input costs one clear line, never a traceback (issue 9, "Bad input").

Every case must end with exit code 2, exactly one line on stderr that names the key (or
file) and says what is allowed, no traceback, and no ``summary.json`` (the marker of a
finished run). All cases run in-process through the functions ``python -m sim`` uses; a
representative subset also runs as real subprocesses, and every case does under ``-m slow``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from clirun import TINY, run_inprocess, run_subprocess

# (id, overrides, key named in the line, fragment that says what is allowed)
CASES: list[tuple[str, list[str], str, str]] = [
    # unknown keys and groups
    ("unknown-key", ["graph.nn=5"], "graph.nn", "did you mean 'n'"),
    ("unknown-top-key", ["+grap.n=5"], "grap", "did you mean 'graph'"),
    ("unknown-top-key-plain", ["wrold.horizon_days=3"], "wrold", "did you mean 'world'"),
    ("unknown-added-key", ["+output.dir=../x"], "output.dir", "allowed: figures"),
    (
        "unknown-nested-key",
        ["world.narratives.home_claim.apeal=2"],
        "world.narratives.home_claim.apeal",
        "did you mean 'appeal'",
    ),
    ("unknown-spread-key", ["spread.betta=0.1"], "spread.betta", "did you mean 'beta'"),
    ("unknown-group-option", ["graph=socal"], "graph", "did you mean 'social'"),
    ("unknown-population-option", ["population=nope"], "population", "allowed: default"),
    (
        "unknown-hydra-launcher",
        ["hydra/launcher=jobllib"],
        "hydra/launcher",
        "did you mean 'joblib'",
    ),
    (
        "audience-own-without-side",
        ["population.communities.intl_usa.audience=own"],
        "population.communities.intl_usa.audience",
        "needs population.communities.intl_usa.side",
    ),
    (
        "audience-contested-with-side",
        ["population.communities.home_domestic.audience=contested"],
        "population.communities.home_domestic.audience",
        "allowed here: own or auto",
    ),
    (
        "unknown-mapping-entry",
        ["population.communities.intl_usa.languages={xx:1.0}"],
        "population.communities.intl_usa.languages.xx",
        "leading '+'",
    ),
    (
        "new-named-entry",
        ["+world.narratives.ghost.side=home"],
        "world.narratives.ghost",
        "YAML file",
    ),
    # wrong types
    ("type-int", ["graph.n=abc"], "graph.n", "allowed: an integer"),
    ("type-int-float", ["graph.n=1e4"], "graph.n", "allowed: an integer"),
    ("type-seed-float", ["seed=1.5"], "seed", "allowed: an integer"),
    ("type-seed-bool", ["seed=true"], "seed", "allowed: an integer"),
    ("type-float", ["spread.beta=high"], "spread.beta", "allowed: a number"),
    ("type-bool", ["output.figures=maybe"], "output.figures", "allowed: true or false"),
    ("type-list", ["world.sides=home"], "world.sides", "allowed: a list"),
    ("type-attention-float", ["spread.attention=2.5"], "spread.attention", "allowed: an integer"),
    ("override-grammar", ["seed=["], "override", "'['"),
    # out of range
    (
        "negative-rate",
        ["actors.groups.rival_bots.posts_per_day=-1"],
        "actors.groups.rival_bots.posts_per_day",
        "allowed: a number in [0",
    ),
    ("negative-prob", ["spread.beta=-0.1"], "spread.beta", "allowed: a probability in [0, 1]"),
    ("prob-above-1", ["spread.gamma=1.5"], "spread.gamma", "allowed: a probability in [0, 1]"),
    (
        "bool-given-number",
        ["world.narratives.home_claim.truthful=3"],
        "world.narratives.home_claim.truthful",
        "allowed: true or false",
    ),
    ("bool-given-word", ["output.figures=yes"], "output.figures", "allowed: true or false"),
    (
        "moderation-above-1",
        ["actors.groups.rival_bots.moderation_per_day=1.5"],
        "actors.groups.rival_bots.moderation_per_day",
        "allowed: a probability",
    ),
    (
        "trust-above-1",
        ["population.trust.state=2"],
        "population.trust.state",
        "allowed: a probability",
    ),
    ("zero-users", ["graph.n=0"], "graph.n", "allowed: an integer >= 2"),
    ("zero-horizon", ["world.horizon_days=0"], "world.horizon_days", "allowed: a number in (0"),
    (
        "infinite-horizon",
        ["world.horizon_days=inf"],
        "world.horizon_days",
        "allowed: a number in (0",
    ),
    (
        "negative-tick",
        ["world.tick_hours=-1"],
        "world.tick_hours",
        "allowed: a number in [0.01, 168]",
    ),
    ("zero-attention", ["spread.attention=0"], "spread.attention", "allowed: an integer >= 1"),
    ("nan-prob", ["spread.forget=nan"], "spread.forget", "allowed: a probability"),
    ("negative-seed", ["seed=-1"], "seed", "allowed: an integer in [0"),
    ("huge-seed", ["seed=99999999999999999999"], "seed", "allowed: an integer in [0"),
    ("zero-degree", ["graph.mean_degree=0"], "graph.mean_degree", "allowed: a number in (0"),
    (
        "appeal-too-high",
        ["world.narratives.rival_fake.appeal=9"],
        "world.narratives.rival_fake.appeal",
        "allowed: a number in [0, 5]",
    ),
    (
        "zero-activity",
        ["population.communities.home_domestic.activity=0"],
        "population.communities.home_domestic.activity",
        "allowed: a number in (0, 1]",
    ),
    (
        "negative-accounts",
        ["actors.groups.rival_bots.accounts=-3"],
        "actors.groups.rival_bots.accounts",
        "allowed: an integer in [0",
    ),
    (
        "start-after-horizon",
        ["world.narratives.rival_fake.start_day=100"],
        "world.narratives.rival_fake.start_day",
        "allowed: a number in [0",
    ),
    # inconsistent worlds
    (
        "narrative-missing-side",
        ["world.narratives.home_fake.side=neutral"],
        "world.narratives.home_fake.side",
        "allowed: home, rival",
    ),
    (
        "debunk-itself",
        ["world.narratives.debunk_rival_fake.debunks=debunk_rival_fake"],
        "world.narratives.debunk_rival_fake.debunks",
        "allowed: home_claim",
    ),
    (
        "debunk-missing-narrative",
        ["world.narratives.debunk_rival_fake.debunks=rival_fak"],
        "world.narratives.debunk_rival_fake.debunks",
        "did you mean 'rival_fake'",
    ),
    (
        "community-speaks-nothing",
        ["population.communities.intl_usa.languages={en:0,fr:0}"],
        "population.communities.intl_usa.languages",
        "give at least one of",
    ),
    (
        "community-unknown-language",
        ["+population.communities.intl_usa.languages.xx=1.0"],
        "population.communities.intl_usa.languages",
        "allowed: az",
    ),
    (
        "embassy-host-no-audience",
        ["actors.groups.home_embassy.languages=[hy]"],
        "actors.groups.home_embassy.hosts",
        "add one of",
    ),
    (
        "embassy-host-no-platform",
        ["actors.groups.home_embassy.platforms=[telegram]"],
        "actors.groups.home_embassy.hosts",
        "add one of",
    ),
    (
        "shares-not-one",
        ["population.communities.home_domestic.share=0.5"],
        "population.communities",
        "must sum to 1",
    ),
    (
        "host-missing-community",
        ["actors.groups.home_ngo.hosts=[mars]"],
        "actors.groups.home_ngo.hosts",
        "allowed: home_domestic",
    ),
    (
        "actor-missing-narrative",
        ["actors.groups.home_ministry.narratives=[home_clam]"],
        "actors.groups.home_ministry.narratives",
        "did you mean 'home_claim'",
    ),
    ("duplicate-sides", ["world.sides=[home,home]"], "world.sides", "distinct names"),
    ("three-sides", ["world.sides=[home,rival,third]"], "world.sides", "exactly 2 distinct names"),
    (
        "community-missing-side",
        ["population.communities.home_domestic.side=homeland"],
        "population.communities.home_domestic.side",
        "did you mean 'home'",
    ),
    (
        "actor-kind",
        ["actors.groups.home_embassy.kind=embasy"],
        "actors.groups.home_embassy.kind",
        "did you mean 'embassy'",
    ),
    (
        "community-kind",
        ["population.communities.intl_usa.kind=intl"],
        "population.communities.intl_usa.kind",
        "allowed: domestic",
    ),
    # unknown strategy, scenario and mode names
    (
        "unknown-strategy",
        ["strategy@home=[rapid_responce]"],
        "strategy",
        "did you mean 'rapid_response'",
    ),
    (
        "strategy-param-range",
        ["strategy@home=[rapid_response]", "home.rapid_response.delay_hours=-2"],
        "home.rapid_response.delay_hours",
        "allowed",
    ),
    (
        "strategy-param-unknown",
        ["strategy@home=[rapid_response]", "+home.rapid_response.delay=2"],
        "home.rapid_response.delay",
        "did you mean 'delay_hours'",
    ),
    ("strategy-wrong-side", ["strategy@home=[bot_flooding]"], "strategy@home", "rival side only"),
    (
        "strategy-unknown-platform",
        ["strategy@home=[platform_shutdown]", "home.platform_shutdown.platforms=[myspace]"],
        "home.platform_shutdown.platforms",
        "allowed: twitter",
    ),
    (
        "strategy-negative-budget",
        ["strategy@home=[rapid_response]", "home.rapid_response.budget=-5"],
        "home.rapid_response.budget",
        "allowed: a number >= 0",
    ),
    ("unknown-scenario", ["scenario=karabakh2021"], "scenario", "did you mean 'karabakh2020'"),
    ("unknown-mode", ["mode=sri"], "mode", "did you mean 'sir'"),
    # graph files ({files} is a folder of prepared files)
    ("graph-path-empty", ["graph=file"], "graph.path", "give an edge list"),
    (
        "graph-file-missing",
        ["graph=file", "graph.path={files}/missing.csv"],
        "graph.path",
        "does not exist",
    ),
    ("graph-file-empty", ["graph=file", "graph.path={files}/empty.csv"], "graph.path", "is empty"),
    (
        "graph-file-pickle",
        ["graph=file", "graph.path={files}/graph.pkl"],
        "graph.path",
        "allowed: .csv",
    ),
    (
        "graph-file-malformed-csv",
        ["graph=file", "graph.path={files}/malformed.csv"],
        "malformed.csv",
        "",
    ),
    (
        "graph-file-malformed-graphml",
        ["graph=file", "graph.path={files}/malformed.graphml"],
        "malformed.graphml",
        "",
    ),
    (
        "graph-ids-out-of-range",
        ["graph=file", "graph.n=5", "graph.path={files}/big_ids.csv"],
        "big_ids.csv",
        "",
    ),
    (
        "graph-ids-negative",
        ["graph=file", "graph.path={files}/negative_ids.csv"],
        "negative_ids.csv",
        "",
    ),
    (
        "graph-unknown-community",
        ["graph=file", "graph.path={files}/atlantis.graphml"],
        "atlantis",
        "home_domestic",
    ),
    # multiruns: every swept value is checked before any job starts
    (
        "sweep-later-value",
        ["-m", "spread.beta=0.2,0.3,9.0"],
        "spread.beta",
        "allowed: a probability in [0, 1]",
    ),
    (
        "sweep-later-option",
        ["-m", "seed=range(0,3)", "graph=ba,socal"],
        "graph",
        "did you mean 'social'",
    ),
    ("sweep-smallest-value", ["-m", "seed=0,5,-1,2"], "seed", "allowed: an integer in [0"),
    (
        "sweep-float-among-ints",
        ["-m", "graph.n=1000,1500.5,2000"],
        "graph.n",
        "allowed: an integer",
    ),
    (
        "sweep-nan-among-numbers",
        ["-m", "spread.beta=0.1,nan,0.3"],
        "spread.beta",
        "allowed: a probability",
    ),
    # worlds too large for memory, caught by the estimate before the run
    ("too-large", ["graph.n=2000000000"], "graph.n", "lower graph.n"),
    (
        "memory-cap",
        ["graph.n=1000000", "output.max_memory_gb=0.01"],
        "graph.n",
        "output.max_memory_gb",
    ),
    # mechanism keys (issue 15)
    *[
        (f"spread-{k}", [f"spread.{k}={v}"], f"spread.{k}", allowed)
        for k, v, allowed in [
            ("correction", "1.5", "[0, 1]"),
            ("trust_loss", "-0.1", "[0, 1]"),
            ("gaffe_attitude", "2", "[0, 1]"),
            ("gaffe_trust", "1.01", "[0, 1]"),
            ("inoculation_halflife_days", "-1", "[0, 3650]"),
            ("belief_halflife_days", "nan", "[0, 3650]"),
            ("trust_halflife_days", "-3", "[0, 3650]"),
        ]
    ],
    (
        "narrative-persuasion",
        ["+world.narratives.home_claim.persuasion=1.2"],
        "world.narratives.home_claim.persuasion",
        "[0, 1]",
    ),
    (
        "narrative-belief-halflife",
        ["+world.narratives.rival_fake.belief_halflife_days=-2"],
        "world.narratives.rival_fake.belief_halflife_days",
        "[0, 3650]",
    ),
    (
        "staff-hours-negative",
        ["+world.staff_hours_per_day.home=-1"],
        "world.staff_hours_per_day.home",
        "a number in [0",
    ),
    (
        "staff-hours-side",
        ["+world.staff_hours_per_day.nobody=5"],
        "world.staff_hours_per_day",
        "allowed: home",
    ),
    (
        "actor-gaffe-prob",
        ["+actors.groups.home_ministry.gaffe_prob=2"],
        "actors.groups.home_ministry.gaffe_prob",
        "[0, 1]",
    ),
]
SUBSET = {
    "unknown-key",
    "prob-above-1",
    "embassy-host-no-audience",
    "graph-file-missing",
    "unknown-hydra-launcher",
    "too-large",
    "three-sides",
}

GRAPHML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    '<key id="c" for="node" attr.name="community" attr.type="string"/>\n'
    '<graph edgedefault="directed">\n'
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("graphs")
    (d / "empty.csv").write_text("")
    (d / "graph.pkl").write_bytes(b"\x80\x04K\x01.")
    (d / "malformed.csv").write_text("source,target\n0,1\nfoo,bar,baz\n")
    (d / "big_ids.csv").write_text("source,target\n0,1\n1,2\n3,70\n")
    (d / "negative_ids.csv").write_text("source,target\n0,1\n-4,2\n")
    (d / "malformed.graphml").write_text(GRAPHML_HEAD + '<node id="a"><data key="c">x')
    nodes = "".join(
        f'<node id="n{i}"><data key="c">{c}</data></node>\n'
        for i, c in enumerate(["home_domestic", "atlantis", "intl_usa"])
    )
    (d / "atlantis.graphml").write_text(
        GRAPHML_HEAD + nodes + '<edge source="n0" target="n1"/>\n'
        '<edge source="n1" target="n2"/>\n</graph>\n</graphml>\n'
    )
    return d


def _args(case: list[str], files: Path) -> list[str]:
    """Flags first, as Hydra's parser requires, then the tiny world and the case."""
    flags = [a for a in case if a.startswith("-")]
    rest = [a.replace("{files}", str(files)) for a in case if not a.startswith("-")]
    return [*flags, *TINY, *rest]


def check(res, run_dir: Path, key: str, fragment: str) -> None:
    assert res.code == 2, (res.code, res.stderr[-2000:])
    assert "Traceback" not in res.stderr + res.stdout
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("error: "), line
    assert key in line and fragment in line, line
    assert not list(run_dir.rglob("summary.json")), "a failed run left a finished-looking result"
    assert not list(run_dir.rglob("*.parquet"))


def test_at_least_40_cases() -> None:
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case,key,fragment", [pytest.param(a, k, f, id=i) for i, a, k, f in CASES])
def test_bad_input_inprocess(case, key, fragment, files, tmp_path) -> None:
    res = run_inprocess(_args(case, files), tmp_path / "run")
    check(res, tmp_path / "run", key, fragment)


SUB = [pytest.param(a, k, f, id=i) for i, a, k, f in CASES if i in SUBSET]
ALL_SUB = [
    pytest.param(a, k, f, id=i, marks=pytest.mark.slow) for i, a, k, f in CASES if i not in SUBSET
]


@pytest.mark.parametrize("case,key,fragment", SUB + ALL_SUB)
def test_bad_input_subprocess(case, key, fragment, files, tmp_path) -> None:
    res = run_subprocess(_args(case, files), tmp_path / "run")
    check(res, tmp_path / "run", key, fragment)


def test_good_input_still_runs(tmp_path) -> None:
    """The checks above must not reject a valid tiny world (or every case would pass)."""
    res = run_inprocess(TINY, tmp_path / "run")
    assert res.code == 0, res.stderr
    assert (tmp_path / "run" / "summary.json").is_file()


def test_multirun_with_an_information_flag(tmp_path) -> None:
    """Hydra itself answers this with a traceback; python -m sim with one line."""
    res = run_subprocess(["-m", "--cfg", "job"], tmp_path / "run")
    check(res, tmp_path / "run", "--multirun", "give one of them")
