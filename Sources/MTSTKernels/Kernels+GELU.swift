// Exact (erf) GELU as in BERT: gelu(x) = x·Φ(x), Φ(x) = ½(1 + erf(x/√2)).

@inline(__always) func gelu8(_ x: F8) -> F8 {
    0.5 * x * (1 + erf8(x * 0.707_106_781))
}

/// gelu'(x) = Φ(x) + x·φ(x), φ the standard normal density.
@inline(__always) func geluDerivative8(_ x: F8) -> F8 {
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
            map8(dy, x, dx, r) { dy, x in dy * geluDerivative8(x) }
        }
    }

    /// out = gelu(x + bias) row-wise; may alias x.
    public static func biasGelu(
        _ x: UnsafePointer<Float>, bias: UnsafePointer<Float>, rows: Int, cols: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(rows, work: 8 * rows * cols) { rs in
            for r in rs { map8(x + r * cols, bias, out + r * cols, 0..<cols) { x, b in gelu8(x + b) } }
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
                map8(dy + o, x + o, bias, dx + o, 0..<cols) { dy, x, b in dy * geluDerivative8(x + b) }
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
