extension Kernels {
    /// `out[r,:] = row` for every row: the bias a fused linear layer's GEMM accumulates onto.
    public static func broadcastRows(_ row: UnsafePointer<Float>, rows: Int, cols: Int, _ out: UnsafeMutablePointer<Float>) {
        parallelRanges(rows, work: rows * cols) { rs in
            for r in rs { (out + r * cols).update(from: row, count: cols) }
        }
    }

    /// `dgamma[c] = Σ_r dy[r,c]·x̂[r,c]` with x̂ the normalized x (mean and rstd recomputed per row),
    /// the LayerNorm gain gradient without a companion beta buffer (the beta gradient is a
    /// `sumRows` node, which gradient accumulation can fuse on its own).
    public static func layerNormGammaGrad(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int,
                                          eps: Float, dgamma: UnsafeMutablePointer<Float>, accumulate: Bool = false,
                                          stats: LayerNormStats? = nil) {
        layerNormParamGrad(dy, x, rows: rows, cols: cols, eps: eps, dgamma: dgamma, dbeta: nil, accumulate: accumulate, stats: stats)
    }
}
