// AVX2 int8 GEMM: vpmaddubsw multiplies u8 activations by s8 weights and adds adjacent pairs
// into int16 WITH SATURATION: 255·127·2 = 64770 > 32767, so with full 8-bit weights a pair
// sum can clip. mtstc's answer (as ONNX Runtime's reduce_range and oneDNN's AVX2 path) is 7-bit
// weights: weights meant for this kernel are quantized to [−63, 63] (Int8PackedWeights), and
// 255·63·2 = 32130 fits, so every pair sum is exact and vpmaddwd(·, 1) widens them to int32
// exactly. The Swift dispatcher never hands this kernel weights with |Wq| > 63.
#include "Int8Internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "Int8YmmMath.h"

static inline __attribute__((always_inline)) __m256i mtst_dot4(__m256i acc, __m256i a, __m256i b) {
    __m256i pairs = _mm256_maddubs_epi16(a, b);  // a unsigned, b signed; exact for |b| ≤ 63
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

#define MTST_YMM_NAME(x) mtst_i8_##x##_avx2
#define MTST_YMM_MR 4
#include "Int8YmmKernel.h"
#pragma clang attribute pop
#endif
