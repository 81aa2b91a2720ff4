#!/usr/bin/env bash
# Rerun committed study reports under results/, each with its own one command, and time them.
#   bash scripts/reports.sh                  # every study, in the order below
#   bash scripts/reports.sh duel languages   # only these
# Each multirun study runs into multirun/<study> (a rerun resumes it; delete the folder after
# a change of the model: the store names runs by their config, not by the code's version),
# then `sim.analysis <study> --results` rewrites results/<study>/. Times go to
# results/reports_timing.md. After a rerun: `python -m sim.doctables` refreshes the findings
# quoted in docs/experiments.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=scripts/python
LOG=results/reports_timing.md
MULTIRUN=(compare_strategies duel response_delay languages volunteers)
ALL=("${MULTIRUN[@]}" mechanisms stylized_facts cascade_cost sobol morris optuna whatif_point
  calibration whatif sensitivity2020 robust)

run_multirun() {  # a Hydra multirun study and its analysis
  ./run.sh -m +experiment="$1" && "$PY" -m sim.analysis "$1" "multirun/$1" --results
}

run_one() {
  case "$1" in
    volunteers) run_multirun "$1" ;;
    duel) # seeds by precision: its 5 seeds per cell, then 10 at a time until the targets or 35
      ./run.sh -m +experiment=duel && "$PY" -m sim.analysis duel multirun/duel --results \
        --target support=0.0025 --target contested_support=0.0025 --target auc=0.1 \
        --target contested_auc=0.2 --add-seeds 10 --max-seeds 35 ;;
    compare_strategies) # seeds by precision: its 20 seeds, then 5 at a time until the targets or 55
      ./run.sh -m +experiment=compare_strategies && "$PY" -m sim.analysis compare_strategies \
        multirun/compare_strategies --results --target support=0.0025 \
        --target contested_support=0.0025 --target auc=0.05 --target contain=36 \
        --target contested_auc=0.1 --add-seeds 5 --max-seeds 55 ;;
    response_delay) # seeds by precision: its 10 seeds, then 15 at a time until the targets or 55
      ./run.sh -m +experiment=response_delay && "$PY" -m sim.analysis response_delay \
        multirun/response_delay --results --target support=0.0025 \
        --target contested_support=0.0025 --target auc=0.005 --target contain=24 \
        --target contested_auc=0.01 --add-seeds 15 --max-seeds 55 ;;
    languages) # seeds by precision: its 10 seeds, then 5 at a time until the targets or 35
      ./run.sh -m +experiment=languages && "$PY" -m sim.analysis languages multirun/languages \
        --results --target support=0.002 --target contested_support=0.002 --target auc=0.06 \
        --target contain=50 --target contested_auc=0.1 --add-seeds 5 --max-seeds 35 ;;
    mechanisms) "$PY" experiments/mechanisms.py --jobs 2 ;;
    stylized_facts) "$PY" experiments/stylized_facts.py ;;
    cascade_cost) "$PY" experiments/cascade_cost.py --n 100000 --reps 5 ;;  # a timing: idle cores
    sobol) "$PY" experiments/sobol.py ;;
    morris) "$PY" experiments/sobol.py --method morris ;;
    optuna) "$PY" experiments/optuna_mix.py ;;
    whatif_point)  # the Hydra what-if study on the fitted point (results/karabakh2020/whatif_point/)
      ./run.sh -m +experiment=whatif && "$PY" -m sim.analysis whatif multirun/whatif --results ;;
    calibration)  # the ABC fit, then the best member re-run at each scale
      "$PY" experiments/abc2020.py --population 50 --generations 5 --minutes 600 \
        --budget 100000 --apply &&
        "$PY" experiments/scale2020.py --scales 0.001 0.01 0.1 --seeds 6 3 1 &&
        "$PY" experiments/abc2020.py --report-only ;;
    whatif) "$PY" experiments/whatif2020.py --members 16 --seeds 2 ;;  # over the ensemble
    sensitivity2020) "$PY" experiments/sensitivity2020.py ;;
    robust) "$PY" experiments/robust.py ;;
    *)
      echo "error: unknown study '$1'; known: ${ALL[*]}" >&2
      return 2
      ;;
  esac
}

main() {
  local studies=("$@") s t0 t
  [ ${#studies[@]} -eq 0 ] && studies=("${ALL[@]}")
  [ -f "$LOG" ] || printf '| study | wall time (s) | finished (UTC) |\n|---|---|---|\n' >"$LOG"
  for s in "${studies[@]}"; do
    t0=$(date +%s)
    echo "== $s"
    run_one "$s"
    t=$(($(date +%s) - t0))
    printf '| %s | %d | %s |\n' "$s" "$t" "$(date -u '+%Y-%m-%d %H:%M')" >>"$LOG"
    echo "== $s done in ${t}s"
  done
}

# One call, parsed whole before it runs: editing this file while a rerun is under way
# cannot change what the running copy does next.
main "$@"
exit
