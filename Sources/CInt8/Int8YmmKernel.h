// The ymm int8 GEMM body shared by the AVX2 and AVX-VNNI variants, which differ only in how
// they add 4 u8·s8 products into each int32 lane. The including file defines
//   MTST_YMM_NAME(x)   the variant's function names
//   MTST_YMM_MR        rows per register tile (16 ymm registers: MR × 2 accumulators + 2 + spare)
//   mtst_dot4(acc, a, b)
// inside a `#pragma clang attribute` region naming the variant's target features.
//
// Register tile: MR rows × one 16-channel panel (two ymm of 8 int32). Per group of 4 inputs: two
// 32-byte weight loads, MR 4-byte broadcasts of the activations, 2·MR dot steps.

static inline void mtst_ymm_store(float *out, __m256 y, size_t valid) {
    if (valid >= 8) {
        _mm256_storeu_ps(out, y);
    } else {
        float t[8];
        _mm256_storeu_ps(t, y);
        memcpy(out, t, valid * sizeof(float));
    }
}

/// Dequantizes 8 accumulators of one row, adds the bias, applies GELU, stores `valid` of them.
static inline __attribute__((always_inline)) void mtst_ymm_epilogue(
    __m256i acc, int32_t zero, float xs, const float *ws, const int32_t *cs, const float *bias,
    int epilogue, float *out, size_t valid) {
    acc = _mm256_sub_epi32(acc, _mm256_mullo_epi32(_mm256_set1_epi32(zero), _mm256_loadu_si256((const __m256i *)cs)));
    __m256 y = _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(xs), _mm256_loadu_ps(ws)), _mm256_cvtepi32_ps(acc));
    if (epilogue != MTST_I8_EPI_NONE) {
        __m256 b;
        if (valid >= 8) {
            b = _mm256_loadu_ps(bias);
        } else {  // the bias has n values: never read past them
            float t[8] = {0};
            memcpy(t, bias, valid * sizeof(float));
            b = _mm256_loadu_ps(t);
        }
        y = _mm256_add_ps(y, b);
        if (epilogue == MTST_I8_EPI_BIAS_GELU) y = mtst_gelu8(y);
    }
    mtst_ymm_store(out, y, valid);
}

static inline __attribute__((always_inline)) void mtst_ymm_tile(
    int mr, const uint8_t *a, size_t lda, const int8_t *b, size_t groups,
    const float *xs, const int32_t *xz, const float *ws, const int32_t *cs, const float *bias,
    int epilogue, float *out, size_t ldo, size_t valid) {
    __m256i acc[MTST_YMM_MR][2];
    for (int r = 0; r < mr; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
    for (size_t g = 0; g < groups; g++) {
        __m256i b0 = _mm256_loadu_si256((const __m256i *)(b + 64 * g));
        __m256i b1 = _mm256_loadu_si256((const __m256i *)(b + 64 * g + 32));
        for (int r = 0; r < mr; r++) {
            int32_t word;
            memcpy(&word, a + r * lda + 4 * g, 4);
            __m256i av = _mm256_set1_epi32(word);
            acc[r][0] = mtst_dot4(acc[r][0], av, b0);
            acc[r][1] = mtst_dot4(acc[r][1], av, b1);
        }
    }
    for (int r = 0; r < mr; r++) {
        size_t v0 = valid < 8 ? valid : 8, v1 = valid > 8 ? valid - 8 : 0;
        mtst_ymm_epilogue(acc[r][0], xz[r], xs[r], ws, cs, bias, epilogue, out + r * ldo, v0);
        if (v1 > 0) mtst_ymm_epilogue(acc[r][1], xz[r], xs[r], ws + 8, cs + 8, bias ? bias + 8 : NULL, epilogue, out + r * ldo + 8, v1);
    }
}

void MTST_YMM_NAME(quantize)(const float *x, size_t rows, size_t cols, size_t ldx,
                             uint8_t *q, size_t ldq, float *scales, int32_t *zeros) {
    mtst_quantize_rows8(x, rows, cols, ldx, q, ldq, scales, zeros);
}

void MTST_YMM_NAME(gemm)(const uint8_t *xq, size_t ldq, const float *xs, const int32_t *xz, size_t rows,
                         const int8_t *packed, size_t kp, size_t n, size_t col0, size_t col1,
                         const float *ws, const int32_t *cs, const float *bias, int epilogue,
                         float *out, size_t ldo) {
    size_t groups = kp / MTST_I8_GROUP;
    for (size_t j = col0; j < col1; j += MTST_I8_PANEL) {
        const int8_t *b = packed + (j / MTST_I8_PANEL) * groups * 64;
        size_t valid = col1 - j < MTST_I8_PANEL ? col1 - j : MTST_I8_PANEL;
        const float *bj = epilogue != MTST_I8_EPI_NONE ? bias + j : NULL;
        for (size_t i = 0; i < rows; i += MTST_YMM_MR) {
            size_t left = rows - i;
            const uint8_t *a = xq + i * ldq;
            float *o = out + i * ldo + j;
#define MTST_YMM_CASE(R) case R: mtst_ymm_tile(R, a, ldq, b, groups, xs + i, xz + i, ws + j, cs + j, bj, epilogue, o, ldo, valid); break;
            switch (left < MTST_YMM_MR ? left : MTST_YMM_MR) {
                MTST_YMM_CASE(1) MTST_YMM_CASE(2) MTST_YMM_CASE(3) MTST_YMM_CASE(4)
#if MTST_YMM_MR > 4
                MTST_YMM_CASE(5) MTST_YMM_CASE(6)
#endif
                default: break;
            }
#undef MTST_YMM_CASE
        }
    }
    (void)n;
}
