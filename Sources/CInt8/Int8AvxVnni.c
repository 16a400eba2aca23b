// AVX-VNNI int8 GEMM: vpdpbusd on ymm adds four u8·s8 products straight into each int32 lane,
// no 16-bit intermediate, so full 8-bit weights are exact.
#include "Int8Internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang attribute push(__attribute__((target("avx2,fma,avxvnni"))), apply_to = function)
#include "Int8YmmMath.h"

static inline __attribute__((always_inline)) __m256i mtst_dot4(__m256i acc, __m256i a, __m256i b) {
    return _mm256_dpbusd_avx_epi32(acc, a, b);
}

#define MTST_YMM_NAME(x) mtst_i8_##x##_avxvnni
#define MTST_YMM_MR 6
#include "Int8YmmKernel.h"
#pragma clang attribute pop
#endif
