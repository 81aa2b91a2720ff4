#!/usr/bin/env bash
# Create or reuse the project's Python >= 3.12 virtual environment.
#
#   py="$(scripts/ensure_env.sh)"      # executed: prints the venv's python on stdout
#   source scripts/ensure_env.sh       # sourced: exports INFOWAR_PYTHON
#
# The venv lives outside the clone (default ~/.cache/infowar-sim/venv-<hash of
# pyproject.toml>, override with INFOWAR_VENV) so every fresh clone reuses it.
# Only the dependencies (core + every extra) are installed, never the package
# itself: callers run it from their clone with PYTHONPATH=<repo root>.
# All messages go to stderr; stdout carries only the python path.

# The body runs in a subshell so `set -e` and `exit` never leak into a sourcing shell.
_infowar_ensure_env() (
  set -euo pipefail
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  pyproject="$root/pyproject.toml"
  hash="$(sha256sum "$pyproject" | cut -c1-12)"
  venv="${INFOWAR_VENV:-$HOME/.cache/infowar-sim/venv-$hash}"
  stamp="$venv/.infowar-env-ok"

  is_312() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

  # Fast path: healthy venv whose stamp matches this pyproject.toml.
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]] && is_312 "$venv/bin/python"; then
    echo "$venv/bin/python"; exit 0
  fi

  # Find a 3.12+ interpreter. A pyenv shim may exist yet fail outside a
  # directory pinning 3.12, hence the probe rather than `command -v` alone.
  base=""
  pyenv_root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
  for cand in "$(command -v python3.12 || true)" "$pyenv_root"/versions/3.12*/bin/python3 \
              "$(command -v python3 || true)"; do
    if [[ -n "$cand" && -x "$cand" ]] && is_312 "$cand"; then
      base="$("$cand" -c 'import sys; print(sys.executable)')"   # resolve shims
      break
    fi
  done
  if [[ -z "$base" ]]; then
    echo "ensure_env: no Python >= 3.12 found (tried python3.12, $pyenv_root/versions/3.12*, python3); install Python 3.12+ and retry" >&2
    exit 1
  fi

  mkdir -p "$(dirname "$venv")"
  # Serialize concurrent set-ups of the same venv (e.g. parallel CI jobs).
  if command -v flock >/dev/null; then
    exec 9>"$venv.lock"; flock 9
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]] && is_312 "$venv/bin/python"; then
      echo "$venv/bin/python"; exit 0   # another process finished it meanwhile
    fi
  fi

  echo "setting up the Python environment in $venv (first run only, a few minutes)" >&2
  rm -f "$stamp"
  if ! is_312 "$venv/bin/python"; then   # missing or broken (e.g. base interpreter gone)
    rm -rf "$venv"
    "$base" -m venv "$venv"
  fi

  # Dependencies = project.dependencies + every extra, expanding self-references
  # such as "infowar-sim[sweep,ray]".
  "$venv/bin/python" - "$pyproject" >"$venv/requirements.txt" <<'PY'
import re, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
extras = project.get("optional-dependencies", {})
norm = lambda s: re.sub(r"[-_.]+", "-", s).lower()
out, seen = [], set()
def add(reqs):
    for req in reqs:
        m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*\[([^\]]*)\]", req)
        if m and norm(m[1]) == norm(project["name"]):
            for extra in (e.strip() for e in m[2].split(",")):
                if extra and extra not in seen:
                    seen.add(extra); add(extras[extra])
        elif req not in out:
            out.append(req)
add(project.get("dependencies", []))
for extra in extras:
    if extra not in seen:
        seen.add(extra); add(extras[extra])
print("\n".join(out))
PY

  log="$venv/install.log"
  if ! "$venv/bin/python" -m pip install --disable-pip-version-check -r "$venv/requirements.txt" >"$log" 2>&1; then
    echo "ensure_env: dependency install failed; last lines of $log:" >&2
    grep -v "is ignored: it is neither a file nor a directory" "$log" | tail -n 25 >&2 || true
    exit 1
  fi
  echo "$hash" >"$stamp"
  echo "$venv/bin/python"
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
