#!/usr/bin/env bash
# Installs the Debian packages mtstc builds against, plus pip for Scripts/fetch-assets.sh.
# Idempotent: installs only what is missing and runs apt-get update only then.
# MTSTC_BLAS=blis also installs libblis-dev (see Package.swift). MTSTC_TEST_DEPS=1 (set by
# Scripts/test.sh) also installs what only tests need: chromium, which renders `mtstc compare`'s
# report in ChromiumRenderTests.
set -euo pipefail

# Open MPI: the default build links it (data-parallel training under mpirun).
wanted=(libopenblas-dev libyaml-dev pkg-config libopenmpi-dev openmpi-bin)
[[ "${MTSTC_BLAS:-openblas}" == "blis" ]] && wanted+=(libblis-dev)
[[ "${MTSTC_TEST_DEPS:-0}" == "1" ]] && wanted+=(chromium)
# pip may come from pyenv or a venv rather than Debian; only ask apt when python3 has none.
command -v python3 >/dev/null 2>&1 || wanted+=(python3)
python3 -m pip --version >/dev/null 2>&1 || wanted+=(python3-pip)

installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == "installed" ]]
}

missing=()
for p in "${wanted[@]}"; do installed "$p" || missing+=("$p"); done
if (( ${#missing[@]} == 0 )); then
  echo "setup-debian: nothing to install"
  exit 0
fi

sudo=()
if (( EUID != 0 )); then
  command -v sudo >/dev/null 2>&1 || { echo "setup-debian: run as root to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "setup-debian: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup-debian: done"
