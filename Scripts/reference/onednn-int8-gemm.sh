#!/bin/sh
# oneDNN against mtstc's int8 GEMM, for the "int8 GEMM" section of Docs/BENCHMARKS.md. Needs gcc,
# clang (CInt8 uses clang's target pragmas; the Swift toolchain ships one) and Debian's
# libdnnl-dev (2.6.x).
#   Scripts/reference/onednn-int8-gemm.sh [SECONDS_PER_MEASUREMENT] [ROUNDS]
# 1. dnnl_sgemm and dnnl_gemm_u8s8s32 on the shapes of `mtstc bench --gemm shapes`, $(nproc)
#    OpenMP threads: the table to put beside `mtstc bench --gemm shapes`.
# 2. One thread, in one process: mtstc's kernels (Sources/CInt8) and dnnl_gemm_u8s8s32 on the
#    same operands, interleaved, best of ROUNDS rounds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gcc -O2 -o "$out/onednn_int8_gemm" "$here/onednn_int8_gemm.c" -ldnnl
OMP_NUM_THREADS=${OMP_NUM_THREADS:-$(nproc)} "$out/onednn_int8_gemm" "${1:-2}"
echo
src="$here/../../Sources/CInt8"
${CLANG:-clang} -O2 -I"$src/include" -o "$out/int8_gemm_vs_onednn" "$here/int8_gemm_vs_onednn.c" "$src"/*.c -ldnnl -lm
OMP_NUM_THREADS=1 "$out/int8_gemm_vs_onednn" "${2:-12}"
