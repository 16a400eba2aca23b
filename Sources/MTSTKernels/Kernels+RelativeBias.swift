import Foundation

// Relative position bias (T5, MPNet): every (query i, key j) score of head h gets
// `table[bucket(j − i), h]` added after scaling and before the mask and softmax. The bucket
// depends only on j − i inside one sentence, so packed rows (`starts`) and padded rows give the
// same biases: i and j are token indices within the sentence either way.

public extension Kernels {
    /// Bucket of the relative position `key − query`, as MPNet's (and T5's bidirectional)
    /// `relative_position_bucket`: half the buckets for keys before the query, half for keys
    /// after; within a half, distances below a quarter of the buckets get one bucket each and the
    /// rest share logarithmically spaced buckets up to `maxDistance`. Computed in Float as
    /// PyTorch does (float32 log, truncation toward zero), so boundary distances land in the
    /// same bucket as in `transformers`.
    static func relativePositionBucket(_ relative: Int, buckets: Int, maxDistance: Int) -> Int {
        let half = buckets / 2
        var n = -relative
        var bucket = 0
        if n < 0 {
            bucket = half
            n = -n
        }
        let maxExact = half / 2
        if n < maxExact { return bucket + n }
        let ratio = Float(n) / Float(maxExact)
        let logSpan = Float(Foundation.log(Double(maxDistance) / Double(maxExact)))
        let large = maxExact + Int(Foundation.logf(ratio) / logSpan * Float(half - maxExact))
        return bucket + min(large, half - 1)
    }

    /// Fills `out[r + n − 1] = table[bucket(r), h]` for r in −(n−1) … n−1: the bias of one head
    /// along the diagonals of an n×n score block.
    @inline(__always)
    internal static func relativeBiasDiagonals(
        _ table: UnsafePointer<Float>, heads: Int, head h: Int, n: Int, buckets: Int, maxDistance: Int,
        _ out: UnsafeMutablePointer<Float>
    ) {
        for r in -(n - 1)..<n {
            out[r + n - 1] = table[relativePositionBucket(r, buckets: buckets, maxDistance: maxDistance) * heads + h]
        }
    }

    /// Gradient of the relative bias table `[buckets, heads]` from the score gradients
    /// `dscores` `[heads·B, T, T]` (sentence b's block n×n with row stride n, as the attention
    /// kernels lay it out). `dscores` is the gradient of the *unscaled* product Q·Kᵀ (the
    /// softmax backward folds the score scale in), so each term is divided by `scale`.
    static func relativeBiasGrad(
        dscores: UnsafePointer<Float>, batch: Int, heads: Int, seq: Int, starts: UnsafePointer<Int32>?,
        buckets: Int, maxDistance: Int, scale: Float, table: UnsafeMutablePointer<Float>
    ) {
        table.update(repeating: 0, count: buckets * heads)
        guard batch > 0, seq > 0 else { return }
        let diagonals = 2 * seq - 1
        withUnsafeTemporaryAllocation(of: Float.self, capacity: heads * diagonals) { buffer in
            guard let sums = buffer.baseAddress else { preconditionFailure("non-empty allocation without an address") }
            sums.update(repeating: 0, count: heads * diagonals)
            // Heads are independent: each chunk owns whole columns of the table.
            parallelRanges(heads, work: batch * heads * seq * seq) { hs in
                for h in hs {
                    let d = sums + h * diagonals
                    for b in 0..<batch {
                        let n = sentenceRows(starts, b, seq).count
                        let block = dscores + (b * heads + h) * seq * seq
                        for i in 0..<n {
                            let row = block + i * n
                            // Key j of query i lies on diagonal j − i, stored at j − i + seq − 1.
                            let base = d + (seq - 1 - i)
                            for j in 0..<n { base[j] += row[j] }
                        }
                    }
                    let inv = 1 / scale
                    for r in -(seq - 1)..<seq {
                        let bucket = relativePositionBucket(r, buckets: buckets, maxDistance: maxDistance)
                        table[bucket * heads + h] += d[r + seq - 1] * inv
                    }
                }
            }
        }
    }
}

/// Adds one head's diagonal biases to row i of an n×n score block: `row[j] += diag[j − i + n − 1]`.
@inline(always) func addRelativeBiasRow(_ row: UnsafeMutablePointer<Float>, _ diagonals: UnsafePointer<Float>, _ i: Int, _ n: Int) {
    let src = diagonals + (n - 1 - i)
    var j = 0
    while j + 8 <= n {
        store8(load8(row + j) + load8(src + j), row + j, 8)
        j += 8
    }
    if j < n { store8(load8(row + j, n - j) + load8(src + j, n - j), row + j, n - j) }
}
