"""Follower graphs held as scipy.sparse CSR.

Convention used everywhere: the graph is a ``scipy.sparse.csr_array`` named ``followers``
of shape (n, n) whose row ``s`` lists the users who follow ``s`` (the readers of s's posts),
so pushing a post from s to its audience is ``indices[indptr[s]:indptr[s+1]]``.
Indices are int32, data is a bool array of ones; no self-loops, no duplicate edges.
Actors' accounts are not in this matrix: the model keeps each account's follower array
apart, because bots gain followers during a run (infiltration).

Modules:
- ``simple``: Erdos-Renyi and Barabasi-Albert graphs (follows both ways) for the
  validation modes and the benchmark's reference rules.
- ``social``: the generated follower graph (heavy-tailed in-degree, community and
  language homophily, platform layers), with ``pools`` (its candidate targets and their
  fitness-weighted draw) and ``follows`` (follows cleaned follower-major, one transpose).
- ``load``: real graphs from an edge list (CSV/TSV) or GraphML.
"""
