#!/usr/bin/env bash
# Data-parallel scaling on this machine (the table in Docs/DISTRIBUTED.md and Docs/BENCHMARKS.md):
#   1. `mtstc bench --train` on MiniLM (Graphs/multitask.yaml, batch 32 × seq 32) as
#      1 rank × 1 thread, 1 rank × 2 threads, 2 ranks × 1 thread over shared memory and
#      2 ranks × 1 thread over TCP loopback; ROUNDS rounds, the configurations interleaved so
#      that each round's numbers are taken back to back; the median of each and its ratios.
#   2. The all-reduce of MiniLM's and bert-base's gradients (their trainable parameters × 4
#      bytes, in 25 MiB buckets and whole) on 2 ranks, shared memory and TCP loopback, measured
#      by Scripts/allreduce-bench.c beside the cost model's prediction from the measured
#      latency and bandwidth.
#
#   bash Scripts/bench-scaling.sh                     # after a release build
#   ROUNDS=5 SECONDS_PER=30 BERT=1 bash Scripts/bench-scaling.sh   # longer, and bert-base's step too
set -euo pipefail
cd "$(dirname "$0")/.."

mtstc=${MTSTC:-.build/release/mtstc}
rounds=${ROUNDS:-3}
seconds=${SECONDS_PER:-20}
[[ -x "$mtstc" ]] || { echo "bench-scaling: no $mtstc; build with: swift build -c release" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "bench-scaling: mpirun not found (Scripts/setup-debian.sh installs openmpi-bin)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Root needs --allow-run-as-root; --oversubscribe lets 2 ranks share fewer cores when asked.
mpirun=(mpirun --allow-run-as-root --oversubscribe)
tcp=(--mca btl tcp,self --mca btl_tcp_if_include lo)

models=(multitask)
[[ "${BERT:-0}" == "1" ]] && models+=(bert-base)
for m in multitask bert-base; do
  "$mtstc" compile "Graphs/$m.yaml" -o "$work/$m.plan" --json 2>/dev/null >"$work/$m.json"
done

echo "== training steps, batch 32 × seq 32, $rounds rounds of ${seconds} s each (loaded machines make noisy numbers)"
results="$work/results.jsonl"
for m in "${models[@]}"; do
  bench=("$mtstc" bench --graph "$work/$m.plan" --batch 32 --seq 32 --train --json --seconds "$seconds")
  for ((r = 1; r <= rounds; r++)); do
    for config in "1x1" "1x2" "2x1-shm" "2x1-tcp"; do
      case $config in
        1x1) line=$("${bench[@]}" --threads 1) ;;
        1x2) line=$("${bench[@]}" --threads 2) ;;
        2x1-shm) line=$("${mpirun[@]}" -np 2 "${bench[@]}" --threads 1) ;;
        2x1-tcp) line=$("${mpirun[@]}" "${tcp[@]}" -np 2 "${bench[@]}" --threads 1) ;;
      esac
      echo "{\"model\": \"$m\", \"config\": \"$config\", \"round\": $r, \"bench\": $line}" | tee -a "$results"
    done
  done
done

python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
names = {"1x1": "1 rank × 1 thread", "1x2": "1 rank × 2 threads", "2x1-shm": "2 ranks × 1 thread, shared memory",
         "2x1-tcp": "2 ranks × 1 thread, TCP loopback"}
print("\n| model | configuration | sentences/s per round | median | vs 1 × 1 | vs 1 × 2 threads |")
print("|---|---|---|---|---|---|")
for model in dict.fromkeys(r["model"] for r in rows):
    med = {}
    for c in names:
        v = [r["bench"]["sentences_per_second"] for r in rows if r["model"] == model and r["config"] == c]
        if v:
            med[c] = (v, statistics.median(v))
    for c, (v, m) in med.items():
        print(f"| {model} | {names[c]} | {', '.join(f'{x:.1f}' for x in v)} | {m:.1f} | "
              f"{m / med['1x1'][1]:.2f}× | {m / med['1x2'][1]:.2f}× |")
PY

echo
echo "== all-reduce of the gradients on 2 ranks (JSON lines: measured vs the cost model)"
mpicc -O2 -o "$work/allreduce-bench" Scripts/allreduce-bench.c
bucket=$((25 << 20))
sizes=()
for m in multitask bert-base; do
  bytes=$(python3 -c "import json,sys; print(4 * json.load(open(sys.argv[1]))['params']['trainable'])" "$work/$m.json")
  sizes+=("$bytes:$bucket" "$bytes")
done
echo "-- shared memory"
"${mpirun[@]}" -np 2 "$work/allreduce-bench" "${sizes[@]}"
echo "-- TCP loopback"
"${mpirun[@]}" "${tcp[@]}" -np 2 "$work/allreduce-bench" "${sizes[@]}"
