"""Golden regression: small runs' outputs, hashed and stored in tests/golden/ (issue 9).

Any change to what a seeded run produces fails here. When the change is intended, update
the stored files and commit them with the change:

    scripts/update_golden.sh          (= UPDATE_GOLDEN=1 ./test.sh tests/test_golden.py)

The summary is stored whole (minus wall-clock timing) so a failure shows which metric
moved; the Parquet tables are stored as hashes of their contents (column names, dtypes
and values), which do not depend on the Parquet writer's version or metadata.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from clirun import TINY

GOLDEN = Path(__file__).parent / "golden"
CONFIGS = {
    "infowar_small": [*TINY, "seed=3"],
    # the draws before per-user common random numbers: same bits as infowar_small had then
    "infowar_sequential": [*TINY, "seed=3", "spread.draws=sequential"],
    "sir_er": [*TINY, "seed=3", "mode=sir", "graph=er", "graph.n=400", "graph.mean_degree=6"],
}


def table_hash(path: Path) -> str:
    df = pd.read_parquet(path)
    h = hashlib.sha256()
    for col in df.columns:
        s = df[col]
        # pandas 3 reads text as StringDtype, pandas 2 as object: hash text the same way
        if pd.api.types.is_string_dtype(s) or s.dtype == object:
            s = s.astype(object)
        kind = "text" if s.dtype == object else str(s.dtype)
        h.update(f"{col}:{kind}\n".encode())
        h.update(pd.util.hash_pandas_object(s, index=False).to_numpy().tobytes())
    h.update(str(len(df)).encode())
    return h.hexdigest()


def outputs(overrides: list[str], out: Path) -> dict:
    from sim.api import run
    from sim.cli import load

    run(load(overrides), out=out)
    summary = json.loads((out / "summary.json").read_text())
    summary.pop("timing", None)  # wall clock, not a result
    tables = {p.name: table_hash(p) for p in sorted(out.glob("*.parquet"))}
    return {"overrides": overrides, "summary": summary, "tables": tables}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_golden(name: str, tmp_path: Path) -> None:
    got = outputs(CONFIGS[name], tmp_path / name)
    path = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
        return
    assert path.is_file(), f"no golden file {path}; create it with scripts/update_golden.sh"
    want = json.loads(path.read_text())
    assert got["overrides"] == want["overrides"], (
        "the golden config changed: run scripts/update_golden.sh"
    )
    assert got["summary"] == want["summary"], (
        "summary.json changed (scripts/update_golden.sh if intended)"
    )
    assert got["tables"] == want["tables"], (
        "Parquet contents changed (scripts/update_golden.sh if intended)"
    )
