#!/usr/bin/env bash
# Sanitizers over the test suite (see Docs/RELIABILITY.md, "Fuzzing and sanitizers").
#
#   Scripts/sanitize.sh                 both runs below
#   Scripts/sanitize.sh thread [FILTER] Thread Sanitizer over the kernel and worker-pool tests
#                                       (FILTER defaults to MTSTKernelsTests), in .build-tsan
#   Scripts/sanitize.sh address [FILTER] Address Sanitizer over the whole suite (or FILTER), in .build-asan
#
# Both build the release configuration (the one that ships, -O with bounds checks) with
# -enable-testing, as Scripts/test.sh does. JOBS limits build jobs. Output goes to
# .build-tsan/sanitize.log and .build-asan/sanitize.log, sanitizer reports to one file per
# process in .build-tsan/reports and .build-asan/reports. Exits non-zero when a test fails or a
# sanitizer reports anything, even a report that did not fail a test.
set -uo pipefail
cd "$(dirname "$0")/.."
# Leaks inside the toolchain (XCTest, Foundation.Process) are suppressed by name; see the file.
export LSAN_OPTIONS="suppressions=$PWD/Scripts/lsan-suppressions.txt:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

mode=${1:-all}
filter=${2:-}
failed=0

run() { # name sanitizer scratch filter
    local name=$1 sanitizer=$2 scratch=$3 filter=$4
    local log=$scratch/sanitize.log
    local flags=(-c release --sanitize="$sanitizer" -Xswiftc -enable-testing --scratch-path "$scratch")
    mkdir -p "$scratch"
    echo "== $name: building in $scratch"
    if ! swift build "${flags[@]}" --build-tests ${JOBS:+-j "$JOBS"} >"$scratch/build.log" 2>&1; then
        tail -20 "$scratch/build.log"
        echo "== $name: build FAILED (log: $scratch/build.log)"
        failed=1
        return
    fi
    echo "== $name: testing ${filter:-the whole suite} (log: $log)"
    # Every process writes its reports to its own file here, the test runner and the mtstc
    # processes the CLI tests start alike (a report in a child could otherwise pass as the
    # non-zero exit a bad-input test expects).
    local reportDir=$PWD/$scratch/reports
    rm -rf "$reportDir" && mkdir -p "$reportDir"
    local start=$SECONDS status
    ASAN_OPTIONS="log_path=$reportDir/report${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    TSAN_OPTIONS="log_path=$reportDir/report${TSAN_OPTIONS:+:$TSAN_OPTIONS}" \
        swift test "${flags[@]}" --skip-build ${filter:+--filter "$filter"} >"$log" 2>&1
    status=$?
    local reports
    reports=$(find "$reportDir" -type f -size +0 | wc -l)
    grep -m1 "Test run with .* passed\|Test run with .* failed" "$log" | sed 's/^.*Test run/   Test run/'
    if [[ $status != 0 || $reports != 0 ]]; then
        echo "== $name: FAILED (exit $status, $reports processes with sanitizer reports in $reportDir, $((SECONDS - start)) s)"
        local first
        first=$(find "$reportDir" -type f -size +0 | head -1)
        if [[ -n "$first" ]]; then head -30 "$first"; else grep -m10 "✘\|error:" "$log"; fi
        failed=1
    else
        echo "== $name: clean ($((SECONDS - start)) s)"
    fi
}

case "$mode" in
    thread) run "Thread Sanitizer" thread .build-tsan "${filter:-MTSTKernelsTests}" ;;
    address) run "Address Sanitizer" address .build-asan "$filter" ;;
    all)
        run "Thread Sanitizer" thread .build-tsan MTSTKernelsTests
        run "Address Sanitizer" address .build-asan "" ;;
    *) echo "sanitize.sh: mode must be thread, address or all, got '$mode'" >&2; exit 2 ;;
esac
exit $failed
