#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: install what is missing, fetch the assets
# (so the parity tests against the real model run), build and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash Scripts/setup-debian.sh
bash Scripts/fetch-assets.sh
swift build --build-tests
swift test --skip-build
