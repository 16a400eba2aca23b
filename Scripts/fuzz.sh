#!/usr/bin/env bash
# libFuzzer over every reader of untrusted bytes (see Docs/RELIABILITY.md, "Fuzzing and sanitizers").
#
#   Scripts/fuzz.sh [TARGET|all] [SECONDS]     default: all targets, 600 s each, one after another
#   Scripts/fuzz.sh TARGET 0                   replay the seed and working corpora once, no fuzzing
#   Scripts/fuzz.sh list                       the targets and what each covers
#
# Targets: spec compile plan safetensors vocabulary tokenizer atis conll jsonl csv tsv.
# The harness (Sources/mtstc-fuzz) is built with -sanitize=fuzzer,address in .build-fuzz; it is
# part of the package only when MTSTC_FUZZ=1. Seeds come from Tests/Fuzz/Corpus/TARGET (in git)
# and, for plans, from .build-fuzz/seeds/plan (payloads of Graphs/tiny.yaml compiled by the current
# code, so they follow the plan format); what libFuzzer finds goes to .build-fuzz/corpus/TARGET,
# crash reproducers to
# .build-fuzz/crashes/TARGET/, logs to .build-fuzz/logs/TARGET.log.
# Environment: JOBS (build jobs), MTSTC_FUZZ_PLAN_RUN=1 (load every decoded plan and embed a sentence), MTSTC_FUZZ_ARGS (more
# libFuzzer flags, e.g. "-jobs=2" or "-dict=...").
# Exits 0 when every target ran clean, 1 at the first crash, hang or out-of-memory, 2 on misuse.
set -euo pipefail
cd "$(dirname "$0")/.."

all=(spec compile plan safetensors vocabulary tokenizer atis conll jsonl csv tsv)
target=${1:-all}
seconds=${2:-600}
scratch=.build-fuzz
bin=$scratch/release/mtstc-fuzz

if [[ "$target" == all ]]; then
    targets=("${all[@]}")
elif [[ "$target" == list ]]; then
    targets=()
elif [[ " ${all[*]} " == *" $target "* ]]; then
    targets=("$target")
else
    echo "fuzz.sh: unknown target '$target'; targets: ${all[*]}" >&2
    exit 2
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2
    exit 2
fi

echo "== building the fuzz harness (release, -sanitize=fuzzer,address) in $scratch"
MTSTC_FUZZ=1 swift build -c release --product mtstc-fuzz --scratch-path "$scratch" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld ${JOBS:+-j "$JOBS"} 2>&1 \
    | grep -v "warning: .*asan.*\(local\|hidden\) symbol" || true
[[ -x "$bin" ]] || { echo "fuzz.sh: build failed" >&2; exit 1; }

if [[ "$target" == list ]]; then
    MTSTC_FUZZ_TARGET=none "$bin" 2>&1 | tail -n +2 || true
    exit 0
fi

for t in "${targets[@]}"; do
    work=$scratch/corpus/$t
    seeds=Tests/Fuzz/Corpus/$t
    [[ $t == compile ]] && seeds=Tests/Fuzz/Corpus/spec    # the compile target starts from the specs
    generated=$scratch/seeds/$t     # seeds the harness makes with the current code (plan payloads)
    crashes=$scratch/crashes/$t/
    log=$scratch/logs/$t.log
    mkdir -p "$work" "$generated" "$crashes" "$(dirname "$log")"
    if [[ "$seconds" == 0 ]]; then
        limits=(-runs=0)
        echo "== $t: replaying $(ls "$seeds" | wc -l) seeds and $(ls "$work" | wc -l) found inputs"
    else
        limits=(-max_total_time="$seconds")
        echo "== $t: fuzzing for $seconds s (log: $log)"
    fi
    before=$(ls "$crashes" | wc -l)
    set +e
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: libFuzzer's default 2 GB, stated
    # so a finding of "absurd size accepted" reads as such.
    # Swift's own crash backtracer would fight ASan over the crashed process; libFuzzer reports.
    SWIFT_BACKTRACE=enable=no MTSTC_FUZZ_TARGET=$t MTSTC_FUZZ_SEED_DIR=$generated \
        "$bin" "$work" "$seeds" "$generated" "${limits[@]}" \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes" -print_final_stats=1 \
        ${MTSTC_FUZZ_ARGS:-} >"$log" 2>&1
    status=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    # -fork=N prints no final stats; its progress lines start with "#executions:".
    [[ -z "$runs" ]] && runs=$(sed -n 's/^#\([0-9]*\):.*/\1/p' "$log" | tail -1)
    corpus=$(ls "$work" | wc -l)
    found=$(( $(ls "$crashes" | wc -l) - before ))   # with -ignore_crashes=1 the status stays 0
    if [[ $status == 0 && $found == 0 ]]; then
        echo "   $t: clean, ${runs:-?} executions, $corpus inputs in $work"
        continue
    fi
    reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    [[ -z "$reproducer" ]] && reproducer=$(ls -t "$crashes"* 2>/dev/null | head -1)
    kind=$(grep -a -m1 -o 'ERROR: libFuzzer: [a-z -]*\|ERROR: AddressSanitizer: [a-z-]*' "$log" || echo "exit status $status")
    detail=$(grep -a -m1 -o 'fuzz invariant violated: .*\|Swift runtime failure: [A-Za-z -]*' "$log" || true)
    echo "   $t: FAILED after ${runs:-?} executions ($found new reproducers): $kind${detail:+ ($detail)}"
    echo "   reproducer: ${reproducer:-none written, see $log}"
    [[ -n "$reproducer" ]] && echo "   rerun: SWIFT_BACKTRACE=enable=no ${MTSTC_FUZZ_PLAN_RUN:+MTSTC_FUZZ_PLAN_RUN=$MTSTC_FUZZ_PLAN_RUN }MTSTC_FUZZ_TARGET=$t $bin $reproducer"
    echo "   log: $log"
    exit 1
done
