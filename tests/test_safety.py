"""Safety (issue 9): loading a graph or a config never runs code from it, the demo serves
on 127.0.0.1 unless told otherwise, and a run writes only inside its run directory."""

from __future__ import annotations

import ast
import dataclasses
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import ROOT, TINY, env, run_inprocess, run_subprocess

from sim.config.schema import GraphConfig, OutputConfig
from sim.errors import ConfigError

# -- nothing in the package can execute data ----------------------------------------------
BANNED_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "shelve"}
BANNED_NAMES = {"eval", "exec", "compile", "__import__", "instantiate"}  # called bare
BANNED_ATTRS = {"instantiate", "read_pickle", "unsafe_load", "full_load"}  # called as x.name()


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in BANNED_MODULES]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] in BANNED_MODULES:
                found.append(module)
            found += [f"import {a.name}" for a in node.names if a.name in BANNED_NAMES]
        elif isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in BANNED_NAMES:
                found.append(f"{f.id}()")
            elif isinstance(f, ast.Attribute) and (
                f.attr in BANNED_ATTRS
                or (f.attr == "load" and getattr(f.value, "id", "") == "yaml")
            ):
                found.append(f"{f.attr}()")
            for kw in node.keywords:
                if kw.arg == "allow_pickle" and getattr(kw.value, "value", False) is True:
                    found.append("allow_pickle=True")
    return [f"{path.name}:{v}" for v in found]


def test_package_never_unpickles_or_evaluates() -> None:
    files = sorted((ROOT / "sim").rglob("*.py"))
    assert len(files) > 10
    bad = [v for f in files for v in _violations(f)]
    assert not bad, bad


def test_scanner_finds_what_it_bans(tmp_path) -> None:
    """Guards the scan above against a checker that never fires."""
    f = tmp_path / "probe.py"
    f.write_text(
        "import pickle\nfrom hydra.utils import instantiate\nx = eval('1')\ninstantiate({})\n"
        "import numpy as np\nnp.load('a', allow_pickle=True)\nimport yaml\nyaml.load('')\n"
        "import re\nre.compile('x')\n"
    )
    found = _violations(f)
    assert {v.split(":", 1)[1] for v in found} == {
        "pickle",
        "import instantiate",
        "eval()",
        "instantiate()",
        "allow_pickle=True",
        "load()",
    }


# -- graph files are data -----------------------------------------------------------------
class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("name", ["graph.pkl", "graph.csv", "graph.graphml", "graph.csv.gz"])
def test_pickled_graph_never_runs(tmp_path, name) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / name
    path.write_bytes(pickle.dumps(_Payload(marker)))
    res = run_inprocess([*TINY, "graph=file", f"graph.path={path}"], tmp_path / "run")
    assert res.code == 2 and "graph.path" in res.stderr, res.stderr
    assert not marker.exists()


def test_graphml_external_entity_is_not_read(tmp_path) -> None:
    from sim.graph.load import load_graph

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    path = tmp_path / "xxe.graphml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE graphml [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="c" for="node" attr.name="community" attr.type="string"/>'
        '<graph edgedefault="directed"><node id="0"><data key="c">&xxe;</data></node>'
        '<node id="1"/><edge source="0" target="1"/></graph></graphml>\n'
    )
    try:
        _, community = load_graph(
            GraphConfig(kind="file", path=str(path)), ["TOP-SECRET-TOKEN", "x"]
        )
    except ConfigError as e:
        assert "TOP-SECRET" not in str(e)
    else:
        assert community[0] == -1, "the external entity was resolved"


# -- configs cannot instantiate anything ----------------------------------------------------
@pytest.mark.parametrize(
    "override",
    [
        "+_target_=os.system",
        "+graph._target_=os.system",
        "+world.narratives.home_claim._target_=os.system",
        "+output._target_=builtins.exec",
    ],
)
def test_target_injection_is_rejected(override, tmp_path) -> None:
    res = run_inprocess([*TINY, override], tmp_path / "run")
    assert res.code == 2 and "_target_" in res.stderr, res.stderr


def test_user_config_dir_with_target_is_inert(tmp_path) -> None:
    """A YAML file outside conf/ naming a _target_ is never instantiated."""
    marker = tmp_path / "pwned"
    user = tmp_path / "userconf" / "graph"
    user.mkdir(parents=True)
    (user / "evil.yaml").write_text(f"_target_: os.system\ncommand: touch {marker}\n")
    res = run_subprocess([f"--config-dir={user.parent}", *TINY, "graph=evil"], tmp_path / "run")
    assert res.code == 2 and "Traceback" not in res.stderr, res.stderr
    assert not marker.exists()


# -- output paths ------------------------------------------------------------------------
def test_no_config_value_can_redirect_outputs() -> None:
    """No output setting is a path; one added later must reject '..' and absolute paths."""
    from sim.cli import load

    str_fields = [f.name for f in dataclasses.fields(OutputConfig) if f.type in ("str", str)]
    for name in str_fields:
        for bad in ("../escape", "/tmp/escape"):
            with pytest.raises(ConfigError, match=f"output.{name}"):
                load([f"output.{name}={bad}"])
    with pytest.raises(ConfigError, match="output.dir"):
        load(["+output.dir=../escape"])


def test_run_writes_only_inside_its_run_dir(tmp_path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    run_dir = work / "run"
    args = [*[a for a in TINY if not a.startswith("output.figures")], "output.figures=true"]
    p = subprocess.run(
        [sys.executable, "-m", "sim", *args, f"hydra.run.dir={run_dir}"],
        cwd=work,
        env=env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    written = [q for q in tmp_path.rglob("*") if q.is_file()]
    assert written and all(run_dir in q.parents for q in written), written
    assert (run_dir / "summary.json").is_file() and list((run_dir / "figures").glob("*.png"))


# -- the demo ----------------------------------------------------------------------------
def _demo_command(tmp_path: Path, *args: str) -> list[str]:
    """Run demo.sh with its environment scripts and python replaced by stand-ins that print
    the final command line instead of starting a server."""
    if not (ROOT / "demo.sh").is_file():
        pytest.skip("demo.sh not present")
    box = tmp_path / f"box{len(list(tmp_path.iterdir()))}"
    (box / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "demo.sh", box / "demo.sh")
    fake_py = box / "fake_python"
    fake_py.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    fake_py.chmod(0o755)
    (box / "scripts" / "ensure_env.sh").write_text(f'echo "{fake_py}"\n')
    (box / "scripts" / "demo_assets.sh").write_text(f'echo "{box}"\n')
    p = subprocess.run(
        ["bash", str(box / "demo.sh"), *args],
        cwd=box,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PORT": "8765"},
    )
    assert p.returncode == 0, p.stderr
    return p.stdout.split()


def _host(argv: list[str]) -> str:
    return argv[argv.index("--host") + 1]


def test_demo_serves_on_localhost_by_default(tmp_path) -> None:
    assert _host(_demo_command(tmp_path)) == "127.0.0.1"
    assert _host(_demo_command(tmp_path, "--public")) == "0.0.0.0"  # only when asked


def test_crash_while_writing_leaves_no_finished_marker(tmp_path, monkeypatch) -> None:
    """summary.json (the 'finished' marker) is written last, and every file goes to a
    temporary name first: a crash halfway through writing a table leaves neither
    summary.json nor a truncated file under a final name."""
    import pandas as pd

    from sim.api import run
    from sim.cli import load

    calls: list[str] = []
    real = pd.DataFrame.to_parquet

    def crash_midway(self, path, *args, **kwargs):
        calls.append(Path(path).name)
        if len(calls) == 2:
            Path(path).write_bytes(b"PAR1 half a file")
            raise KeyboardInterrupt("killed while writing")
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", crash_midway)
    with pytest.raises(KeyboardInterrupt):
        run(load(TINY), out=tmp_path / "run")
    names = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert len(calls) == 2 and "summary.json" not in names, names
    assert {n for n in names if not n.startswith(".")} == {"timeseries.parquet"}, names
