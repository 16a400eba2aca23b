// oneDNN's GEMMs on the shapes of `mtstc bench --gemm shapes`, for the "int8 GEMM" comparison in
// Docs/BENCHMARKS.md: dnnl_gemm_u8s8s32 (u8 activations x s8 weightsᵀ → s32, no quantization or
// dequantization: a bound in oneDNN's favour) and dnnl_sgemm on the same shapes.
// Built and run by Scripts/reference/onednn-int8-gemm.sh (gcc, -ldnnl from Debian libdnnl-dev).
#include <dnnl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct { const char *layer; long m, n, k; } shape;

static const shape shapes[] = {
    {"MiniLM QKV", 1024, 1152, 384},         {"MiniLM attention out", 1024, 384, 384},
    {"MiniLM FFN up", 1024, 1536, 384},      {"MiniLM FFN down", 1024, 384, 1536},
    {"bert-base QKV", 1024, 2304, 768},      {"bert-base attention out", 1024, 768, 768},
    {"bert-base FFN up", 1024, 3072, 768},   {"bert-base FFN down", 1024, 768, 3072},
};

/// Rate (2·m·n·k per call, in billions per second) of `run` over at least 5 calls and `seconds`.
#define RATE(out, call) do { \
        call; call; \
        int iters = 0; double t0 = now(), dt = 0; \
        while (iters < 5 || dt < seconds) { call; iters++; dt = now() - t0; } \
        out = 2.0 * s->m * s->n * s->k * iters / dt / 1e9; \
    } while (0)

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 2;
    printf("%-18s%-25s%20s%26s\n", "shape (M,N,K)", "layer", "dnnl_sgemm GFLOP/s", "dnnl_gemm_u8s8s32 GOP/s");
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const shape *s = &shapes[i];
        uint8_t *a = malloc(s->m * s->k);
        int8_t *b = malloc(s->n * s->k);
        int32_t *c = malloc(s->m * s->n * sizeof(int32_t));
        float *af = malloc(s->m * s->k * sizeof(float)), *bf = malloc(s->n * s->k * sizeof(float));
        float *cf = malloc(s->m * s->n * sizeof(float));
        for (long j = 0; j < s->m * s->k; j++) { a[j] = (uint8_t)rand(); af[j] = (rand() % 1000) / 1000.0f - 0.5f; }
        for (long j = 0; j < s->n * s->k; j++) { b[j] = (int8_t)(rand() % 255 - 127); bf[j] = (rand() % 1000) / 1000.0f - 0.5f; }
        int32_t co = 0;
        double sg, ig;
        RATE(sg, dnnl_sgemm('N', 'T', s->m, s->n, s->k, 1.0f, af, s->k, bf, s->k, 0.0f, cf, s->n));
        RATE(ig, dnnl_gemm_u8s8s32('N', 'T', 'F', s->m, s->n, s->k, 1.0f, a, s->k, 0, b, s->k, 0, 0.0f, c, s->n, &co));
        char name[64];
        snprintf(name, sizeof name, "%ld,%ld,%ld", s->m, s->n, s->k);
        printf("%-18s%-25s%20.1f%26.1f\n", name, s->layer, sg, ig);
        free(a); free(b); free(c); free(af); free(bf); free(cf);
    }
    const dnnl_version_t *v = dnnl_version();
    printf("oneDNN %d.%d.%d (%s), CPU runtime %s, %s\n", v->major, v->minor, v->patch, v->hash,
           v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other", getenv("OMP_NUM_THREADS") ? getenv("OMP_NUM_THREADS") : "default threads");
    return 0;
}
