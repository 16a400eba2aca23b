import MTSTKernels
import Testing

@Suite struct GEMMTests {
    /// Small products run as one BLAS call; the larger ones (≥ 2^21 flops) are split across the
    /// worker pool by rows (m ≥ n) or by 16-column blocks (m < n, n not a multiple of 16).
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)], [(7, 13, 5), (131, 67, 125), (67, 131, 125)])
    func matchesNaiveLoop(trans: (Bool, Bool), size: (Int, Int, Int)) {
        let (transA, transB) = trans
        var rng = TestRNG(seed: 1)
        let (m, n, k) = size
        // Leading dimensions wider than the logical widths, as for slices of packed buffers.
        let lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 2, ldc = n + 4
        let a = randomBuffer((transA ? k : m) * lda, &rng)
        let b = randomBuffer((transB ? n : k) * ldb, &rng)
        let c = randomBuffer(m * ldc, &rng)
        let expected = naiveGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a.array, lda: lda,
                                 b: b.array, ldb: ldb, beta: -1.5, c: c.array, ldc: ldc)
        Kernels.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: a.c, lda: lda,
                     b: b.c, ldb: ldb, beta: -1.5, c: c.p, ldc: ldc)
        expectClose(c.array, expected, abs: 1e-5, rel: 1e-5)
    }

    @Test func betaZeroIgnoresGarbageInC() {
        var rng = TestRNG(seed: 2)
        let a = randomBuffer(3 * 4, &rng), b = randomBuffer(4 * 2, &rng)
        let c = Buffer(3 * 2, value: .nan)
        Kernels.gemm(transA: false, transB: false, m: 3, n: 2, k: 4, alpha: 1, a: a.c, lda: 4, b: b.c, ldb: 2, beta: 0, c: c.p, ldc: 2)
        let expected = naiveGemm(transA: false, transB: false, m: 3, n: 2, k: 4, alpha: 1, a: a.array, lda: 4,
                                 b: b.array, ldb: 2, beta: 0, c: c.array, ldc: 2)
        expectClose(c.array, expected)
    }

    @Test func emptyInnerDimensionOnlyScalesC() {
        let c = Buffer([1, 2, 3, 4])
        let dummy = Buffer(1)
        Kernels.gemm(transA: false, transB: false, m: 2, n: 2, k: 0, alpha: 1, a: dummy.c, lda: 1, b: dummy.c, ldb: 2,
                     beta: 2, c: c.p, ldc: 2)
        #expect(c.array == [2, 4, 6, 8])
    }
}
