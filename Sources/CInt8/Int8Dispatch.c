// Run-time choice of the int8 kernel: which variants this CPU runs, and the calls by variant.
// The Swift side picks the variant (the best supported one unless a test or `bench` forces
// another) and passes it to every call, so nothing here holds mutable state.
#include "Int8Internal.h"

int mtst_i8_supported(int variant) {
    switch (variant) {
    case MTST_I8_SCALAR: return 1;
#if defined(__x86_64__)
    // __builtin_cpu_supports also checks that the OS saves the ymm/zmm state (XGETBV).
    case MTST_I8_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case MTST_I8_AVX_VNNI:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avxvnni");
    case MTST_I8_AVX512_VNNI:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
            && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("fma");
#endif
    default: return 0;
    }
}

size_t mtst_i8_column_block(int variant) {
    return variant == MTST_I8_AVX512_VNNI ? 3 * MTST_I8_PANEL : MTST_I8_PANEL;
}

void mtst_i8_quantize_rows(int variant, const float *x, size_t rows, size_t cols, size_t ldx,
                           uint8_t *q, size_t ldq, float *scales, int32_t *zeros) {
    switch (variant) {
#if defined(__x86_64__)
    case MTST_I8_AVX2: mtst_i8_quantize_avx2(x, rows, cols, ldx, q, ldq, scales, zeros); return;
    case MTST_I8_AVX_VNNI: mtst_i8_quantize_avxvnni(x, rows, cols, ldx, q, ldq, scales, zeros); return;
    case MTST_I8_AVX512_VNNI: mtst_i8_quantize_avx512vnni(x, rows, cols, ldx, q, ldq, scales, zeros); return;
#endif
    default: mtst_i8_quantize_scalar(x, rows, cols, ldx, q, ldq, scales, zeros); return;
    }
}

void mtst_i8_gemm(int variant, const uint8_t *xq, size_t ldq, const float *xs, const int32_t *xz, size_t rows,
                  const int8_t *packed, size_t kp, size_t n, size_t col0, size_t col1,
                  const float *ws, const int32_t *cs, const float *bias, int epilogue,
                  float *out, size_t ldo) {
    if (rows == 0 || col0 >= col1) return;
    switch (variant) {
#if defined(__x86_64__)
    case MTST_I8_AVX2:
        mtst_i8_gemm_avx2(xq, ldq, xs, xz, rows, packed, kp, n, col0, col1, ws, cs, bias, epilogue, out, ldo);
        return;
    case MTST_I8_AVX_VNNI:
        mtst_i8_gemm_avxvnni(xq, ldq, xs, xz, rows, packed, kp, n, col0, col1, ws, cs, bias, epilogue, out, ldo);
        return;
    case MTST_I8_AVX512_VNNI:
        mtst_i8_gemm_avx512vnni(xq, ldq, xs, xz, rows, packed, kp, n, col0, col1, ws, cs, bias, epilogue, out, ldo);
        return;
#endif
    default:
        mtst_i8_gemm_scalar(xq, ldq, xs, xz, rows, packed, kp, n, col0, col1, ws, cs, bias, epilogue, out, ldo);
        return;
    }
}
