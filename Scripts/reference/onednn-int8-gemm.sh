#!/bin/sh
# oneDNN's int8 and fp32 GEMM rates on the shapes of `mtstc bench --gemm shapes --int8`, for the
# "int8 GEMM" table in Docs/BENCHMARKS.md. Needs gcc and Debian's libdnnl-dev (2.6.x).
#   Scripts/reference/onednn-int8-gemm.sh [SECONDS_PER_MEASUREMENT]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O2 -o "$out/onednn_int8_gemm" "$here/onednn_int8_gemm.c" -ldnnl
OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)} "$out/onednn_int8_gemm" "${1:-2}"
