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

    /// Unchecked call for kernels that derive every size themselves.
    @inline(__always)
    static func sgemm(
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
