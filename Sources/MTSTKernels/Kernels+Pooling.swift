// Pooling token states h [B·T, H] into sentence vectors [B, H], mask [B, T] with 1 = real token.
// Token rows are padded or packed (`starts`, see `sentenceRows`); the mask is always [B, T].

extension Kernels {
    /// Mask-weighted mean over tokens, as sentence-transformers: Σ mask·h / max(Σ mask, 1e-9).
    public static func meanPool(
        _ h: UnsafePointer<Float>, mask: UnsafePointer<Float>, batch: Int, seq: Int,
        starts: UnsafePointer<Int32>? = nil, hidden: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(batch, work: batch * seq * hidden) { bs in
            for b in bs {
                let (r0, n) = sentenceRows(starts, b, seq)
                let o = out + b * hidden
                o.update(repeating: 0, count: hidden)
                var weight: Float = 0
                for t in 0..<n {
                    let w = mask[b * seq + t]
                    weight += w
                    if w != 0 { map8(h + (r0 + t) * hidden, o, o, 0..<hidden) { w * $0 + $1 } }
                }
                let denom = max(weight, 1e-9)
                map8(o, o, 0..<hidden) { $0 / denom }
            }
        }
    }

    public static func meanPoolGrad(
        _ dy: UnsafePointer<Float>, mask: UnsafePointer<Float>, batch: Int, seq: Int,
        starts: UnsafePointer<Int32>? = nil, hidden: Int, _ dh: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(batch, work: batch * seq * hidden) { bs in
            for b in bs {
                let (r0, n) = sentenceRows(starts, b, seq)
                var weight: Float = 0
                for t in 0..<n { weight += mask[b * seq + t] }
                let denom = max(weight, 1e-9)
                for t in 0..<n {
                    let f = mask[b * seq + t] / denom
                    map8(dy + b * hidden, dh + (r0 + t) * hidden, 0..<hidden) { f * $0 }
                }
            }
        }
    }

    /// The first token's state ([CLS]).
    public static func clsPool(
        _ h: UnsafePointer<Float>, batch: Int, seq: Int, starts: UnsafePointer<Int32>? = nil, hidden: Int,
        _ out: UnsafeMutablePointer<Float>
    ) {
        for b in 0..<batch { (out + b * hidden).update(from: h + sentenceRows(starts, b, seq).start * hidden, count: hidden) }
    }

    public static func clsPoolGrad(
        _ dy: UnsafePointer<Float>, batch: Int, seq: Int, starts: UnsafePointer<Int32>? = nil, hidden: Int,
        _ dh: UnsafeMutablePointer<Float>
    ) {
        for b in 0..<batch {
            let (r0, n) = sentenceRows(starts, b, seq)
            guard n > 0 else { continue }
            fill(dh + r0 * hidden, value: 0, count: n * hidden)
            (dh + r0 * hidden).update(from: dy + b * hidden, count: hidden)
        }
    }

    /// Per-feature maximum over real tokens. A sequence without real tokens pools to zeros.
    public static func maxPool(
        _ h: UnsafePointer<Float>, mask: UnsafePointer<Float>, batch: Int, seq: Int,
        starts: UnsafePointer<Int32>? = nil, hidden: Int, _ out: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(batch, work: batch * seq * hidden) { bs in
            for b in bs {
                maxOverTokens(h, mask, b, seq, starts, hidden) { c0, lanes, best, _ in
                    if lanes == 8 { store8(best, out + b * hidden + c0) } else { storePartial8(best, out + b * hidden + c0, lanes) }
                } ifEmpty: {
                    (out + b * hidden).update(repeating: 0, count: hidden)
                }
            }
        }
    }

    /// Routes each feature's gradient to the token that won the max (the first one on ties).
    public static func maxPoolGrad(
        _ dy: UnsafePointer<Float>, _ h: UnsafePointer<Float>, mask: UnsafePointer<Float>,
        batch: Int, seq: Int, starts: UnsafePointer<Int32>? = nil, hidden: Int, _ dh: UnsafeMutablePointer<Float>
    ) {
        parallelRanges(batch, work: batch * seq * hidden) { bs in
            for b in bs {
                let (r0, n) = sentenceRows(starts, b, seq)
                (dh + r0 * hidden).update(repeating: 0, count: n * hidden)
                maxOverTokens(h, mask, b, seq, starts, hidden) { c0, lanes, _, winner in
                    for j in 0..<lanes {
                        let t = Int(winner[j])
                        dh[(r0 + t) * hidden + c0 + j] = dy[b * hidden + c0 + j]
                    }
                } ifEmpty: {}
            }
        }
    }

    /// Scans sentence b (its token t at row start + t) in 8-feature blocks, tracking the running max and the token it came from.
    /// Strict `>` keeps the first token on ties; masked tokens are never candidates.
    @inline(__always)
    static func maxOverTokens(
        _ h: UnsafePointer<Float>, _ mask: UnsafePointer<Float>, _ b: Int, _ seq: Int, _ starts: UnsafePointer<Int32>?,
        _ hidden: Int, _ emit: (_ c0: Int, _ lanes: Int, _ best: F8, _ winner: I8) -> Void, ifEmpty: () -> Void
    ) {
        let (r0, n) = sentenceRows(starts, b, seq)
        guard let first = (0..<n).first(where: { mask[b * seq + $0] != 0 }) else {
            ifEmpty()
            return
        }
        var c0 = 0
        while c0 < hidden {
            let lanes = min(8, hidden - c0)
            @inline(__always) func row(_ t: Int) -> F8 {
                let p = h + (r0 + t) * hidden + c0
                return lanes == 8 ? load8(p) : loadPartial8(p, lanes)
            }
            var best = row(first)
            var winner = I8(repeating: Int32(first))
            for t in (first + 1)..<n where mask[b * seq + t] != 0 {
                let v = row(t)
                let better = v .> best
                best = best.replacing(with: v, where: better)
                winner = winner.replacing(with: Int32(t), where: better)
            }
            emit(c0, lanes, best, winner)
            c0 += 8
        }
    }
}
