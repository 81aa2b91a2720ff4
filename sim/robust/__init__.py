"""Robust decisions: which home defence holds up across what the model does not know.

The study (``conf/robust/<name>.yaml``, schema in ``schema``) declares the home side's
levers and the uncertainties; ``space`` makes them an EMA workbench model; ``evaluator``
runs the workbench's experiments through the sweep store; ``discovery`` (PRIM, CART),
``robustness`` (regret, satisficing) and ``search`` (the Pareto front) analyse them, and
``report`` writes results/robust/report.md. Entry point: experiments/robust.py.
"""

import warnings

# The workbench announces at import that an optional cluster backend is missing.
warnings.filterwarnings("ignore", message="ipyparallel not installed", category=UserWarning)
