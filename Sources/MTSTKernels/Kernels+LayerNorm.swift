// LayerNorm over the last dimension, as torch.nn.LayerNorm: population variance, eps inside
// the square root. The forward kernels can write each row's mean and 1/σ (two floats per token)
// so that backward reads them instead of recomputing; without them backward recomputes.

/// Mean and 1/√(var + eps) of one row. Two passes (mean, then squared deviations) avoid the
/// cancellation of E[x²] − E[x]² when the mean is large relative to the spread.
@inline(always) func rowStats(_ x: UnsafePointer<Float>, _ n: Int, _ eps: Float) -> (mean: Float, rstd: Float) {
    var s0 = F8(), s1 = F8()
    var i = 0
    while i + 16 <= n { s0 += load8(x + i); s1 += load8(x + i + 8); i += 16 }
    if i + 8 <= n { s0 += load8(x + i); i += 8 }
    if i < n { s1 += loadPartial8(x + i, n - i) }
    let mean = hsum(s0 + s1) / Float(n)
    let mv = F8(repeating: mean)
    var v0 = F8(), v1 = F8()
    i = 0
    while i + 16 <= n {
        let a = load8(x + i) - mv, b = load8(x + i + 8) - mv
        v0 += a * a; v1 += b * b
        i += 16
    }
    if i + 8 <= n { let a = load8(x + i) - mv; v0 += a * a; i += 8 }
    if i < n { let a = loadPartial8(x + i, n - i, fill: mean) - mv; v1 += a * a }
    let variance = hsum(v0 + v1) / Float(n)
    return (mean, 1 / (variance + eps).squareRoot())
}

/// Where forward writes, and backward reads, each row's mean and 1/√(var + eps).
public struct LayerNormStats {
    public let mean: UnsafeMutablePointer<Float>
    public let rstd: UnsafeMutablePointer<Float>
    public init(mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>) {
        self.mean = mean
        self.rstd = rstd
    }
}

/// Row r's statistics: stored ones when given, else recomputed from x.
@inline(always) func rowStats(_ stats: LayerNormStats?, _ r: Int, _ x: UnsafePointer<Float>, _ n: Int, _ eps: Float) -> (mean: Float, rstd: Float) {
    if let stats { return (stats.mean[r], stats.rstd[r]) }
    return rowStats(x, n, eps)
}

/// out = (x − mean)·rstd·gamma + beta for one row; out may alias x. Stores the statistics of
/// row `r` into `stats` when given.
@inline(always) func normalizeRow(
    _ x: UnsafePointer<Float>, _ gamma: UnsafePointer<Float>, _ beta: UnsafePointer<Float>,
    _ n: Int, _ eps: Float, _ out: UnsafeMutablePointer<Float>, stats: LayerNormStats? = nil, row r: Int = 0
) {
    let (mean, rstd) = rowStats(x, n, eps)
    if let stats {
        stats.mean[r] = mean
        stats.rstd[r] = rstd
    }
    @inline(always) func block(_ i: Int, _ lanes: Int) {
        store8((load8(x + i, lanes) - mean) * rstd * load8(gamma + i, lanes) + load8(beta + i, lanes), out + i, lanes)
    }
    var i = 0
    while i + 8 <= n { block(i, 8); i += 8 }
    if i < n { block(i, n - i) }
}

extension Kernels {
    /// out = LayerNorm(x)·gamma + beta per row; may alias.
    public static func layerNorm(
        _ x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
        rows: Int, cols: Int, eps: Float, _ out: UnsafeMutablePointer<Float>, stats: LayerNormStats? = nil
    ) {
        guard cols > 0 else { return }
        parallelRanges(rows, work: 4 * rows * cols) { rs in
            for r in rs { normalizeRow(x + r * cols, gamma, beta, cols, eps, out + r * cols, stats: stats, row: r) }
        }
    }

    /// out = LayerNorm(x + bias + residual); preNorm (if given) receives x + bias + residual.
    /// out and preNorm may alias x or residual (each row is read before it is written).
    public static func skipLayerNorm(
        _ x: UnsafePointer<Float>, residual: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, rows: Int, cols: Int, eps: Float,
        _ out: UnsafeMutablePointer<Float>, preNorm: UnsafeMutablePointer<Float>?, stats: LayerNormStats? = nil
    ) {
        guard cols > 0 else { return }
        parallelRanges(rows, work: 5 * rows * cols) { rs in
            for r in rs {
                let o = r * cols
                // The sum goes to preNorm when kept, else straight into out, then is normalised in place.
                let sum = preNorm.map { $0 + o } ?? out + o
                @inline(always) func block(_ i: Int, _ lanes: Int) {
                    let s = load8(x + o + i, lanes) + load8(residual + o + i, lanes)
                    store8(bias.map { s + load8($0 + i, lanes) } ?? s, sum + i, lanes)
                }
                var i = 0
                while i + 8 <= cols { block(i, 8); i += 8 }
                if i < cols { block(i, cols - i) }
                normalizeRow(sum, gamma, beta, cols, eps, out + o, stats: stats, row: r)
            }
        }
    }

    /// dx of LayerNorm: dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·gamma, x̂ the
    /// normalised input. dx may alias dy.
    public static func layerNormGrad(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
        rows: Int, cols: Int, eps: Float, _ dx: UnsafeMutablePointer<Float>, stats: LayerNormStats? = nil
    ) {
        guard cols > 0 else { return }
        parallelRanges(rows, work: 8 * rows * cols) { rs in
            for r in rs {
                let o = r * cols
                let (mean, rstd) = rowStats(stats, r, x + o, cols, eps)
                var sg = F8(), sgx = F8()
                var i = 0
                while i + 8 <= cols {
                    let g = load8(dy + o + i) * load8(gamma + i)
                    sg += g
                    sgx += g * ((load8(x + o + i) - mean) * rstd)
                    i += 8
                }
                if i < cols {
                    let n = cols - i
                    let g = loadPartial8(dy + o + i, n) * loadPartial8(gamma + i, n)
                    sg += g
                    sgx += g * ((loadPartial8(x + o + i, n, fill: mean) - mean) * rstd)
                }
                let meanG = hsum(sg) / Float(cols), meanGX = hsum(sgx) / Float(cols)
                @inline(always) func block(_ i: Int, _ lanes: Int) {
                    let xh = (load8(x + o + i, lanes) - mean) * rstd
                    let g = load8(dy + o + i, lanes) * load8(gamma + i, lanes)
                    store8(rstd * (g - meanG - xh * meanGX), dx + o + i, lanes)
                }
                i = 0
                while i + 8 <= cols { block(i, 8); i += 8 }
                if i < cols { block(i, cols - i) }
            }
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

    /// dgamma[c] (+)= Σ_r dy·x̂, and dbeta[c] (+)= Σ_r dy when dbeta is given.
    public static func layerNormParamGrad(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int, eps: Float,
        dgamma: UnsafeMutablePointer<Float>, dbeta: UnsafeMutablePointer<Float>?, accumulate: Bool, stats: LayerNormStats? = nil
    ) {
        guard cols > 0 else { return }
        if !accumulate {
            dgamma.update(repeating: 0, count: cols)
            dbeta?.update(repeating: 0, count: cols)
        }
        let work = 6 * rows * cols
        let chunks = min(2 * coreCount, rows)
        guard work >= parallelThreshold, chunks > 1 else {
            accumulateParamGrad(dy, x, 0..<rows, cols, eps, dgamma, dbeta, stats)
            return
        }
        // Rows are split across threads, so each chunk sums into its own slice of one scratch
        // buffer; the slices are added in chunk order, keeping the result deterministic.
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * chunks * cols)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0, count: 2 * chunks * cols)
        let perChunk = (rows + chunks - 1) / chunks
        parallelRanges(chunks, work: work) { ids in
            for id in ids {
                let rs = (id * perChunk)..<min(rows, (id + 1) * perChunk)
                let part = scratch + 2 * id * cols
                accumulateParamGrad(dy, x, rs, cols, eps, part, dbeta == nil ? nil : part + cols, stats)
            }
        }
        for id in 0..<chunks {
            let part = scratch + 2 * id * cols
            map8(part, dgamma, dgamma, 0..<cols) { $0 + $1 }
            if let dbeta { map8(part + cols, dbeta, dbeta, 0..<cols) { $0 + $1 } }
        }
    }

    static func accumulateParamGrad(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ rows: Range<Int>, _ cols: Int, _ eps: Float,
        _ dgamma: UnsafeMutablePointer<Float>, _ dbeta: UnsafeMutablePointer<Float>?, _ stats: LayerNormStats?
    ) {
        for r in rows {
            let o = r * cols
            let (mean, rstd) = rowStats(stats, r, x + o, cols, eps)
            @inline(always) func block(_ i: Int, _ lanes: Int) {
                let d = load8(dy + o + i, lanes)
                store8(load8(dgamma + i, lanes).addingProduct(d, (load8(x + o + i, lanes) - mean) * rstd), dgamma + i, lanes)
                if let dbeta { store8(load8(dbeta + i, lanes) + d, dbeta + i, lanes) }
            }
            var i = 0
            while i + 8 <= cols { block(i, 8); i += 8 }
            if i < cols { block(i, cols - i) }
        }
    }
}
