"""The benchmark report's fixed prose: what bounds each figure (kept apart from the tables)."""
from __future__ import annotations


def bounds() -> list[str]:
    """What limits each figure (from profiling; see the tables below for the numbers)."""
    return [
        "What bounds the figures:",
        "- *Reference rules.* A tick touches only the follows of the current sharers (push) or of "
        "the still-unaware users (pull), whichever is cheaper (a pushed follow costs about 4 "
        "pulled ones: scattered writes and a pass to find the distinct targets), through "
        "scipy's compiled CSR kernels; "
        "at 10^6 most ticks touch far fewer than the 8 million follows, so the mean tick costs "
        "less than one random pass over them; the busiest ticks (hundreds of thousands of "
        "sharers) cost a few such passes. At 10^4-10^5 users a tick is ~25 numpy/scipy calls on "
        "small arrays (one draw for adoption and stopping, one table gather), so the fixed cost "
        "of a call (a few microseconds) is a large part of it: that, not memory, bounds "
        "the ratio to the per-agent models, whose tick is n x 2 Python method calls plus, in "
        "the plain (pull) form, a Python loop over the follows of every unaware user (in the "
        "lean push form, over the follows of the sharers only).",
        "- *Full model.* Cost per tick follows the events (post x follower pairs reached) plus "
        "two O(users) passes (drawing who is active, finding the sharers); at 10^4 users the tick "
        "is dominated by fixed per-call costs. The actors' posting is one batch for all actors "
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
        "- *Sweeps.* A run costs ticks x the fixed per-tick cost above (1,056 hourly ticks for "
        "karabakh2020) plus, outside the model, Hydra composing each job's config twice (the "
        "basic sweeper composes every job of a batch to validate it, the launcher composes it "
        "again to run it: about 0.4 CPU s each for karabakh2020) and the job writing its outputs "
        "(about 0.1 s): the difference between the sweep's CPU seconds per run and ticks x CPU "
        "ms per tick in table 2. The "
        "CPU-bound projection divides the measured CPU seconds per run by 2 workers; the wall "
        "figures also count waiting for a core when other jobs share the machine.",
    ]
