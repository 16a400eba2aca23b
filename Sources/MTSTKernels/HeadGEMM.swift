// Register-tiled GEMM for the per-head products of attention (T×T by T×d, d = 32 or 64).
// Through cblas_sgemm these are hundreds of tiny calls per layer, each paying BLAS's packing and
// dispatch overhead and, at T = 128, OpenBLAS's thread hand-off on every call.

/// One register tile of C = alpha·A·B: `rows` (1 or 4) × 8·`halves` (1 or 2) columns over the
/// full depth k. A is read through strides (rsA, csA), so a transposed operand costs no copy;
/// B rows are contiguous. Only the last half may be narrower than 8: B is read on `loadLanes`
/// columns of it and C written on `storeLanes`. Callers pass literals for rows and halves, so
/// inlining folds the branches and the accumulators stay in registers.
@inline(always) func gemmTile(
    _ rows: Int, _ halves: Int, _ loadLanes: Int, _ storeLanes: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ rsA: Int, _ csA: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
    _ c: UnsafeMutablePointer<Float>, _ ldc: Int
) {
    let lanes0 = halves == 2 ? 8 : loadLanes
    var c00 = F8(), c01 = F8(), c10 = F8(), c11 = F8(), c20 = F8(), c21 = F8(), c30 = F8(), c31 = F8()
    var bp = b, ap = a
    for _ in 0..<k {
        let b0 = load8(bp, lanes0)
        let b1 = halves == 2 ? load8(bp + 8, loadLanes) : F8()
        // addingProduct is one fused multiply-add; Swift never contracts `c += a * b` itself.
        let a0 = F8(repeating: ap[0])
        c00 = c00.addingProduct(a0, b0)
        if halves == 2 { c01 = c01.addingProduct(a0, b1) }
        if rows == 4 {
            let a1 = F8(repeating: ap[rsA]), a2 = F8(repeating: ap[2 * rsA]), a3 = F8(repeating: ap[3 * rsA])
            c10 = c10.addingProduct(a1, b0); c20 = c20.addingProduct(a2, b0); c30 = c30.addingProduct(a3, b0)
            if halves == 2 { c11 = c11.addingProduct(a1, b1); c21 = c21.addingProduct(a2, b1); c31 = c31.addingProduct(a3, b1) }
        }
        bp += ldb
        ap += csA
    }
    let store0 = halves == 2 ? 8 : storeLanes
    store8(alpha * c00, c, store0)
    if halves == 2 { store8(alpha * c01, c + 8, storeLanes) }
    if rows == 4 {
        store8(alpha * c10, c + ldc, store0); store8(alpha * c20, c + 2 * ldc, store0); store8(alpha * c30, c + 3 * ldc, store0)
        if halves == 2 {
            store8(alpha * c11, c + ldc + 8, storeLanes)
            store8(alpha * c21, c + 2 * ldc + 8, storeLanes)
            store8(alpha * c31, c + 3 * ldc + 8, storeLanes)
        }
    }
}

/// C[m×n] = alpha·A·B, overwriting C. `bPadded` says each B row may be read up to the next
/// multiple of 16 columns (a scratch copy padded with zeros); otherwise B is read only within n.
func headGemm(
    _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, rsA: Int, csA: Int, _ b: UnsafePointer<Float>, ldb: Int, bPadded: Bool,
    _ c: UnsafeMutablePointer<Float>, ldc: Int
) {
    @inline(always) func rowsOf(_ j: Int, _ halves: Int, _ loadLanes: Int, _ storeLanes: Int) {
        var i = 0
        while i + 4 <= m {
            gemmTile(4, halves, loadLanes, storeLanes, k, alpha, a + i * rsA, rsA, csA, b + j, ldb, c + i * ldc + j, ldc)
            i += 4
        }
        while i < m {
            gemmTile(1, halves, loadLanes, storeLanes, k, alpha, a + i * rsA, rsA, csA, b + j, ldb, c + i * ldc + j, ldc)
            i += 1
        }
    }
    var j = 0
    while j + 16 <= n { rowsOf(j, 2, 8, 8); j += 16 }
    let rest = n - j
    if rest > 8 {
        if bPadded { rowsOf(j, 2, 8, rest - 8) } else { rowsOf(j, 2, rest - 8, rest - 8) }
    } else if rest == 8 {
        rowsOf(j, 1, 8, 8)
    } else if rest > 0 {
        if bPadded { rowsOf(j, 1, 8, rest) } else { rowsOf(j, 1, rest, rest) }
    }
}

/// dst[t, p] = src[t, p] for a T×d block of a token matrix, into rows of d floats. The per-head
/// products read their B operand row by row; straight from a token matrix those rows are
/// ld floats apart (1152 for MiniLM's packed QKV), a stride that maps every row to the same few
/// L1 sets, so a 16 KB block kept evicting itself. Contiguous, it stays in L1.
func packHead(_ src: UnsafePointer<Float>, ld: Int, seq: Int, headDim: Int, _ dst: UnsafeMutablePointer<Float>) {
    for t in 0..<seq { (dst + t * headDim).update(from: src + t * ld, count: headDim) }
}

/// dst[p, t] = src[t, p] for a T×d block with row stride ld, into rows of `ldDst` floats whose
/// columns past T are zeroed (so headGemm may read them as padding).
func transposeHead(_ src: UnsafePointer<Float>, ld: Int, seq: Int, headDim: Int, _ dst: UnsafeMutablePointer<Float>, ldDst: Int) {
    for p in 0..<headDim {
        let row = dst + p * ldDst
        for t in 0..<seq { row[t] = src[t * ld + p] }
        if ldDst > seq { (row + seq).update(repeating: 0, count: ldDst - seq) }
    }
}
