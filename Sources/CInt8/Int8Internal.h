// Declarations shared by the variant files of CInt8 (not part of the public header).
#ifndef MTST_CINT8_INTERNAL_H
#define MTST_CINT8_INTERNAL_H

#include "CInt8.h"
#include <math.h>
#include <string.h>

// The rational erf approximation of MTSTKernels' erf8 (VectorMath.swift), shared by the scalar,
// ymm and zmm epilogues so all of them, and Kernels.gelu, evaluate the same polynomial:
// erf(x) ≈ x·N(x²)/D(x²) on x clamped to ±BOUND, then clamped to ±1.
#define MTST_ERF_BOUND 3.92f
#define MTST_ERF_N0 2.05001152e-6f
#define MTST_ERF_N1 0.000284877809f
#define MTST_ERF_N2 0.00376562634f
#define MTST_ERF_N3 0.0527487248f
#define MTST_ERF_N4 0.19040738f
#define MTST_ERF_N5 1.12837911f
#define MTST_ERF_D0 3.80906749e-5f
#define MTST_ERF_D1 0.00116252841f
#define MTST_ERF_D2 0.0149692353f
#define MTST_ERF_D3 0.114109382f
#define MTST_ERF_D4 0.502076864f
/// GELU's 1/√2: gelu(x) = ½x(1 + erf(x/√2)).
#define MTST_GELU_RSQRT2 0.707106781f

#define MTST_I8_VARIANT_DECLS(name) \
    void mtst_i8_quantize_##name(const float *x, size_t rows, size_t cols, size_t ldx, \
                                 uint8_t *q, size_t ldq, float *scales, int32_t *zeros); \
    void mtst_i8_gemm_##name(const uint8_t *xq, size_t ldq, const float *xs, const int32_t *xz, size_t rows, \
                             const int8_t *packed, size_t kp, size_t n, size_t col0, size_t col1, \
                             const float *ws, const int32_t *cs, const float *bias, int epilogue, \
                             float *out, size_t ldo);

MTST_I8_VARIANT_DECLS(scalar)
#if defined(__x86_64__)
MTST_I8_VARIANT_DECLS(avx2)
MTST_I8_VARIANT_DECLS(avxvnni)
MTST_I8_VARIANT_DECLS(avx512vnni)
#endif

static inline size_t mtst_i8_round_up4(size_t v) { return (v + 3) & ~(size_t)3; }

/// Pads row bytes cols ..< min(ldq, round-up(cols, 4)) with 0 so the GEMM reads initialised memory.
static inline void mtst_i8_pad_row(uint8_t *row, size_t cols, size_t ldq) {
    size_t end = mtst_i8_round_up4(cols);
    if (end > ldq) end = ldq;
    for (size_t c = cols; c < end; c++) row[c] = 0;
}

/// The per-row scale, its reciprocal and the zero point of `Kernels.quantizeRowsReference` from
/// the row's range. Elements are multiplied by the reciprocal: a division per element made
/// quantization division-bound (0.41 ns per element on AVX-512, a fifth of a 384-wide GEMM).
static inline void mtst_i8_row_params(float lo, float hi, float *scale, float *inverse, int32_t *zero, float *zerof) {
    float s = hi > lo ? (hi - lo) / 255.0f : 1.0f;
    *inverse = 1.0f / s;
    float z = roundf(-lo / s);  // roundf: half away from zero, as Swift's rounded()
    z = z < 0 ? 0 : (z > 255 ? 255 : z);
    *scale = s;
    *zero = (int32_t)z;
    *zerof = z;
}

/// One element's quantized value, exactly as the reference computes it.
static inline uint8_t mtst_i8_quantize_one(float x, float inverse, float zerof) {
    float v = roundf(x * inverse) + zerof;
    v = v > 255 ? 255 : v;
    v = v < 0 ? 0 : v;
    return (uint8_t)v;
}

#endif
