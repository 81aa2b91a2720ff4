"""The sweep store never returns a wrong table: the study cache follows the run files, a
run's identity covers its input files, and a torn result is redone instead of counted."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pytest
from clirun import TINY

from sim.cli import load
from sim.sweep import store
from sim.sweep.job import evaluate

EDGES = "source,target\n" + "".join(f"{i},{(i + 1) % 40}\n{i},{(i + 7) % 40}\n" for i in range(40))


def _bump_mtime(path: Path) -> None:
    later = time.time() + 5
    os.utime(path, (later, later))


def test_study_cache_follows_rerun_runs(tmp_path: Path) -> None:
    evaluate([*TINY, "seed=1"], tmp_path)
    evaluate([*TINY, "seed=2"], tmp_path)
    first = store.load_study(tmp_path)
    assert (tmp_path / store.STUDY).is_file() and len(first) == 2
    h = first["prov.config_hash"].iloc[0]
    # A rerun after a code fix writes a new result for a hash the cache already holds.
    result = tmp_path / store.RUNS / h / store.RESULT
    row = pd.read_parquet(result)
    row["users"] = -1
    store.write_row(row, result)
    _bump_mtime(result)
    again = store.load_study(tmp_path)
    assert again.set_index("prov.config_hash").loc[h, "users"] == -1


def test_torn_study_cache_is_rebuilt(tmp_path: Path) -> None:
    evaluate([*TINY, "seed=1"], tmp_path)
    store.load_study(tmp_path)
    cache = tmp_path / store.STUDY
    cache.write_bytes(cache.read_bytes()[:50])
    assert len(store.load_study(tmp_path)) == 1
    assert len(pd.read_parquet(cache)) == 1  # rewritten whole


def test_torn_result_is_not_finished_and_runs_again(tmp_path: Path) -> None:
    row = evaluate([*TINY, "seed=1"], tmp_path)
    h = row["prov.config_hash"]
    result = tmp_path / store.RUNS / h / store.RESULT
    result.write_bytes(result.read_bytes()[:100])
    assert len(store.load_study(tmp_path)) == 0  # left out, no exception
    with pytest.warns(UserWarning, match="did not read back"):
        assert not store.is_finished(tmp_path, h)
    assert not (tmp_path / store.RUNS / h).exists()
    again = evaluate([*TINY, "seed=1"], tmp_path)
    assert again["prov.config_hash"] == h and store.is_finished(tmp_path, h)


def test_run_identity_covers_graph_file_content(tmp_path: Path) -> None:
    f = tmp_path / "g.csv"
    f.write_text(EDGES)
    args = [*TINY, "graph=file", f"graph.path={f}"]
    h1 = store.config_hash(load(args))
    copy = tmp_path / "copy.csv"
    copy.write_text(EDGES)
    assert store.config_hash(load([*TINY, "graph=file", f"graph.path={copy}"])) == h1
    f.write_text(EDGES + "3,30\n")
    sc = load(args)
    assert store.config_hash(sc) != h1
    assert store.config_dict(sc)["inputs"]["graph.path"] == store.file_sha256(f)
