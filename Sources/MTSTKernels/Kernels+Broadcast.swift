extension Kernels {
    /// `out[r,:] = row` for every row: the bias a fused linear layer's GEMM accumulates onto.
    public static func broadcastRows(_ row: UnsafePointer<Float>, rows: Int, cols: Int, _ out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows { (out + r * cols).update(from: row, count: cols) }
    }

    /// `dgamma[c] = Σ_r dy[r,c]·x̂[r,c]` with x̂ the normalized x (mean and rstd recomputed per row),
    /// the LayerNorm gain gradient without a companion beta buffer.
    public static func layerNormGammaGrad(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int,
                                          eps: Float, dgamma: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        if !accumulate { dgamma.update(repeating: 0, count: cols) }
        for r in 0..<rows {
            let xr = x + r * cols
            let dr = dy + r * cols
            var mean: Float = 0
            for c in 0..<cols { mean += xr[c] }
            mean /= Float(cols)
            var variance: Float = 0
            for c in 0..<cols {
                let d = xr[c] - mean
                variance += d * d
            }
            let rstd = 1 / (variance / Float(cols) + eps).squareRoot()
            for c in 0..<cols { dgamma[c] += dr[c] * (xr[c] - mean) * rstd }
        }
    }
}
