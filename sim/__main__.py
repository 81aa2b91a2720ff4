"""``python -m sim [overrides]``: run one simulation (or a Hydra multirun with -m)."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

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
    res = guarded(run, sc, out=out, progress=sc.output.progress, argv=sys.argv[1:])
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
