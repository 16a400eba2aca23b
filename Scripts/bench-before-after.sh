#!/bin/bash
# Interleaved before/after of two mtstc builds on the same machine: OLD=... [NEW=...] [N=5] Scripts/bench-before-after.sh
set -e
cd "$(dirname "$0")/.."
OLD=${OLD:?path to the older mtstc}; NEW=${NEW:-.build/release/mtstc}; OUT=${OUT:-runs/bench-before-after}; mkdir -p "$OUT"
$OLD compile Graphs/multitask.yaml -o $OUT/old-minilm.plan > /dev/null
$NEW compile Graphs/multitask.yaml -o $OUT/new-minilm.plan > /dev/null
$OLD compile Graphs/bert-base.yaml -o $OUT/old-bb.plan > /dev/null
$NEW compile Graphs/bert-base.yaml -o $OUT/new-bb.plan > /dev/null
N=${N:-5}
for r in $(seq $N); do
  for w in "minilm --batch 32 --seq 32" "minilm --batch 32 --seq 128" "minilm --batch 32 --seq 32 --train" "bb --batch 32 --seq 32" "bb --batch 32 --seq 32 --train"; do
    set -- $w; m=$1; shift
    for v in old new; do
      bin=$OLD; [ $v = new ] && bin=$NEW
      s=$($bin bench --graph $OUT/$v-$m.plan "$@" --seconds 4 --iterations 2 --json 2>/dev/null | python3 -c 'import sys,json; d=json.load(sys.stdin); print(d.get("sentences_per_second") or d.get("sentences_per_sec") or d)')
      echo "$r $v $m $* $s"
    done
  done
done
