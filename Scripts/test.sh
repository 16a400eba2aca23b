#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: install what is missing, fetch the assets
# (so the parity tests against the real model run), build and run every test. Test-only
# packages (chromium for the report render test) are installed too, and required.
# Tests run on the optimised build (-enable-testing keeps @testable imports working): the
# parity and training tests push the real 22M-parameter model through the kernels, which a
# debug build runs tens of times slower.
set -euo pipefail
cd "$(dirname "$0")/.."

MTSTC_TEST_DEPS=1 bash Scripts/setup-debian.sh
# The chromium render test may not skip itself here.
export MTSTC_REQUIRE_CHROMIUM=1
# Nor may the mpirun tests (DataParallelTests): setup-debian.sh installs openmpi-bin.
export MTSTC_REQUIRE_MPI=1
bash Scripts/fetch-assets.sh
# The Dockerfile cannot be built without a container registry; it is linted instead.
bash Scripts/lint-dockerfile.sh
swift build -c release --build-tests -Xswiftc -enable-testing
swift test -c release --skip-build -Xswiftc -enable-testing
