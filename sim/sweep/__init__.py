"""Research-scale sweeps on Hydra's launchers: a crash-safe results store and a tidy study table.

Any ``python -m sim -m ...`` multirun (basic, joblib, ray, submitit launchers alike) goes through
``sim.sweep.job.run_job``; ``sim.sweep.callback.SweepCallback`` (enabled in ``conf/config.yaml``)
shows progress and writes the final report. Re-run a sweep with the same ``hydra.sweep.dir`` to
resume it: finished runs are skipped, failed or killed ones run again.

Layout of a sweep directory (``hydra.sweep.dir``)::

    <sweep>/multirun.yaml            Hydra's record of the command
    <sweep>/<job num>/               Hydra's per-job dir (.hydra/, log) + job.json (hash, status;
                                     a job of several grid points lists each: sim.sweep.batch)
    <sweep>/batches/<sweep id>/      while a multirun runs: the points of its several-point jobs
    <sweep>/runs/<hash>/             one FINISHED run; the directory is built under a temporary
        result.parquet               name and renamed into place, so it exists only when complete
        summary.json, config.json, timeseries.parquet, actors.parquet, figures/ (if output.figures)
    <sweep>/failed/<key>.json        one failed job: overrides, error line, traceback (removed when
                                     the same job later succeeds); <key> hashes its override list
    <sweep>/study.parquet            merged table, refreshed at the end of every multirun
    <sweep>/events.jsonl             one line per finished job (ran / skipped / failed): progress
    <sweep>/report.md                counts (ran / skipped / failed) and every failed config

``<hash>`` = first 16 hex digits of SHA-256 over the canonical JSON (sorted keys) of the resolved,
*validated* ``SimConfig`` (seed included, the ``output`` group excluded: it changes files written,
never results). Two jobs with the same hash are the same run.

``result.parquet`` holds ONE row; ``load_study`` concatenates them (one row per run):

* parameter columns: every override of the job (``hydra.*`` excluded), named by its key without a
  leading ``+``/``++``: ``seed``, ``spread.beta``, ``strategy@home``,
  ``home.rapid_response.delay_hours``.
  Scalars keep their type; lists and dicts are JSON strings (``'["rapid_response"]'``).
  A SALib design point (``+doe=<study>_pNNNNN``, see ``sim.sweep.doe``) adds its values too.
* metric columns: ``summary.json`` flattened with keys joined by '.', e.g.
  ``support.international.support_home``, ``misinformation.<narrative>.peak``,
  ``audiences.<group>.support_home`` and ``audiences.<group>.misinformation.<narrative>.auc``
  (group: ``own_<side>``, ``ally``, ``contested``; ``audiences.<group>.communities`` is JSON),
  ``cost.home.strategy_total``, ``reach.home``, ``reach_ratio``. Lists (top_accounts, hashtags,
  strategies.<side>) are JSON strings. A metric whose name equals a parameter column is dropped
  (``seed``, ``scenario``: same value). The summary's ``timing`` goes to provenance.
* provenance columns, all prefixed ``prov.``: ``prov.config_hash``, ``prov.seed``,
  ``prov.git_commit``, ``prov.git_dirty``, ``prov.versions.<package>``, ``prov.uv_lock`` (sha256 of
  uv.lock), ``prov.wall_s``,
  ``prov.cpu_s``, ``prov.maxrss_mb`` (the worker's peak so far), ``prov.started_utc``,
  ``prov.host``, ``prov.launcher``, ``prov.timing.*``, ``prov.overrides``
  (JSON list) and ``prov.params`` (JSON list of this row's parameter column names).

Everything outside ``prov.*`` is deterministic: the same sweep gives the same table whatever the
launcher, worker count or job order (``sim.sweep.store.deterministic_columns``).

Several multiruns may share one store (same ``hydra.sweep.dir``) if each has its own
``hydra.sweep.subdir`` (e.g. ``part3/${hydra.job.num}``): runs are keyed by config hash only.

Use::

    from sim.sweep import load_study, param_columns
    df = load_study("multirun/my_sweep")   # a sweep dir, its runs/ dir, or a study .parquet
    df.groupby(param_columns(df))["support.international.support_home"].mean()
"""

from __future__ import annotations

__all__ = ["config_hash", "load_study", "metric_columns", "param_columns"]


def __getattr__(name: str):
    # Lazy: importing sim.sweep must stay cheap (it runs inside every sweep job).
    if name in __all__:
        from sim.sweep import store

        return getattr(store, name)
    raise AttributeError(name)
