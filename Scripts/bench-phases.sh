#!/bin/bash
# Training step time of each gradual-unfreezing phase of Graphs/strategies/layered.yaml against its
# full program and full fine-tuning (Graphs/multitask.yaml), interleaved, with medians:
#   [N=5] [SEQ=32] [BIN=.build/release/mtstc] Scripts/bench-phases.sh
set -e
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/mtstc}; OUT=${OUT:-runs/bench-phases}; N=${N:-5}; SEQ=${SEQ:-32}; mkdir -p "$OUT"
$BIN compile Graphs/strategies/layered.yaml -o $OUT/layered.plan > /dev/null
$BIN compile Graphs/multitask.yaml -o $OUT/multitask.plan > /dev/null
rows=$OUT/rows-seq$SEQ.txt; : > $rows
for r in $(seq $N); do
  for w in "layered --phase 0" "layered --phase 1" "layered" "multitask"; do
    set -- $w; plan=$1; shift
    ms=$($BIN bench --graph $OUT/$plan.plan --train --batch 32 --seq $SEQ "$@" --seconds 4 --iterations 3 --json 2>/dev/null \
         | python3 -c 'import sys,json; d=json.load(sys.stdin); print(1000 * d["seconds"] / d["iterations"])')
    echo "$r $plan${1:+ phase $2} $ms" | tee -a $rows
  done
done
python3 - "$rows" <<'PY'
import sys, statistics, collections
runs = collections.OrderedDict()
for line in open(sys.argv[1]):
    parts = line.split()
    runs.setdefault(" ".join(parts[1:-1]), []).append(float(parts[-1]))
full = statistics.median(runs["layered"])
for name, ms in runs.items():
    m = statistics.median(ms)
    print(f"{name:20s} median {m:8.1f} ms/step  ({len(ms)} runs, {min(ms):.1f}–{max(ms):.1f})  vs layered full program {m / full:.2f}")
PY
