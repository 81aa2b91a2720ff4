"""Load a real follower graph: an edge list (CSV/TSV) or GraphML.

An edge ``a -> b`` (a row ``a,b`` of an edge list, or a directed GraphML edge from a to b)
means **a follows b**: a reads b's posts, so a lands in row b of the ``followers`` CSR.
An undirected GraphML graph is read as follows both ways.

Edge lists (``.csv``, ``.tsv``, optionally ``.gz``/``.bz2``): a header naming the columns
``source`` and ``target`` (other columns are ignored), or no header, in which case the
first two columns are source and target. Node ids are integers 0..n-1 (``graph.n``, or
``max id + 1`` when ``graph.n`` is 0). A column named ``graph.community_attr`` labels the
row's source node, and one named ``target_<community_attr>`` its target; empty cells
leave a node unlabelled. GraphML: nodes carry the community in the attribute
``graph.community_attr``; node ids that are all integers are used as they are, any other
ids are numbered 0..n-1 in file order.

Community labels must be names of the configured communities; unlabelled users get -1
(the caller assigns them by the configured shares). Self-loops and repeated edges are
dropped. Every problem with the file raises ``ConfigError("graph.path", ...)`` naming the
file and what is wrong. Files are parsed as data only (pyarrow's CSV reader, networkx's
GraphML reader); nothing is unpickled or evaluated.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sim.config.schema import GraphConfig
from sim.errors import ConfigError, did_you_mean

KEY = "graph.path"
EDGE_LIST = {".csv": ",", ".tsv": "\t"}
COMPRESSED = (".gz", ".bz2")
# With graph.n = 0, ids above max(100 x edges, 10^7) are taken for a mistake (sparse ids
# such as account numbers), not for that many users: each user costs memory.
MAX_IDS_PER_EDGE, MAX_IDS_FLOOR = 100, 10_000_000
MAX_ID = 2**31 - 2  # followers are int32 indices


def load_graph(cfg: GraphConfig, communities: list[str]) -> tuple[sp.csr_array, np.ndarray]:
    """(followers CSR, community index per user with -1 for unlabelled)."""
    path = Path(cfg.path).expanduser()
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    kind = (
        suffixes[-2]
        if len(suffixes) == 2 and suffixes[-1] in COMPRESSED
        else (suffixes[-1] if suffixes else "")
    )
    if kind not in (*EDGE_LIST, ".graphml"):
        raise ConfigError(
            KEY,
            f"{path}: unsupported file type '{''.join(path.suffixes) or path.name}'; "
            "allowed: .csv, .tsv (optionally .gz/.bz2), .graphml",
        )
    if not path.is_file():
        raise ConfigError(KEY, f"{path}: no such file")
    if path.stat().st_size == 0:
        raise ConfigError(KEY, f"{path}: the file is empty")
    if kind == ".graphml":
        src, dst, labels, n = _read_graphml(path, cfg)
    else:
        src, dst, labels, n = _read_edge_list(path, EDGE_LIST[kind], cfg)
    if not (src != dst).any():
        raise _fail(path, "has only self-loops; a follow links two different users")
    community = _communities(path, labels, n, communities, cfg.community_attr)
    return _followers(src, dst, n), community


def _fail(path: Path, what: str) -> ConfigError:
    return ConfigError(KEY, f"{path}: {what}")


def _read_edge_list(path: Path, sep: str, cfg: GraphConfig):
    table = _read_table(path, sep)
    cols = [str(c) for c in table.columns]
    if "source" in cols and "target" in cols:
        frame = table
    elif len(cols) >= 2 and _is_int(cols[0]) and _is_int(cols[1]):
        frame = _read_table(path, sep, header=False)
        frame = frame.rename(columns={frame.columns[0]: "source", frame.columns[1]: "target"})
    else:
        raise _fail(
            path,
            f"needs columns 'source' and 'target' (or no header); found "
            f"{', '.join(cols[:6])}{did_you_mean('source', cols)}",
        )
    if len(frame) == 0:
        raise _fail(path, "has no edges")
    src, dst = _ids(path, frame, "source"), _ids(path, frame, "target")
    n = _size(path, cfg.n, max(int(src.max()), int(dst.max())) + 1, len(frame))
    labels = []
    for col, nodes in ((cfg.community_attr, src), (f"target_{cfg.community_attr}", dst)):
        if col in frame.columns:
            labels.append(pd.DataFrame({"node": nodes, "label": _text(frame[col])}))
    return src, dst, labels, n


def _read_table(path: Path, sep: str, header: bool = True) -> pd.DataFrame:
    import pyarrow as pa
    from pyarrow import csv

    read = csv.ReadOptions(autogenerate_column_names=not header)
    parse = csv.ParseOptions(delimiter=sep)
    try:
        return csv.read_csv(path, read_options=read, parse_options=parse).to_pandas()
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, OSError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if "Empty CSV file" in first:
            raise _fail(path, "has no edges") from None
        raise _fail(path, f"malformed edge list: {first}") from None


def _is_int(text: str) -> bool:
    return text.strip().lstrip("-").isdigit()


def _ids(path: Path, frame: pd.DataFrame, col: str) -> np.ndarray:
    """Integer node ids of a column; a clear error for blanks, text or negatives."""
    s = frame[col]
    if s.isna().any():
        row = int(np.flatnonzero(s.isna().to_numpy())[0])
        raise _fail(path, f"column '{col}' is empty in edge {row + 1}")
    if not pd.api.types.is_integer_dtype(s.dtype):
        num = pd.to_numeric(s, errors="coerce")
        bad = num.isna() | (num != np.floor(num))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise _fail(
                path,
                f"column '{col}' holds '{s.iloc[row]}' in edge {row + 1}; "
                "node ids must be integers 0..n-1",
            )
        s = num
    if s.max() > MAX_ID:  # compared before the cast, which would wrap or overflow
        row = int(np.argmax(s.to_numpy()))
        raise _fail(
            path,
            f"node id {s.iloc[row]} in edge {row + 1} is too large; ids must be 0..n-1 "
            f"(n up to {MAX_ID + 1})",
        )
    ids = s.to_numpy().astype(np.int64)
    if ids.min() < 0:
        row = int(np.argmin(ids))
        raise _fail(path, f"node id {ids[row]} in edge {row + 1} is negative; ids must be 0..n-1")
    return ids


def _size(path: Path, n_cfg: int, n_file: int, n_edges: int) -> int:
    if n_cfg and n_file > n_cfg:
        raise _fail(
            path,
            f"node id {n_file - 1} is out of range for graph.n={n_cfg} "
            f"(ids must be 0..{n_cfg - 1}); raise graph.n or set it to 0 to infer it",
        )
    if not n_cfg and n_file > max(MAX_IDS_PER_EDGE * n_edges, MAX_IDS_FLOOR):
        raise _fail(
            path,
            f"node id {n_file - 1} is far above what {n_edges} edges need; "
            "number the users 0..n-1, or set graph.n to the number of users",
        )
    return int(n_cfg or n_file)


def _text(col: pd.Series) -> pd.Series:
    """Labels as stripped strings, missing and empty cells as None."""
    out = col.astype("string").str.strip()
    return out.where(out.notna() & (out != ""), None)


def _read_graphml(path: Path, cfg: GraphConfig):
    import xml.etree.ElementTree as ET

    import networkx as nx

    try:
        graph = nx.read_graphml(path)
    except (ET.ParseError, nx.NetworkXError, ValueError, KeyError, TypeError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise _fail(path, f"malformed GraphML: {first}") from None
    nodes = list(graph.nodes)
    if not nodes:
        raise _fail(path, "has no nodes")
    if graph.number_of_edges() == 0:
        raise _fail(path, "has no edges")
    names = [str(v) for v in nodes]
    if all(_is_int(v) for v in names):
        ids = np.array([int(v) for v in names], dtype=np.int64)
        if ids.min() < 0:
            raise _fail(path, f"node id {ids.min()} is negative; ids must be 0..n-1")
        n = _size(path, cfg.n, int(ids.max()) + 1, graph.number_of_edges())
    else:
        ids = np.arange(len(nodes), dtype=np.int64)
        n = _size(path, cfg.n, len(nodes), graph.number_of_edges())
    adj = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=None, format="coo")
    src, dst = ids[adj.row], ids[adj.col]  # undirected graphs come out symmetric
    attr = cfg.community_attr
    raw = [graph.nodes[v].get(attr) for v in nodes]
    labels = [pd.DataFrame({"node": ids, "label": _text(pd.Series(raw, dtype="object"))})]
    return src, dst, labels, n


def _communities(
    path: Path, labels: list[pd.DataFrame], n: int, communities: list[str], attr: str
) -> np.ndarray:
    """Community index per node (-1 unlabelled); unknown names and conflicts are errors."""
    community = np.full(n, -1, dtype=np.int64)
    if not labels:
        return community
    pairs = pd.concat(labels, ignore_index=True).dropna().drop_duplicates()
    if pairs.empty:
        return community
    known = pd.Index(communities)
    code = known.get_indexer(pairs["label"])
    if (code < 0).any():
        name = str(pairs["label"].iloc[int(np.flatnonzero(code < 0)[0])])
        raise _fail(
            path,
            f"unknown community '{name}' in '{attr}'{did_you_mean(name, communities)}; "
            f"allowed: {', '.join(communities)}",
        )
    node = pairs["node"].to_numpy()
    twice = pd.Series(node).duplicated(keep=False).to_numpy()
    if twice.any():
        v = int(node[twice][0])
        both = sorted(set(pairs["label"][twice & (node == v)]))
        raise _fail(path, f"node {v} is labelled with two communities ({', '.join(both)})")
    community[node] = code
    return community


def _followers(src: np.ndarray, dst: np.ndarray, n: int) -> sp.csr_array:
    """Row b lists the followers a of every edge a -> b; self-loops and repeats dropped."""
    keep = src != dst
    src, dst = src[keep], dst[keep]
    if src.size >= 2**31:
        raise ValueError("graph too large for int32 CSR indices")
    g = sp.csr_array(
        (np.ones(src.size, dtype=bool), (dst.astype(np.int32), src.astype(np.int32))), shape=(n, n)
    )
    g.sum_duplicates()  # bool data: a repeated edge stays True
    g.indices = g.indices.astype(np.int32, copy=False)
    g.indptr = g.indptr.astype(np.int32, copy=False)
    g.sort_indices()
    return g
