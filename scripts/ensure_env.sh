#!/usr/bin/env bash
# Create or reuse the project's environment (.venv in the clone) exactly as uv.lock pins it.
#
#   py="$(scripts/ensure_env.sh)"      # executed: prints the environment's python on stdout
#   source scripts/ensure_env.sh       # sourced: exports INFOWAR_PYTHON
#
# uv does the work: `uv sync --locked` installs the locked versions of the dependencies and
# every extra (the suite needs most of them), and fails if pyproject.toml and uv.lock disagree
# (run `uv lock` after editing dependencies). The package itself is not installed: callers
# run it from the clone with PYTHONPATH=<repo root>. uv is taken from PATH, or installed once
# with pip into ~/.cache/infowar-sim/uv. Python is never downloaded: a local 3.12+ is used.
# All messages go to stderr; stdout carries only the python path.

# The body runs in a subshell so `set -e` and `exit` never leak into a sourcing shell.
_infowar_ensure_env() (
  set -euo pipefail
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  export UV_PYTHON_DOWNLOADS=never
  uv="$(bash "$root/scripts/find_uv.sh")"

  is_312() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }
  # A pyenv shim may exist yet fail outside a directory pinning 3.12, hence the probe.
  base=""
  pyenv_root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
  for cand in "$root/.venv/bin/python" "$(command -v python3.12 || true)" \
              "$pyenv_root"/versions/3.12*/bin/python3 "$(command -v python3 || true)"; do
    if [[ -n "$cand" && -x "$cand" ]] && is_312 "$cand"; then
      base="$cand"; break
    fi
  done
  if [[ -z "$base" ]]; then
    echo "ensure_env: no Python >= 3.12 found (tried python3.12, $pyenv_root/versions/3.12*, python3); install Python 3.12+ and retry" >&2
    exit 1
  fi
  [[ "$base" == "$root/.venv/bin/python" ]] || base="$("$base" -c 'import sys; print(sys.executable)')"

  log="$root/.venv-sync.log"
  if ! (cd "$root" && "$uv" sync --locked --all-extras --no-install-project --python "$base") \
      >"$log" 2>&1; then
    echo "ensure_env: 'uv sync --locked' failed; last lines of $log:" >&2
    tail -n 25 "$log" >&2
    exit 1
  fi
  # Bytecode, once per lock: where PYTHONDONTWRITEBYTECODE is set (these machines set it)
  # Python never caches compiled modules, so every process (each sweep worker, each test
  # subprocess) compiled about 1,000 modules of numpy/scipy/pandas/mesa/hydra again: about
  # 5 s of CPU per process. Python still reads existing .pyc files, so compile them here.
  stamp="$root/.venv/.bytecode-$(cksum <"$root/uv.lock" | cut -d' ' -f1)"
  if [[ ! -e "$stamp" ]]; then
    echo "ensure_env: compiling the environment to bytecode (once per uv.lock)" >&2
    if ! (cd "$root" && "$uv" sync --locked --all-extras --no-install-project --python "$base" \
        --compile-bytecode) >"$log" 2>&1; then
      echo "ensure_env: bytecode compilation failed; last lines of $log:" >&2
      tail -n 25 "$log" >&2
      exit 1
    fi
    rm -f "$root"/.venv/.bytecode-* && touch "$stamp"
  fi
  # The project's own modules (cheap when up to date; __pycache__ is ignored by git)
  "$root/.venv/bin/python" -m compileall -q -j 0 "$root/sim" "$root/hydra_plugins" \
    "$root/experiments" >/dev/null 2>&1 || true
  # The compiled spread engine, once per version of sim/kernel_jit.py: numba caches its
  # machine code beside the module, so the first run does not compile inside its first tick.
  warm="$root/sim/__pycache__/.numba-warm-$(cksum <"$root/sim/kernel_jit.py" | cut -d' ' -f1)"
  if [[ ! -e "$warm" ]]; then
    echo "ensure_env: compiling the fast spread kernel (once per change of sim/kernel_jit.py)" >&2
    if (cd "$root" && PYTHONPATH="$root" "$root/.venv/bin/python" scripts/warm_kernel.py) \
        >"$log" 2>&1; then
      rm -f "$root"/sim/__pycache__/.numba-warm-* && touch "$warm"
    else
      echo "ensure_env: warning: the kernel warm-up failed (the first run will compile it); see $log" >&2
    fi
  fi
  echo "$root/.venv/bin/python"
)

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then   # sourced
  if INFOWAR_PYTHON="$(_infowar_ensure_env)"; then
    export INFOWAR_PYTHON; unset -f _infowar_ensure_env
  else
    unset -f _infowar_ensure_env; return 1
  fi
else                                          # executed
  _infowar_ensure_env
fi
