import CBLAS

extension Kernels {
    /// C = alpha·op(A)·op(B) + beta·C, row-major; op(A) is m×k, op(B) is k×n.
    /// As in BLAS, C is not read when beta == 0, so it may hold garbage (a fresh arena slot).
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size")
        precondition(ldc >= max(1, n), "gemm: ldc < n")
        precondition(lda >= max(1, transA ? m : k) && ldb >= max(1, transB ? k : n), "gemm: leading dimension too small")
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // BLAS implementations disagree on k == 0; the product is empty, so only beta acts.
            for r in 0..<m {
                let row = c + r * ldc
                if beta == 0 { row.update(repeating: 0, count: n) } else { for j in 0..<n { row[j] *= beta } }
            }
            return
        }
        sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// Unchecked call for kernels that derive every size themselves. Large products are split
    /// into one block per core along the longer side of C and run on the worker pool, each block
    /// a single-threaded BLAS call (see WorkerPool.swift); with `MTSTC_GEMM_THREADS=blas` the
    /// BLAS's own threads do it instead, for comparison.
    @inline(__always)
    static func sgemm(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        _ = BLASInfo.configureThreads
        let parts = BLASInfo.poolThreadsGEMMs && 2 * m * n * k >= gemmSplitThreshold ? coreCount : 1
        guard parts > 1 else {
            blasCall(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            return
        }
        if m >= n {
            // Rows of C and of op(A): A's rows are rows when not transposed, columns otherwise.
            let step = (m + parts - 1) / parts
            WorkerPool.shared.run(chunks: parts) { p in
                let r0 = p * step, rows = min(m, r0 + step) - r0
                guard rows > 0 else { return }
                blasCall(transA, transB, rows, n, k, alpha, a + (transA ? r0 : r0 * lda), lda, b, ldb, beta, c + r0 * ldc, ldc)
            }
        } else {
            // Columns of C and of op(B), in whole 16-float blocks so every part starts aligned.
            let step = ((n + parts - 1) / parts + 15) / 16 * 16
            WorkerPool.shared.run(chunks: parts) { p in
                let c0 = p * step, cols = min(n, c0 + step) - c0
                guard cols > 0 else { return }
                blasCall(transA, transB, m, cols, k, alpha, a, lda, b + (transB ? c0 * ldb : c0), ldb, beta, c + c0, ldc)
            }
        }
    }

    /// Products below this many flops (≈ 10 µs) run on the calling thread.
    static let gemmSplitThreshold = 1 << 21

    @inline(__always)
    static func blasCall(
        _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
        _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
        _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            numericCast(m), numericCast(n), numericCast(k), alpha, a, numericCast(lda),
            b, numericCast(ldb), beta, c, numericCast(ldc))
    }
}
