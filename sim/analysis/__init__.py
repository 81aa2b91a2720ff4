"""Analysis of runs and studies: paired comparisons with confidence intervals, the
digital-diplomacy scorecard, the 2020 scenario's tables beside the thesis's, and the
reports of every experiment (``python -m sim.analysis <experiment> <sweep dir>``).

Modules: ``stats`` (CI math), ``scorecard`` (per-side indicators from a model),
``thesis`` (the source tables and calibration targets), ``reports`` (markdown helpers),
``studies`` (one analysis per experiment), ``figures`` (matplotlib). The statistics of
issue 16: ``multiplicity`` (families, Holm/BH, best-pick stability), ``survival``
(Kaplan-Meier, RMST), ``trend`` (dose-response slopes, Page's test), ``power`` (seeds for
an effect or a width), ``precision`` (targets, the add-seeds loop, the report section),
``sections`` (their report tables) and ``statfigs`` (their figures).
"""
