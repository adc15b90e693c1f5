#!/usr/bin/env bash
# Make the virtual environment at .venv with every package of the design card, ready to run `seamline`.
# torch and torchvision go first, at the versions this machine keeps on disk (CUDA builds that also run on
# the CPU); the project's own requirements are ranges those two satisfy, so pip downloads no other torch.
# Safe to run again: an existing .venv is reused and only what changed is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
if ! .venv/bin/python -c "import torch, torchvision" >/dev/null 2>&1; then
  echo "setup: installing torch 2.14.1 + torchvision 0.29.1 (about a minute)" >&2
  .venv/bin/python -m pip install --quiet torch==2.14.1 torchvision==0.29.1
fi
echo "setup: installing seamline and its dependencies" >&2
.venv/bin/python -m pip install --quiet -e ".[test]"
.venv/bin/python -m pip check >&2
