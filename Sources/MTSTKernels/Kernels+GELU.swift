// Exact (erf) GELU as in BERT: gelu(x) = x·Φ(x), Φ(x) = ½(1 + erf(x/√2)).

@inline(always) func gelu8(_ x: F8) -> F8 {
    0.5 * x * (1 + erf8(x * 0.707_106_781))
}

/// gelu'(x) = Φ(x) + x·φ(x), φ the standard normal density.
@inline(always) func geluDerivative8(_ x: F8) -> F8 {
    let cdf = 0.5 * (1 + erf8(x * 0.707_106_781))
    let pdf = exp8(-0.5 * x * x) * 0.398_942_28
    return cdf + x * pdf
}

extension Kernels {
    /// out = gelu(x); may alias.
    public static func gelu(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        parallelRanges(count, work: 8 * count, granularity: 8) { r in map8(x, out, r, gelu8) }
    }

    /// dx = dy·gelu'(x); dx may alias dy.
    public static func geluGrad(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, count: Int
    ) {
        parallelRanges(count, work: 8 * count, granularity: 8) { r in
            @inline(always) func block(_ i: Int, _ lanes: Int) {
                store8(load8(dy + i, lanes) * geluDerivative8(load8(x + i, lanes)), dx + i, lanes)
            }
            var i = r.lowerBound
            while i + 8 <= r.upperBound { block(i, 8); i += 8 }
            if i < r.upperBound { block(i, r.upperBound - i) }
        }
    }

    /// out = gelu(x + bias) row-wise; may alias x.
    public static func biasGelu(
        _ x: UnsafePointer<Float>, bias: UnsafePointer<Float>, rows: Int, cols: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(rows, work: 8 * rows * cols) { rs in
            for r in rs {
                let o = r * cols
                @inline(always) func block(_ j: Int, _ lanes: Int) {
                    store8(gelu8(load8(x + o + j, lanes) + load8(bias + j, lanes)), out + o + j, lanes)
                }
                var j = 0
                while j + 8 <= cols { block(j, 8); j += 8 }
                if j < cols { block(j, cols - j) }
            }
        }
    }

    /// dx = dy·gelu'(x + bias); dx may alias dy.
    public static func biasGeluGrad(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        rows: Int, cols: Int, _ dx: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(rows, work: 8 * rows * cols) { rs in
            for r in rs {
                let o = r * cols
                @inline(always) func block(_ j: Int, _ lanes: Int) {
                    let d = geluDerivative8(load8(x + o + j, lanes) + load8(bias + j, lanes))
                    store8(load8(dy + o + j, lanes) * d, dx + o + j, lanes)
                }
                var j = 0
                while j + 8 <= cols { block(j, 8); j += 8 }
                if j < cols { block(j, cols - j) }
            }
        }
    }
}

extension Kernels {
    /// out = erf(x), the vectorised approximation GELU uses; exposed so its accuracy is testable.
    public static func erf(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        parallelRanges(count, work: 8 * count, granularity: 8) { r in map8(x, out, r, erf8) }
    }

    /// out = e^x (flushes to 0 below ln(FLT_MIN), saturates above 88), as the softmax kernels use it.
    public static func exp(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        parallelRanges(count, work: 8 * count, granularity: 8) { r in map8(x, out, r, exp8) }
    }
}
