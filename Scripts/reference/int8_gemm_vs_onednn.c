// mtstc's int8 GEMM kernels (Sources/CInt8) against oneDNN's dnnl_gemm_u8s8s32 in one process, on
// the same u8 activations and s8 weights, GEMM only on both sides (mtstc's with the bias
// epilogue, oneDNN's into int32), interleaved in short rounds; prints the best rate of each.
// On a shared machine the best of many interleaved rounds compares the kernels, where one long
// run measures the neighbours. Built by Scripts/reference/onednn-int8-gemm.sh.
#include "CInt8.h"
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static const long shapes[][3] = {
    {1024, 1152, 384}, {1024, 384, 384}, {1024, 1536, 384}, {1024, 384, 1536},
    {1024, 2304, 768}, {1024, 768, 768}, {1024, 3072, 768}, {1024, 768, 3072},
};
static const char *names[] = {"scalar", "avx2", "avx_vnni", "avx512_vnni"};

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 12;
    double slice = 0.15;
    printf("%-18s%14s", "shape (M,N,K)", "oneDNN GOP/s");
    for (int v = MTST_I8_AVX2; v < MTST_I8_VARIANT_COUNT; v++)
        if (mtst_i8_supported(v)) printf("  %12s GOP/s  ratio", names[v]);
    printf("\n");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        long m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        long kp = (k + 3) / 4 * 4, np = (n + 15) / 16 * 16;
        uint8_t *q = aligned_alloc(64, m * kp);
        int8_t *packed = aligned_alloc(64, np * kp);
        for (long i = 0; i < m * kp; i++) q[i] = (uint8_t)rand();
        for (long i = 0; i < np * kp; i++) packed[i] = (int8_t)(rand() % 127 - 63);  // 7-bit: valid for AVX2 too
        int32_t *cs = calloc(np, 4), *xz = calloc(m, 4), *c32 = malloc(m * n * 4), co = 0;
        float *ws = calloc(np, 4), *bias = calloc(n, 4), *xs = calloc(m, 4), *out = malloc(m * n * 4);
        double best[MTST_I8_VARIANT_COUNT + 1] = {0};
        for (int r = 0; r < rounds; r++) {
            for (int v = MTST_I8_AVX2; v <= MTST_I8_VARIANT_COUNT; v++) {
                if (v < MTST_I8_VARIANT_COUNT && !mtst_i8_supported(v)) continue;
                int iters = 0;
                double t0 = now();
                while (now() - t0 < slice) {
                    if (v == MTST_I8_VARIANT_COUNT)
                        dnnl_gemm_u8s8s32('N', 'T', 'F', m, n, k, 1.0f, q, kp, 0, packed, kp, 0, 0.0f, c32, n, &co);
                    else
                        mtst_i8_gemm(v, q, kp, xs, xz, m, packed, kp, n, 0, n, ws, cs, bias, MTST_I8_EPI_BIAS, out, n);
                    iters++;
                }
                double rate = 2.0 * m * n * k * iters / (now() - t0) / 1e9;
                if (rate > best[v]) best[v] = rate;
            }
        }
        char name[64];
        snprintf(name, sizeof name, "%ld,%ld,%ld", m, n, k);
        printf("%-18s%14.1f", name, best[MTST_I8_VARIANT_COUNT]);
        for (int v = MTST_I8_AVX2; v < MTST_I8_VARIANT_COUNT; v++)
            if (mtst_i8_supported(v)) printf("  %18.1f  %5.2f", best[v], best[v] / best[MTST_I8_VARIANT_COUNT]);
        printf("\n");
        free(q); free(packed); free(cs); free(xz); free(c32); free(ws); free(bias); free(xs); free(out);
    }
    printf("one thread each (OMP_NUM_THREADS=1); best of %d interleaved rounds of %.2f s\n", rounds, slice);
    return 0;
}
