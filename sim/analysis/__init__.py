"""Analysis of runs and studies: paired comparisons with confidence intervals, the
digital-diplomacy scorecard, the 2020 scenario's tables beside the thesis's, and the
reports of every experiment (``python -m sim.analysis <experiment> <sweep dir>``).

Modules: ``stats`` (CI math), ``scorecard`` (per-side indicators from a model),
``thesis`` (the source tables and calibration targets), ``reports`` (markdown helpers),
``studies`` (one analysis per experiment), ``figures`` (matplotlib).
"""
