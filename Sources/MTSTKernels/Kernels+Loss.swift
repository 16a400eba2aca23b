import Foundation

/// Row maximum and Σ exp(x − max): a numerically stable softmax denominator.
@inline(always) func softmaxStats(_ x: UnsafePointer<Float>, _ n: Int) -> (max: Float, sum: Float) {
    let negInf = -Float.infinity
    var mx = F8(repeating: negInf)
    var i = 0
    while i + 8 <= n { mx = vmax(mx, load8(x + i)); i += 8 }
    if i < n { mx = vmax(mx, loadPartial8(x + i, n - i, fill: negInf)) }
    let rowMax = hmax(mx)
    var sum = F8()
    i = 0
    while i + 8 <= n { sum += exp8(load8(x + i) - rowMax); i += 8 }
    if i < n { sum += exp8(loadPartial8(x + i, n - i, fill: negInf) - rowMax) }
    return (rowMax, hsum(sum))
}

extension Kernels {
    /// The class index of a float-encoded label, or nil when the row is ignored
    /// (negative, as the data readers mark it) or unusable (NaN, ≥ classes).
    @inline(__always) static func label(_ f: Float, classes: Int) -> Int? {
        guard let y = decodeIndex(f), y < classes else { return nil }
        return y
    }

    /// Rows whose label is a class: what the cross-entropy's mean divides by.
    public static func labelledRowCount(labels: UnsafePointer<Float>, rows: Int, classes: Int) -> Int {
        var valid = 0
        for r in 0..<rows where label(labels[r], classes: classes) != nil { valid += 1 }
        return valid
    }

    /// loss[0] = mean over labelled rows of −log softmax(logits)[label]; 0 when no row is labelled.
    /// `denominator` replaces the local count of labelled rows (a rank's share of a global
    /// batch divides by the global batch's count, so the ranks' losses sum to its mean).
    public static func softmaxCrossEntropy(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int, classes: Int,
        loss: UnsafeMutablePointer<Float>, denominator: Int? = nil
    ) {
        var total = 0.0
        var valid = 0
        for r in 0..<rows {
            guard let y = label(labels[r], classes: classes) else { continue }
            let row = logits + r * classes
            let (mx, sum) = softmaxStats(row, classes)
            total += Double(mx) + log(Double(sum)) - Double(row[y])
            valid += 1
        }
        let d = denominator ?? valid
        loss[0] = d > 0 ? Float(total / Double(d)) : 0
    }

    /// dlogits = dloss·(softmax − onehot)/validCount (or `denominator`); ignored rows get zeros.
    public static func softmaxCrossEntropyGrad(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int, classes: Int,
        dloss: Float, dlogits: UnsafeMutablePointer<Float>, denominator: Int? = nil
    ) {
        let valid = denominator ?? labelledRowCount(labels: labels, rows: rows, classes: classes)
        let coef = valid > 0 ? dloss / Float(valid) : 0
        parallelRanges(rows, work: 16 * rows * classes) { rs in
            for r in rs {
                let row = logits + r * classes, out = dlogits + r * classes
                guard let y = label(labels[r], classes: classes) else {
                    out.update(repeating: 0, count: classes)
                    continue
                }
                let (mx, sum) = softmaxStats(row, classes)
                let k = coef / sum
                @inline(always) func block(_ i: Int, _ lanes: Int) {
                    store8(exp8(load8(row + i, lanes) - mx) * k, out + i, lanes)
                }
                var i = 0
                while i + 8 <= classes { block(i, 8); i += 8 }
                if i < classes { block(i, classes - i) }
                out[y] -= coef
            }
        }
    }

    /// Index of each row's maximum (the first on ties); NaN entries never win over a number.
    public static func argmaxRows(_ x: UnsafePointer<Float>, rows: Int, cols: Int, _ out: UnsafeMutablePointer<Int32>) {
        for r in 0..<rows {
            let row = x + r * cols
            var best = 0
            for c in 1..<max(1, cols) where row[c] > row[best] || (row[best].isNaN && !row[c].isNaN) { best = c }
            out[r] = Int32(best)
        }
    }
}
