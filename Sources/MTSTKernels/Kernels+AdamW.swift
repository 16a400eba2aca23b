import Foundation

extension Kernels {
    /// One decoupled AdamW step with bias correction, following torch.optim.AdamW's order of
    /// operations: g = grad·gradScale (the clipping factor); p ← p·(1 − lr·wd);
    /// m ← lerp(m, g, 1 − β1); v ← β2·v + (1 − β2)·g²; p ← p − lr/(1 − β1ᵗ)·m/(√v/√(1 − β2ᵗ) + eps).
    /// Scalars derived from the hyper-parameters are computed in Double, as Python does.
    public static func adamw(
        param: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
        v: UnsafeMutablePointer<Float>, count: Int, lr: Float, beta1: Float, beta2: Float, eps: Float,
        weightDecay: Float, step: Int, gradScale: Float
    ) {
        precondition(step >= 1, "adamw: steps count from 1")
        let bc1 = 1 - pow(Double(beta1), Double(step))
        let bc2 = 1 - pow(Double(beta2), Double(step))
        let stepSize = Float(Double(lr) / bc1)
        let bc2Sqrt = Float(bc2.squareRoot())
        let decay = Float(1 - Double(lr) * Double(weightDecay))
        let w1 = Float(1 - Double(beta1)), w2 = Float(1 - Double(beta2))
        @inline(always) func update(_ i: Int, _ lanes: Int) {
            let g = load8(grad + i, lanes) * gradScale
            var p = load8(param + i, lanes) * decay
            var mi = load8(m + i, lanes), vi = load8(v + i, lanes)
            mi = mi + w1 * (g - mi)
            vi = vi * beta2 + w2 * (g * g)
            let denom = vi.squareRoot() / bc2Sqrt + eps
            p = p - stepSize * (mi / denom)
            store8(p, param + i, lanes); store8(mi, m + i, lanes); store8(vi, v + i, lanes)
        }
        parallelRanges(count, work: 16 * count, granularity: 8) { r in
            var i = r.lowerBound
            while i + 8 <= r.upperBound { update(i, 8); i += 8 }
            if i < r.upperBound { update(i, r.upperBound - i) }
        }
    }

    /// Σ x², accumulated in Double (for global gradient-norm clipping over millions of values).
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        let chunks = min(2 * coreCount, max(1, count / 4096))
        let perChunk = (count + chunks - 1) / chunks
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: chunks) { partial in
            parallelRanges(chunks, work: count) { ids in
                for id in ids {
                    let start = min(count, id * perChunk)
                    partial[id] = sumOfSquares(x, start..<min(count, start + perChunk))
                }
            }
            // Summed in chunk order so the result does not depend on thread timing.
            return partial.reduce(0, +)
        }
    }

    /// Float lanes are flushed to Double every 256 elements, bounding float rounding growth.
    static func sumOfSquares(_ x: UnsafePointer<Float>, _ range: Range<Int>) -> Double {
        var total = 0.0
        var i = range.lowerBound
        while i < range.upperBound {
            let end = min(range.upperBound, i + 256)
            var acc = F8()
            while i + 8 <= end { let v = load8(x + i); acc += v * v; i += 8 }
            if i < end { let v = loadPartial8(x + i, end - i); acc += v * v; i = end }
            total += Double(hsum(acc))
        }
        return total
    }
}

extension Kernels {
    /// One SGD step in torch.optim.SGD's order of operations (dampening 0, no Nesterov):
    /// d = grad·gradScale + wd·p; with momentum, v ← momentum·v + d (v starts at 0, so the first
    /// step stores d as torch does) and d = v; p ← p − lr·d.
    public static func sgd(
        param: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>, velocity: UnsafeMutablePointer<Float>?,
        count: Int, lr: Float, momentum: Float, weightDecay: Float, gradScale: Float
    ) {
        @inline(always) func update(_ i: Int, _ lanes: Int) {
            var p = load8(param + i, lanes)
            var d = load8(grad + i, lanes) * gradScale
            if weightDecay != 0 { d = d + weightDecay * p }
            if let velocity {
                let v = load8(velocity + i, lanes) * momentum + d
                store8(v, velocity + i, lanes)
                d = v
            }
            p = p - lr * d
            store8(p, param + i, lanes)
        }
        parallelRanges(count, work: 8 * count, granularity: 8) { r in
            var i = r.lowerBound
            while i + 8 <= r.upperBound { update(i, 8); i += 8 }
            if i < r.upperBound { update(i, r.upperBound - i) }
        }
    }
}
