// Portable int8 GEMM: the fallback on CPUs without AVX2 (and on non-x86), on the same packed
// layout as the SIMD variants. Integer sums are exact, so it agrees with them bit for bit
// before the epilogue.
#include "Int8Internal.h"

/// erf and exact GELU with the operations of MTSTKernels' erf8/gelu8 (VectorMath.swift),
/// fused multiply-adds where they use addingProduct, so the results agree to the last bit.
static float erf_scalar(float x) {
    const float bound = MTST_ERF_BOUND;
    float xc = x > bound ? bound : x;
    xc = xc < -bound ? -bound : xc;
    float t = xc * xc;
    float num = t * MTST_ERF_N0;
    num = num + MTST_ERF_N1;
    num = fmaf(num, t, MTST_ERF_N2);
    num = fmaf(num, t, MTST_ERF_N3);
    num = fmaf(num, t, MTST_ERF_N4);
    num = fmaf(num, t, MTST_ERF_N5);
    float den = t * MTST_ERF_D0;
    den = den + MTST_ERF_D1;
    den = fmaf(den, t, MTST_ERF_D2);
    den = fmaf(den, t, MTST_ERF_D3);
    den = fmaf(den, t, MTST_ERF_D4);
    den = fmaf(den, t, 1.0f);
    float r = xc * num;
    r = r / den;
    r = r > 1.0f ? 1.0f : r;
    return r < -1.0f ? -1.0f : r;
}

static float gelu_scalar(float x) {
    float h = 0.5f * x;
    return h * (1.0f + erf_scalar(x * MTST_GELU_RSQRT2));
}

void mtst_i8_quantize_scalar(const float *x, size_t rows, size_t cols, size_t ldx,
                             uint8_t *q, size_t ldq, float *scales, int32_t *zeros) {
    for (size_t r = 0; r < rows; r++) {
        const float *row = x + r * ldx;
        float lo = 0, hi = 0;
        for (size_t c = 0; c < cols; c++) {
            lo = row[c] < lo ? row[c] : lo;
            hi = row[c] > hi ? row[c] : hi;
        }
        float scale, inverse, zerof;
        mtst_i8_row_params(lo, hi, &scale, &inverse, &zeros[r], &zerof);
        scales[r] = scale;
        uint8_t *qr = q + r * ldq;
        for (size_t c = 0; c < cols; c++) qr[c] = mtst_i8_quantize_one(row[c], inverse, zerof);
        mtst_i8_pad_row(qr, cols, ldq);
    }
}

void mtst_i8_gemm_scalar(const uint8_t *xq, size_t ldq, const float *xs, const int32_t *xz, size_t rows,
                         const int8_t *packed, size_t kp, size_t n, size_t col0, size_t col1,
                         const float *ws, const int32_t *cs, const float *bias, int epilogue,
                         float *out, size_t ldo) {
    (void)n;
    size_t groups = kp / MTST_I8_GROUP;
    for (size_t i = 0; i < rows; i++) {
        const uint8_t *a = xq + i * ldq;
        for (size_t j = col0; j < col1; j++) {
            const int8_t *b = packed + (j / MTST_I8_PANEL) * groups * 64 + (j % MTST_I8_PANEL) * 4;
            int32_t acc = 0;
            for (size_t g = 0; g < groups; g++)
                for (int t = 0; t < 4; t++) acc += (int32_t)a[4 * g + t] * (int32_t)b[g * 64 + t];
            acc -= xz[i] * cs[j];
            float scale = xs[i] * ws[j];
            float y = scale * (float)acc;
            if (epilogue != MTST_I8_EPI_NONE) y = y + bias[j];
            if (epilogue == MTST_I8_EPI_BIAS_GELU) y = gelu_scalar(y);
            out[i * ldo + j] = y;
        }
    }
}
