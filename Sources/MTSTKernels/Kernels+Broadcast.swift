extension Kernels {
    /// `out[r,:] = row` for every row: the bias a fused linear layer's GEMM accumulates onto.
    public static func broadcastRows(_ row: UnsafePointer<Float>, rows: Int, cols: Int, _ out: UnsafeMutablePointer<Float>) {
        parallelRanges(rows, work: rows * cols) { rs in
            for r in rs { (out + r * cols).update(from: row, count: cols) }
        }
    }
}
