"""CSR helpers for ``followers`` graphs: the row of every entry, and sub-graphs by mask.

(Generated graphs are drawn and cleaned follower-major in ``sim.graph.follows``.)
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def rows(a: sp.csr_array) -> np.ndarray:
    """The row index of every stored entry."""
    return np.repeat(np.arange(a.shape[0], dtype=np.int32), np.diff(a.indptr))


def keep(a: sp.csr_array, mask: np.ndarray) -> sp.csr_array:
    """The CSR with the entries where ``mask`` holds, bool data, int32 indices, canonical."""
    kept = np.zeros(mask.size + 1, dtype=np.int64)
    np.cumsum(mask, out=kept[1:])
    out = sp.csr_array(
        (
            np.ones(int(kept[-1]), dtype=bool),
            a.indices[mask].astype(np.int32, copy=False),
            kept[a.indptr].astype(np.int32),
        ),
        shape=a.shape,
    )
    out.has_canonical_format = True
    return out
