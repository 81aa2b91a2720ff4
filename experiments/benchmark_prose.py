"""The benchmark report's fixed prose: what bounds each figure (kept apart from the tables)."""

from __future__ import annotations


def bounds() -> list[str]:
    """What limits each figure (from profiling; see the tables below for the numbers)."""
    return [
        "What bounds the figures:",
        "- *Reference rules.* The compiled kernel (`sim/reference/simple_jit.py`, numba) runs a "
        "tick as one call: it walks the follows of the current sharers (push) or of the "
        "still-unaware users (pull), whichever are fewer (a pushed follow costs about 2 pulled "
        "ones: a scattered add and a sort or ordered scan of the distinct targets), then draws "
        "adoption and stopping in one batch. Its cost is the follows it reads: about 5 ns each "
        "(random reads of the sharers' codes, cache-resident at 10^5 users, from main memory at "
        "10^6), so the mean tick at 10^6 is well under one random pass over the 8 million "
        "follows and the busiest ticks (hundreds of thousands of sharers) cost about one such "
        "pass; at 10^4-10^5 the ~15 us of fixed cost per tick (one Python call, the draw) is "
        "the rest. The numpy kernel (`simple_rules.py`) gives the same runs draw for draw but "
        "spends a tick in ~25 numpy/scipy calls and their temporaries, about 2x the compiled "
        "one at 10^5. The per-agent models' tick is n x 2 Python method calls plus, in the "
        "plain (pull) form, a Python loop over the follows of every unaware user (in the lean "
        "push form, over the follows of the sharers only).",
        "- *Full model.* Cost per tick follows the events (post x follower pairs reached) plus "
        "three O(users x narratives) passes (drawing who is active, finding the sharers and the "
        "believers who may forget). In the numpy engine a tick at 10^4 users is mostly the fixed "
        "cost of its ~150 array calls; the compiled engine (`sim/kernel_jit.py`) runs feed, "
        "update, reshare and fade as a few numba loops, with numpy's own `exp` and `power` "
        "between them (numba's differ in the last bit) so the runs stay identical. At 10^6 both "
        "are bound by memory: the random reads of the events' readers, the activity draw (one "
        "uniform per user from a per-tick Generator) and the scans over the state. The actors' "
        "posting is one batch for all actors "
        "(`sim/actors/posting.py`: each Mesa actor states its plan, ~25 numpy calls then draw "
        "every actor's posts; karabakh2020 has 27 actors and 12 narratives), about 0.15 ms a tick.",
        "- *Graph.* The social generator (`sim/graph/social.py`) draws every follow's community, "
        "language-platform pool and fitness-weighted target in cache-sized blocks of followers "
        "(about 2^18 follows each, so the temporaries stay small and are reused), "
        "transposes once with scipy's O(nnz) counting sort, and swaps in the redraws of "
        "duplicates and self-loops (about 6% of the follows at 10^6) with one copy. At 10^6 "
        "about 40% of it is the random gathers of the target draw (guide table, cumulative "
        "fitness, pool members: cache misses), the rest the transpose, the redraw bookkeeping "
        "and the pool layout. The draw runs on up to 4 threads (same graph on any count): the "
        "CPU column adds up the threads, which also slow each other down (shared memory "
        "bandwidth), so here it exceeds the wall time; on one thread the 10^6 graph took "
        "2.6 s CPU (= wall) in separate runs on this machine. The graph target is judged on "
        "wall time on a quiet machine (load average in the table), because it asks how long "
        "one waits for the graph and the threads' CPU seconds overlap in time; the CPU "
        "column is beside it because on a busy machine wall time also counts waiting for a "
        "core. The Barabasi-Albert generator "
        "of the reference rules is several times faster.",
        "- *Sweeps.* A run costs ticks x the fixed per-tick cost above (1,080 hourly ticks for "
        "karabakh2020) plus, outside the model, what the split table under the sweep table "
        "shows: a job of several points composes its config once per worker and kind "
        "(`sim/sweep/compose_cache.py`), so Hydra, the launcher and the outputs now cost about "
        "0.2 CPU s a run, and the ticks (about 1 ms each at 10^4 users, mostly fixed "
        "per-call cost) are most of the rest: the 3-minute target needs a tick near 0.3 ms, "
        "which neither engine reaches at this size. The submitting process composes only "
        "once per distinct swept value to check "
        "it (the `checked` sweeper skips Hydra's serial re-composition of every job, during "
        "which the workers would wait). The CPU-bound projection divides the measured CPU "
        "seconds per run by 2 workers; the wall figures also count waiting for a core when "
        "other jobs share the machine.",
    ]
