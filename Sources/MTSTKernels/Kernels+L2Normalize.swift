extension Kernels {
    /// out = x / max(‖x‖₂, eps) per row, as torch.nn.functional.normalize; may alias.
    public static func l2Normalize(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int, eps: Float, _ out: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(rows, work: 3 * rows * cols) { rs in
            for r in rs {
                let p = x + r * cols
                let denom = max(dot(p, p, cols).squareRoot(), eps)
                map8(p, out + r * cols, 0..<cols) { $0 / denom }
            }
        }
    }

    /// Backward of l2Normalize. Where the norm was clamped to eps the denominator is a constant,
    /// so dx = dy/eps; otherwise dx = dy/n − x·(x·dy)/n³.
    public static func l2NormalizeGrad(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, cols: Int, eps: Float,
        _ dx: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(rows, work: 5 * rows * cols) { rs in
            for r in rs {
                let o = r * cols
                let norm = dot(x + o, x + o, cols).squareRoot()
                if norm >= eps {
                    let inv = 1 / norm
                    let k = dot(x + o, dy + o, cols) * inv * inv * inv
                    @inline(always) func block(_ i: Int, _ lanes: Int) {
                        store8(load8(dy + o + i, lanes) * inv - load8(x + o + i, lanes) * k, dx + o + i, lanes)
                    }
                    var i = 0
                    while i + 8 <= cols { block(i, 8); i += 8 }
                    if i < cols { block(i, cols - i) }
                } else {
                    map8(dy + o, dx + o, 0..<cols) { $0 / eps }
                }
            }
        }
    }
}

/// Σ a·b over n floats.
@inline(always) func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var s0 = F8(), s1 = F8()
    var i = 0
    while i + 16 <= n {
        s0 += load8(a + i) * load8(b + i)
        s1 += load8(a + i + 8) * load8(b + i + 8)
        i += 16
    }
    if i + 8 <= n { s0 += load8(a + i) * load8(b + i); i += 8 }
    if i < n { s1 += loadPartial8(a + i, n - i) * loadPartial8(b + i, n - i) }
    return hsum(s0 + s1)
}
