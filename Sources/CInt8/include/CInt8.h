// Int8 GEMM kernels for mtstc's quantized linear layers (Sources/MTSTKernels/Int8GEMM.swift is
// the Swift contract; this is the arithmetic).
//
// Packed weights: output channels in panels of 16, each panel holding k (padded to a multiple of
// 4) as groups of 4 consecutive inputs: byte ((p·groups + g)·64 + c·4 + i) = Wq[16p + c, 4g + i],
// zero in the padding. One 64-byte group is one zmm (or two ymm) of 16 int32 lanes, each lane the
// dot product of 4 unsigned activations with 4 signed weights (vpdpbusd / vpmaddubsw+vpmaddwd).
#ifndef MTST_CINT8_H
#define MTST_CINT8_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Kernel variants, in increasing order of preference.
enum {
    MTST_I8_SCALAR = 0,      ///< portable C, any CPU
    MTST_I8_AVX2 = 1,        ///< vpmaddubsw + vpmaddwd on ymm; needs |Wq| ≤ 63 (16-bit pair sums)
    MTST_I8_AVX_VNNI = 2,    ///< vpdpbusd on ymm (VEX-encoded AVX-VNNI)
    MTST_I8_AVX512_VNNI = 3, ///< vpdpbusd on zmm (AVX-512 VNNI + BW + VL)
    MTST_I8_VARIANT_COUNT = 4
};

/// Output channels per packed panel, and inputs per group.
enum { MTST_I8_PANEL = 16, MTST_I8_GROUP = 4 };

/// Epilogues (the raw values of Swift's `Int8Epilogue`).
enum { MTST_I8_EPI_NONE = 0, MTST_I8_EPI_BIAS = 1, MTST_I8_EPI_BIAS_GELU = 2 };

/// 1 when this CPU (and OS) can run `variant`, else 0.
int mtst_i8_supported(int variant);

/// Channels one call's column range must be a multiple of (except where it ends at n):
/// the width of the variant's register tile.
size_t mtst_i8_column_block(int variant);

/// x row-major [rows, cols] (row stride ldx) → unsigned 8-bit rows of stride ldq ≥ cols, with
/// x ≈ scales[r]·(q − zeros[r]); the range always includes 0; rounding half away from zero, as
/// `Kernels.quantizeRowsReference`. Bytes cols ..< min(ldq, round-up(cols, 4)) are set to 0.
void mtst_i8_quantize_rows(int variant, const float *x, size_t rows, size_t cols, size_t ldx,
                           uint8_t *q, size_t ldq, float *scales, int32_t *zeros);

/// out[i, j] = epilogue(xs[i]·ws[j]·(Σ_k xq[i,k]·Wq[j,k] − xz[i]·cs[j]) + bias[j]) for
/// i < rows and col0 ≤ j < col1. xq rows have stride ldq and `kp` readable bytes (kp = k padded
/// to 4; the padding's values do not matter, the weights there are 0). ws and cs hold one value
/// per padded channel (multiple of 16); bias holds n (it is only read when epilogue ≠ NONE).
/// col0 is a multiple of mtst_i8_column_block(variant); col1 is too, or equals n.
void mtst_i8_gemm(int variant, const uint8_t *xq, size_t ldq, const float *xs, const int32_t *xz, size_t rows,
                  const int8_t *packed, size_t kp, size_t n, size_t col0, size_t col1,
                  const float *ws, const int32_t *cs, const float *bias, int epilogue,
                  float *out, size_t ldo);

#ifdef __cplusplus
}
#endif
#endif
