#!/usr/bin/env bash
# The README's run command: on a fresh Debian/Ubuntu machine, as root or as a user,
# install what is missing (Python's venv, a .venv with requirements.txt), then start
# the app. Run it again and it skips what is there. Extra arguments go to
# `streamlit run` (e.g. `bash run.sh --server.port 8502`).
set -euo pipefail
cd "$(dirname "$0")"

# System packages, only if missing; sudo only for a user who is not root.
packages=()
command -v python3 >/dev/null || packages+=(python3)
python3 -c "import ensurepip" 2>/dev/null || packages+=(python3-venv)
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || {
      echo "run.sh needs ${packages[*]}: install them as root, then run it again." >&2
      exit 1
    }
    sudo="sudo"
  fi
  echo "Installing ${packages[*]}…"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

python3 -c "import sys; sys.exit(sys.version_info < (3, 11))" || {
  echo "MNIST Studio needs Python 3.11 or newer (Debian 12, Ubuntu 24.04)." >&2
  exit 1
}

# The virtualenv: created once; pip runs only when a pinned package is missing
# or at another version (the check reads installed metadata, in under a second).
[ -x .venv/bin/python ] || python3 -m venv .venv
if ! .venv/bin/python - requirements.txt <<'EOF'; then
import sys
from importlib.metadata import PackageNotFoundError, version

for line in open(sys.argv[1]):
    name, _, pinned = line.split("#")[0].strip().partition("==")
    try:
        if name and version(name) != pinned:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
EOF
  echo "Installing the Python packages (about 2.6 GB, a few minutes)…"
  .venv/bin/python -m pip install -q -r requirements.txt
fi

# Two malloc heaps for all the sessions' threads instead of up to sixteen: a
# crowd's peak and what it leaves behind are smaller (mnist_core/serving/memory.py).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec .venv/bin/streamlit run streamlit_app.py "$@"
