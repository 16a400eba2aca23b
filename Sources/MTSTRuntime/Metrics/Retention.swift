import Foundation

/// How much of the original embedding space a run keeps (forgetting, measured): over a fixed set
/// of sentences, the Spearman correlation between the pairwise cosine similarities of the
/// original embeddings and the current ones, and the mean cosine between each sentence's
/// original and current embedding. Identical embeddings score exactly 1 on both.
public struct Retention: Codable, Sendable, Equatable {
    /// nil when there are fewer than two pairs of sentences or the similarities are all equal.
    public var spearman: Double?
    public var mean_cosine: Double

    /// The sentences retention is measured on: the first this many evaluation sentences.
    public static let maxSentences = 512

    public static func score(original: [[Float]], current: [[Float]]) -> Retention {
        precondition(original.count == current.count, "Retention: one current embedding per original")
        let a = original.map(unit), b = current.map(unit)
        var own = 0.0
        for i in original.indices {
            let x = original[i].map(Double.init), y = current[i].map(Double.init)
            // x·y / sqrt(|x|²|y|²): exactly 1 for identical vectors (sqrt(v·v) = v in IEEE).
            let norms = (dot(x, x) * dot(y, y)).squareRoot()
            own += norms > 0 ? dot(x, y) / norms : 0
        }
        return Retention(spearman: spearman(pairwise(a), pairwise(b)), mean_cosine: a.isEmpty ? 0 : own / Double(a.count))
    }

    /// Cosine similarity of every pair i < j, row by row.
    static func pairwise(_ u: [[Double]]) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(u.count * max(u.count - 1, 0) / 2)
        for i in u.indices {
            for j in (i + 1)..<max(u.count, i + 1) { result.append(dot(u[i], u[j])) }
        }
        return result
    }

    /// Pearson correlation of the average ranks (ties share the mean of their ranks).
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        precondition(x.count == y.count, "Retention.spearman: equal lengths")
        guard x.count >= 2 else { return nil }
        let rx = ranks(x), ry = ranks(y)
        let mean = Double(x.count + 1) / 2
        var cov = 0.0, vx = 0.0, vy = 0.0
        for k in rx.indices {
            let dx = rx[k] - mean, dy = ry[k] - mean
            cov += dx * dy
            vx += dx * dx
            vy += dy * dy
        }
        guard vx > 0, vy > 0 else { return nil }
        // sqrt(vx · vy) rather than sqrt(vx) · sqrt(vy): equal rankings then give exactly 1.
        return cov / (vx * vy).squareRoot()
    }

    /// 1-based ranks; a run of equal values gets the mean of the ranks it spans.
    public static func ranks(_ x: [Double]) -> [Double] {
        let order = x.indices.sorted { x[$0] < x[$1] || (x[$0] == x[$1] && $0 < $1) }
        var result = [Double](repeating: 0, count: x.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && x[order[end + 1]] == x[order[start]] { end += 1 }
            let rank = Double(start + end + 2) / 2
            for k in start...end { result[order[k]] = rank }
            start = end + 1
        }
        return result
    }

    private static func unit(_ v: [Float]) -> [Double] {
        let d = v.map(Double.init)
        let norm = dot(d, d).squareRoot()
        return norm > 0 ? d.map { $0 / norm } : d
    }

    private static func dot(_ x: [Double], _ y: [Double]) -> Double {
        var s = 0.0
        for k in x.indices where k < y.count { s += x[k] * y[k] }
        return s
    }
}
