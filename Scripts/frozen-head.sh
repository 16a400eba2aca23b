#!/usr/bin/env bash
# How a trained, then frozen head degrades as the backbone moves under the other task (issue 9).
#
# Stage 1 trains Graphs/multitask.yaml (both heads) for EPOCHS1 epochs into
# runs/frozen-head/stage1. Stage 2 starts both specs of Graphs/experiments/frozen-slot-head-*.yaml
# from stage 1's model.safetensors and heads.safetensors, with the slot head frozen, and trains
# EPOCHS2 epochs with one `mtstc compare` into runs/frozen-head/stage2:
#   (a) frozen-slot-head-intent-only: losses.slots 0, the backbone moves for the intent task only;
#   (b) frozen-slot-head-both-losses: losses.slots 1, the frozen head's loss still shapes the backbone.
# The slot F1 per epoch (stage2/report.md, metrics.jsonl of each run) against stage 1's last
# epoch (printed at the end) is the measurement.
#
#   Scripts/frozen-head.sh                                     # LIMIT=1500 EPOCHS1=2 EPOCHS2=3
#   LIMIT=64 EPOCHS1=1 EPOCHS2=1 OUT=runs/frozen-head-smoke Scripts/frozen-head.sh   # smoke run
#
# Resumable: a finished stage 1 is kept (a killed one is resumed), and `mtstc compare` skips
# finished stage-2 runs. The stage-2 specs name runs/frozen-head/stage1, so with another OUT the
# stage-1 files are linked there.
set -euo pipefail
cd "$(dirname "$0")/.."

limit="${LIMIT:-1500}"
epochs1="${EPOCHS1:-2}"
epochs2="${EPOCHS2:-3}"
out="${OUT:-runs/frozen-head}"
mtstc="${MTSTC:-.build/release/mtstc}"

[[ -n "${MTSTC:-}" ]] || swift build -c release --product mtstc
mkdir -p "$out"
stage1="$out/stage1"

# Stage 1: both heads train; done once the run has EPOCHS1 rows of metrics.
rows=0
[[ -f "$stage1/metrics.jsonl" ]] && rows=$(wc -l < "$stage1/metrics.jsonl")
if (( rows < epochs1 )); then
    "$mtstc" compile Graphs/multitask.yaml -o "$out/stage1.plan"
    if [[ -f "$stage1/latest" ]]; then
        "$mtstc" run --graph "$out/stage1.plan" --epochs "$epochs1" --limit "$limit" --resume "$stage1"
    else
        "$mtstc" run --graph "$out/stage1.plan" --epochs "$epochs1" --limit "$limit" --out "$stage1"
    fi
else
    echo "frozen-head: stage 1 already has $rows epochs in $stage1"
fi

# The stage-2 specs read runs/frozen-head/stage1/: point it at this stage 1 when OUT differs.
if [[ "$(realpath -m "$out")" != "$(realpath -m runs/frozen-head)" ]]; then
    if [[ -e runs/frozen-head/stage1 && ! -L runs/frozen-head/stage1 ]]; then
        echo "frozen-head: runs/frozen-head/stage1 is another run; use OUT=runs/frozen-head or move it" >&2
        exit 1
    fi
    mkdir -p runs/frozen-head
    ln -sfn "$(realpath "$stage1")" runs/frozen-head/stage1
fi

# Stage 2: both variants, from stage 1's files.
"$mtstc" compare Graphs/experiments/frozen-slot-head-*.yaml --epochs "$epochs2" --limit "$limit" --out "$out/stage2"

echo "frozen-head: stage 1 (both heads training), last epoch:"
tail -n 1 "$stage1/metrics.jsonl"
echo "frozen-head: stage 2 report in $out/stage2/report.md; per-epoch metrics:"
for run in "$out"/stage2/*/run/metrics.jsonl; do
    echo "== $run"
    cat "$run"
done
