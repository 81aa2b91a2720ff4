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
    config hash, input files' digests) plus the command line, without the run directory
    (hydra.* overrides)."""
    from datetime import UTC, datetime

    from sim.cli import first_values
    from sim.config.compose import source_from_argv
    from sim.sweep.provenance import provenance
    from sim.sweep.store import config_hash, input_digests

    overrides = first_values(source_from_argv(argv).overrides)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    prov = provenance(config_hash(sc), sc.seed, 0.0, started, "single", overrides)
    prov["command"] = " ".join(["python -m sim", *overrides])
    prov["inputs"] = input_digests(sc)  # as a sweep row's prov.inputs: the file, not its name
    clock = {k: prov.pop(k) for k in CLOCK_PROVENANCE if k in prov}
    clock.pop("wall_s", None)  # timing.json has build_s and run_s
    return prov, clock


@hydra.main(config_path=str(CONF_DIR), config_name="config", version_base="1.3")
def task(cfg: DictConfig) -> dict:
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
    res = guarded(run_claimed, sc, out, sc.output.progress, prov)
    if not sc.output.quiet:
        print_summary(res.summary, out)
        from sim.outputs import timing_line

        if timing_line(res.summary):
            print(timing_line(res.summary))
    return res.summary


def run_claimed(sc, out: Path, progress: bool, provenance: Any = None):
    """One run into ``out``, which it holds alone (sim.rundir); a failed write is one line."""
    from sim.api import run
    from sim.memory import output_bytes
    from sim.rundir import KEY, claimed

    with claimed(out, sc.output.overwrite, output_bytes(sc)):
        try:
            return run(sc, out=out, progress=progress, provenance=provenance)
        except OSError as e:
            where = f"{e.filename}: " if e.filename else f"{out}: "
            raise ConfigError(KEY, f"{where}could not write ({e.strerror or e})") from None


def check_run_dir(argv: list[str]) -> None:
    """The single run's directory, before Hydra creates it: writable, not holding a run."""
    from sim.rundir import check_target, check_writable

    given = [a.split("=", 1)[1] for a in argv if a.startswith("hydra.run.dir=")]
    sweep = [a.split("=", 1)[1] for a in argv if a.startswith("hydra.sweep.dir=")]
    overwrite = "output.overwrite=true" in argv
    try:
        if sweep and {"-m", "--multirun"}.intersection(argv):
            check_sweep_dir(sweep[-1])
        elif given:
            check_target(given[-1], overwrite)
        elif not {"-m", "--multirun"}.intersection(argv):
            # the default dir is a new, unique folder under outputs/: only writability counts
            check_writable(Path("outputs"))
    except ConfigError as e:
        print(e.line(), file=sys.stderr)
        sys.exit(2)


def check_sweep_dir(given: str) -> None:
    """A multirun's store: named (empty would mean the current directory) and writable."""
    from sim.rundir import check_writable

    given = given.strip().strip("'\"")
    if not given:
        raise ConfigError("hydra.sweep.dir", "is empty; give a directory for the sweep's store")
    check_writable(Path(given).expanduser(), "hydra.sweep.dir")


def main() -> None:
    try:
        _main()
    except KeyboardInterrupt:
        if {"-m", "--multirun"}.intersection(sys.argv[1:]):
            what = "the sweep was stopped; the same command finishes it (finished runs are kept)"
        else:
            what = "the run was stopped; its directory is marked INTERRUPTED"
        print(f"interrupted (Ctrl-C): {what}", file=sys.stderr)
        sys.exit(130)


def _main() -> None:
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
        check_run_dir(argv)
        precheck(argv)
    register(CONF_DIR)
    task()


if __name__ == "__main__":
    main()
