// erf and exact GELU on 8 floats with the operations of MTSTKernels' erf8/gelu8
// (VectorMath.swift, Kernels+GELU.swift), so the int8 epilogue's GELU equals `Kernels.gelu`.
// Included inside a `#pragma clang attribute` region that targets AVX2 + FMA.
#ifndef MTST_CINT8_YMM_MATH_H
#define MTST_CINT8_YMM_MATH_H
#include "Int8Internal.h"
#include <immintrin.h>

static inline __m256 mtst_erf8(__m256 x) {
    const __m256 bound = _mm256_set1_ps(MTST_ERF_BOUND);
    // min(bound, x) = bound < x ? bound : x, as Swift's replacing(with:where: x .> bound).
    __m256 xc = _mm256_min_ps(bound, x);
    xc = _mm256_max_ps(_mm256_sub_ps(_mm256_setzero_ps(), bound), xc);
    __m256 t = _mm256_mul_ps(xc, xc);
    __m256 num = _mm256_add_ps(_mm256_mul_ps(t, _mm256_set1_ps(MTST_ERF_N0)), _mm256_set1_ps(MTST_ERF_N1));
    num = _mm256_fmadd_ps(num, t, _mm256_set1_ps(MTST_ERF_N2));
    num = _mm256_fmadd_ps(num, t, _mm256_set1_ps(MTST_ERF_N3));
    num = _mm256_fmadd_ps(num, t, _mm256_set1_ps(MTST_ERF_N4));
    num = _mm256_fmadd_ps(num, t, _mm256_set1_ps(MTST_ERF_N5));
    __m256 den = _mm256_add_ps(_mm256_mul_ps(t, _mm256_set1_ps(MTST_ERF_D0)), _mm256_set1_ps(MTST_ERF_D1));
    den = _mm256_fmadd_ps(den, t, _mm256_set1_ps(MTST_ERF_D2));
    den = _mm256_fmadd_ps(den, t, _mm256_set1_ps(MTST_ERF_D3));
    den = _mm256_fmadd_ps(den, t, _mm256_set1_ps(MTST_ERF_D4));
    den = _mm256_fmadd_ps(den, t, _mm256_set1_ps(1.0f));
    __m256 r = _mm256_div_ps(_mm256_mul_ps(xc, num), den);
    const __m256 one = _mm256_set1_ps(1.0f);
    r = _mm256_min_ps(r, one);
    return _mm256_max_ps(r, _mm256_sub_ps(_mm256_setzero_ps(), one));
}

static inline __m256 mtst_gelu8(__m256 x) {
    __m256 e = mtst_erf8(_mm256_mul_ps(x, _mm256_set1_ps(MTST_GELU_RSQRT2)));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), x), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

/// Rounds half away from zero (Swift's `rounded()`, C's roundf): truncate, then step away
/// from zero when the dropped fraction is at least one half.
static inline __m256 mtst_round_away8(__m256 v) {
    __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    __m256 frac = _mm256_sub_ps(v, t);
    __m256 absMask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 half = _mm256_cmp_ps(_mm256_and_ps(frac, absMask), _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    __m256 step = _mm256_or_ps(_mm256_andnot_ps(absMask, v), _mm256_set1_ps(1.0f));  // ±1 with v's sign
    return _mm256_add_ps(t, _mm256_and_ps(half, step));
}

/// Quantizes 8 floats and stores them as 8 bytes.
static inline void mtst_quantize8(const float *x, uint8_t *q, __m256 inverse, __m256 zerof) {
    __m256 v = mtst_round_away8(_mm256_mul_ps(_mm256_loadu_ps(x), inverse));
    v = _mm256_add_ps(v, zerof);
    v = _mm256_min_ps(v, _mm256_set1_ps(255.0f));
    v = _mm256_max_ps(v, _mm256_setzero_ps());
    __m256i i = _mm256_cvttps_epi32(v);
    __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(i), _mm256_extracti128_si256(i, 1));
    _mm_storel_epi64((__m128i *)q, _mm_packus_epi16(w, w));
}

static inline void mtst_quantize_rows8(const float *x, size_t rows, size_t cols, size_t ldx,
                                       uint8_t *q, size_t ldq, float *scales, int32_t *zeros) {
    for (size_t r = 0; r < rows; r++) {
        const float *row = x + r * ldx;
        __m256 lo8 = _mm256_setzero_ps(), hi8 = _mm256_setzero_ps();
        size_t c = 0;
        for (; c + 8 <= cols; c += 8) {
            __m256 v = _mm256_loadu_ps(row + c);
            lo8 = _mm256_min_ps(lo8, v);
            hi8 = _mm256_max_ps(hi8, v);
        }
        float lo_s[8], hi_s[8];
        _mm256_storeu_ps(lo_s, lo8);
        _mm256_storeu_ps(hi_s, hi8);
        float lo = 0, hi = 0;
        for (int l = 0; l < 8; l++) {
            lo = lo_s[l] < lo ? lo_s[l] : lo;
            hi = hi_s[l] > hi ? hi_s[l] : hi;
        }
        for (; c < cols; c++) {
            lo = row[c] < lo ? row[c] : lo;
            hi = row[c] > hi ? row[c] : hi;
        }
        float scale, inverse, zerof;
        mtst_i8_row_params(lo, hi, &scale, &inverse, &zeros[r], &zerof);
        scales[r] = scale;
        uint8_t *qr = q + r * ldq;
        __m256 s8 = _mm256_set1_ps(inverse), z8 = _mm256_set1_ps(zerof);
        for (c = 0; c + 8 <= cols; c += 8) mtst_quantize8(row + c, qr + c, s8, z8);
        for (; c < cols; c++) qr[c] = mtst_i8_quantize_one(row[c], inverse, zerof);
        mtst_i8_pad_row(qr, cols, ldq);
    }
}
#endif
