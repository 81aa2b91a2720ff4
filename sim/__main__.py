"""``python -m sim [overrides]``: run one simulation (or a Hydra multirun with -m)."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.cli import CONF_DIR, guarded, precheck
from sim.config.store import register
from sim.config.validate import to_sim_config
from sim.errors import ConfigError

# conf/hydra/launcher/*.yaml replace the launcher plugins' entries of the same name on purpose.
warnings.filterwarnings(
    "ignore", message=r"\s*'hydra/launcher/\w+' is validated against ConfigStore"
)
INFO_FLAGS = {
    "--help",
    "-h",
    "--hydra-help",
    "--info",
    "-i",
    "--cfg",
    "-c",
    "--resolve",
    "--shell-completion",
    "-sc",
    "--version",
}


CLOCK_PROVENANCE = ("wall_s", "started_utc", "host")  # differ between identical runs


def run_provenance(sc: Any, argv: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(provenance for summary.json, clock part for timing.json) of one run started with
    ``python -m sim <argv>``: the sweep's provenance (commit, dirty flag, package versions,
    config hash) plus the command line, without the run directory (hydra.* overrides)."""
    from datetime import UTC, datetime

    from sim.cli import first_values
    from sim.sweep.provenance import provenance
    from sim.sweep.store import config_hash

    overrides = first_values([a for a in argv if not a.startswith("-")])
    started = datetime.now(UTC).isoformat(timespec="seconds")
    prov = provenance(config_hash(sc), sc.seed, 0.0, started, "single", overrides)
    prov["command"] = " ".join(["python -m sim", *overrides])
    clock = {k: prov.pop(k) for k in CLOCK_PROVENANCE if k in prov}
    clock.pop("wall_s", None)  # timing.json has build_s and run_s
    return prov, clock


@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def task(cfg: DictConfig) -> dict:
    from sim.api import run
    from sim.report import print_summary

    hc = HydraConfig.get()
    if hc.mode == RunMode.MULTIRUN:  # results store, skip-if-finished, failure records: sim.sweep
        from sim.sweep.job import run_job

        return run_job(cfg, hc)
    try:
        sc = to_sim_config(cfg)
    except ConfigError as e:
        print(e.line(), file=sys.stderr)
        sys.exit(2)
    out = Path(hc.runtime.output_dir)
    prov = run_provenance(sc, sys.argv[1:])
    res = guarded(run, sc, out=out, progress=sc.output.progress, provenance=prov)
    if not sc.output.quiet:
        print_summary(res.summary, out)
        from sim.outputs import timing_line

        if timing_line(res.summary):
            print(timing_line(res.summary))
    return res.summary


def main() -> None:
    argv = sys.argv[1:]
    info = INFO_FLAGS.intersection(argv)
    if info and {"-m", "--multirun"}.intersection(argv):
        print(
            "error: --multirun (-m) cannot be combined with an information flag "
            f"({', '.join(sorted(info))}); give one of them",
            file=sys.stderr,
        )
        sys.exit(2)
    if not info:
        precheck(argv)
    register(CONF_DIR)
    task()


if __name__ == "__main__":
    main()
