import Foundation

// A linear-chain CRF over per-token emission scores [rows, C] with transition scores T [C, C]
// (T[i, j] scores tag i followed by tag j), start [C] and end [C]. A sentence's chain is the
// rows of that sentence (padded or packed, see `sentenceRows`) whose label is a class index:
// tagging labels mark [CLS], [SEP], continuation pieces and padding with −1, so the chain runs
// over the first piece of each word, exactly the rows the softmax tagging loss scores.
//
// All recursions run in Double. Log-sum-exp over i of a(i) + T(i, j) is computed as
// m + c_j + log Σ_i exp(a(i) − m)·exp(T(i, j) − c_j), with m = max a and c_j = max_i T(i, j), so
// one C×C table of exponentials serves every step as a matrix-vector product. Every term is ≤ 1
// and the sum only underflows when two score gaps add up to ~700 nats; then that column is
// recomputed by the exact per-entry log-sum-exp.

@inline(__always) private func expd(_ x: Double) -> Double { Foundation.exp(x) }
@inline(__always) private func logd(_ x: Double) -> Double { Foundation.log(x) }

/// The CRF's scores: transitions [C, C] row-major (from, to), start [C], end [C].
public struct CRFScores {
    public let transitions: UnsafePointer<Float>
    public let start: UnsafePointer<Float>
    public let end: UnsafePointer<Float>
    public let classes: Int

    public init(transitions: UnsafePointer<Float>, start: UnsafePointer<Float>, end: UnsafePointer<Float>, classes: Int) {
        self.transitions = transitions
        self.start = start
        self.end = end
        self.classes = classes
    }
}

/// Gradient outputs of `crfGradients`; nil parts are not computed.
public struct CRFGradients {
    public var emissions: UnsafeMutablePointer<Float>?
    public var transitions: UnsafeMutablePointer<Float>?
    public var start: UnsafeMutablePointer<Float>?
    public var end: UnsafeMutablePointer<Float>?

    public init(emissions: UnsafeMutablePointer<Float>? = nil, transitions: UnsafeMutablePointer<Float>? = nil,
                start: UnsafeMutablePointer<Float>? = nil, end: UnsafeMutablePointer<Float>? = nil) {
        self.emissions = emissions
        self.transitions = transitions
        self.start = start
        self.end = end
    }
}

/// Work buffers for one call: the exponentiated transitions and the per-position vectors.
private struct CRFWork {
    let c: Int
    /// expd(T[i, j] − colMax[j]).
    let expT: UnsafeMutablePointer<Double>
    let colMax: UnsafeMutablePointer<Double>
    let alpha: UnsafeMutablePointer<Double>   // [n, C]
    let beta: UnsafeMutablePointer<Double>    // [n, C]
    let p: UnsafeMutablePointer<Double>, q: UnsafeMutablePointer<Double>, v: UnsafeMutablePointer<Double>
    let rows: UnsafeMutablePointer<Int>
    let tags: UnsafeMutablePointer<Int>
    let back: UnsafeMutablePointer<Int32>     // [n, C] Viterbi back-pointers
    let scores: CRFScores

    init(_ scores: CRFScores, maxLength: Int) {
        let c = scores.classes
        self.c = c
        self.scores = scores
        let n = max(maxLength, 1)
        expT = .allocate(capacity: c * c)
        colMax = .allocate(capacity: c)
        alpha = .allocate(capacity: n * c)
        beta = .allocate(capacity: n * c)
        p = .allocate(capacity: c)
        q = .allocate(capacity: c)
        v = .allocate(capacity: c)
        rows = .allocate(capacity: n)
        tags = .allocate(capacity: n)
        back = .allocate(capacity: n * c)
        let t = scores.transitions
        for j in 0..<c {
            var mx = -Double.infinity
            for i in 0..<c { mx = max(mx, Double(t[i * c + j])) }
            colMax[j] = mx.isFinite ? mx : 0
        }
        for i in 0..<c {
            for j in 0..<c { expT[i * c + j] = expd(Double(t[i * c + j]) - colMax[j]) }
        }
    }

    func free() {
        for b in [expT, colMax, alpha, beta, p, q, v] { b.deallocate() }
        rows.deallocate()
        tags.deallocate()
        back.deallocate()
    }

    @inline(__always) func trans(_ i: Int, _ j: Int) -> Double { Double(scores.transitions[i * c + j]) }

    /// out[j] = log Σ_i expd(a[i] + T[i, j]).
    func lseInto(_ a: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        var m = -Double.infinity
        for i in 0..<c { m = max(m, a[i]) }
        for i in 0..<c { p[i] = expd(a[i] - m) }
        for j in 0..<c { out[j] = 0 }
        for i in 0..<c {
            let pi = p[i]
            if pi == 0 { continue }
            let row = expT + i * c
            for j in 0..<c { out[j] += pi * row[j] }
        }
        for j in 0..<c {
            let s = out[j]
            if s > 1e-250 {
                out[j] = m + colMax[j] + logd(s)
            } else {
                var mx = -Double.infinity
                for i in 0..<c { mx = max(mx, a[i] + trans(i, j)) }
                var sum = 0.0
                for i in 0..<c { sum += expd(a[i] + trans(i, j) - mx) }
                out[j] = mx + logd(sum)
            }
        }
    }

    /// out[i] = log Σ_j expd(T[i, j] + b[j]).
    func lseRowsInto(_ b: UnsafePointer<Double>, _ out: UnsafeMutablePointer<Double>) {
        var m = -Double.infinity
        for j in 0..<c { v[j] = b[j] + colMax[j]; m = max(m, v[j]) }
        for j in 0..<c { q[j] = expd(v[j] - m) }
        for i in 0..<c {
            let row = expT + i * c
            var s = 0.0
            for j in 0..<c { s += row[j] * q[j] }
            if s > 1e-250 {
                out[i] = m + logd(s)
            } else {
                var mx = -Double.infinity
                for j in 0..<c { mx = max(mx, trans(i, j) + b[j]) }
                var sum = 0.0
                for j in 0..<c { sum += expd(trans(i, j) + b[j] - mx) }
                out[i] = mx + logd(sum)
            }
        }
    }

    @inline(__always) func emission(_ e: UnsafePointer<Float>, _ t: Int, _ j: Int) -> Double { Double(e[rows[t] * c + j]) }

    /// Fills alpha for positions 0..<n and returns log Z.
    func forward(_ e: UnsafePointer<Float>, _ n: Int) -> Double {
        for j in 0..<c { alpha[j] = Double(scores.start[j]) + emission(e, 0, j) }
        for t in 1..<max(n, 1) {
            let a = alpha + t * c
            lseInto(alpha + (t - 1) * c, a)
            for j in 0..<c { a[j] += emission(e, t, j) }
        }
        let last = alpha + (n - 1) * c
        var m = -Double.infinity
        for j in 0..<c { m = max(m, last[j] + Double(scores.end[j])) }
        var s = 0.0
        for j in 0..<c { s += expd(last[j] + Double(scores.end[j]) - m) }
        return m + logd(s)
    }

    /// Fills beta: beta[n−1] = end, beta[t] = log Σ_j expd(T[·, j] + e[t+1, j] + beta[t+1, j]).
    func backward(_ e: UnsafePointer<Float>, _ n: Int) {
        for j in 0..<c { beta[(n - 1) * c + j] = Double(scores.end[j]) }
        var t = n - 2
        while t >= 0 {
            let next = beta + (t + 1) * c
            // p holds e + beta of the next position (lseRowsInto uses q and v).
            for j in 0..<c { p[j] = emission(e, t + 1, j) + next[j] }
            lseRowsInto(p, beta + t * c)
            t -= 1
        }
    }

    /// Score of the gold path.
    func goldScore(_ e: UnsafePointer<Float>, _ n: Int) -> Double {
        var s = Double(scores.start[tags[0]]) + Double(scores.end[tags[n - 1]])
        for t in 0..<n { s += emission(e, t, tags[t]) }
        for t in 1..<max(n, 1) { s += trans(tags[t - 1], tags[t]) }
        return s
    }
}

extension Kernels {
    /// Rows of sentence b whose label is a class index, into `rows`/`tags`; returns their count.
    private static func chain(_ labels: UnsafePointer<Float>, classes: Int, _ r0: Int, _ count: Int,
                              rows: UnsafeMutablePointer<Int>, tags: UnsafeMutablePointer<Int>) -> Int {
        var n = 0
        for r in r0..<(r0 + count) {
            guard let y = label(labels[r], classes: classes) else { continue }
            rows[n] = r
            tags[n] = y
            n += 1
        }
        return n
    }

    /// Longest sentence in rows, the bound on a chain's length.
    private static func longest(batch: Int, seq: Int, starts: UnsafePointer<Int32>?) -> Int {
        var n = 0
        for b in 0..<batch { n = max(n, sentenceRows(starts, b, seq).count) }
        return n
    }

    /// Sentences with at least one labelled row: the CRF loss is the mean over these.
    public static func crfSentenceCount(labels: UnsafePointer<Float>, classes: Int, batch: Int, seq: Int,
                                        starts: UnsafePointer<Int32>?) -> Int {
        var count = 0
        for b in 0..<batch {
            let (r0, n) = sentenceRows(starts, b, seq)
            if (r0..<(r0 + n)).contains(where: { label(labels[$0], classes: classes) != nil }) { count += 1 }
        }
        return count
    }

    /// loss[0] = mean over sentences with a labelled row of log Z − score(gold path); 0 when none.
    /// `denominator` replaces the local sentence count (a rank's share of a global batch).
    public static func crfNegLogLikelihood(
        emissions: UnsafePointer<Float>, labels: UnsafePointer<Float>, batch: Int, seq: Int,
        starts: UnsafePointer<Int32>?, scores: CRFScores, loss: UnsafeMutablePointer<Float>, denominator: Int? = nil
    ) {
        let w = CRFWork(scores, maxLength: longest(batch: batch, seq: seq, starts: starts))
        defer { w.free() }
        var total = 0.0
        var sentences = 0
        for b in 0..<batch {
            let (r0, count) = sentenceRows(starts, b, seq)
            let n = chain(labels, classes: scores.classes, r0, count, rows: w.rows, tags: w.tags)
            guard n > 0 else { continue }
            total += w.forward(emissions, n) - w.goldScore(emissions, n)
            sentences += 1
        }
        let d = denominator ?? sentences
        loss[0] = d > 0 ? Float(total / Double(d)) : 0
    }

    /// Gradients of `crfNegLogLikelihood` scaled by dloss: marginals minus the gold path's
    /// indicators, by the forward–backward algorithm. Emission rows outside every chain get zeros.
    public static func crfGradients(
        emissions: UnsafePointer<Float>, labels: UnsafePointer<Float>, rows: Int, batch: Int, seq: Int,
        starts: UnsafePointer<Int32>?, scores: CRFScores, dloss: Float, into out: CRFGradients, denominator: Int? = nil
    ) {
        let c = scores.classes
        out.emissions?.update(repeating: 0, count: rows * c)
        out.transitions?.update(repeating: 0, count: c * c)
        out.start?.update(repeating: 0, count: c)
        out.end?.update(repeating: 0, count: c)
        let sentences = crfSentenceCount(labels: labels, classes: c, batch: batch, seq: seq, starts: starts)
        guard sentences > 0 else { return }
        let coef = Double(dloss) / Double(denominator ?? sentences)
        let w = CRFWork(scores, maxLength: longest(batch: batch, seq: seq, starts: starts))
        defer { w.free() }
        let dT = out.transitions.map { _ in UnsafeMutablePointer<Double>.allocate(capacity: c * c) }
        dT?.update(repeating: 0, count: c * c)
        defer { dT?.deallocate() }
        for b in 0..<batch {
            let (r0, count) = sentenceRows(starts, b, seq)
            let n = chain(labels, classes: c, r0, count, rows: w.rows, tags: w.tags)
            guard n > 0 else { continue }
            let logZ = w.forward(emissions, n)
            w.backward(emissions, n)
            func marginal(_ t: Int, _ j: Int) -> Double { expd(w.alpha[t * c + j] + w.beta[t * c + j] - logZ) }
            if let dE = out.emissions {
                for t in 0..<n {
                    let row = dE + w.rows[t] * c
                    for j in 0..<c { row[j] = Float(coef * marginal(t, j)) }
                    row[w.tags[t]] -= Float(coef)
                }
            }
            if let dS = out.start {
                for j in 0..<c { dS[j] += Float(coef * marginal(0, j)) }
                dS[w.tags[0]] -= Float(coef)
            }
            if let dEnd = out.end {
                for j in 0..<c { dEnd[j] += Float(coef * marginal(n - 1, j)) }
                dEnd[w.tags[n - 1]] -= Float(coef)
            }
            if let dT {
                // ξ_t(i, j) = expd(α_{t−1}(i) + T(i, j) + e_t(j) + β_t(j) − log Z), factored as
                // P(i)·expT(i, j)·Q(j)·K with every factor but K at most 1.
                for t in 1..<max(n, 1) {
                    let a = w.alpha + (t - 1) * c
                    var m = -Double.infinity
                    for i in 0..<c { m = max(m, a[i]) }
                    var mv = -Double.infinity
                    for j in 0..<c {
                        w.v[j] = w.colMax[j] + w.emission(emissions, t, j) + w.beta[t * c + j]
                        mv = max(mv, w.v[j])
                    }
                    let k = expd(m + mv - logZ)
                    if k.isFinite && k < 1e250 {
                        for j in 0..<c { w.q[j] = expd(w.v[j] - mv) * k * coef }
                        for i in 0..<c {
                            let pi = expd(a[i] - m)
                            if pi == 0 { continue }
                            let row = w.expT + i * c, g = dT + i * c
                            for j in 0..<c { g[j] += pi * row[j] * w.q[j] }
                        }
                    } else {
                        for i in 0..<c {
                            for j in 0..<c {
                                dT[i * c + j] += coef * expd(a[i] + w.trans(i, j) + w.v[j] - w.colMax[j] - logZ)
                            }
                        }
                    }
                    dT[w.tags[t - 1] * c + w.tags[t]] -= coef
                }
            }
        }
        if let dT, let g = out.transitions {
            for i in 0..<(c * c) { g[i] = Float(dT[i]) }
        }
    }

    /// out[c] = Σ over sentences of g at the first (or last) row of the sentence's chain: the
    /// start (end) score's gradient, given the emission gradient g [rows, C].
    public static func crfChainBoundarySum(
        _ g: UnsafePointer<Float>, labels: UnsafePointer<Float>, classes: Int, batch: Int, seq: Int,
        starts: UnsafePointer<Int32>?, last: Bool, _ out: UnsafeMutablePointer<Float>
    ) {
        out.update(repeating: 0, count: classes)
        for b in 0..<batch {
            let (r0, n) = sentenceRows(starts, b, seq)
            let rows = stride(from: last ? r0 + n - 1 : r0, to: last ? r0 - 1 : r0 + n, by: last ? -1 : 1)
            guard let r = rows.first(where: { label(labels[$0], classes: classes) != nil }) else { continue }
            for c in 0..<classes { out[c] += g[r * classes + c] }
        }
    }

    /// The highest-scoring tag path over emission rows `rows` (row stride `classes`); ties go to
    /// the lower tag index. `path` gets one tag per row.
    public static func viterbi(emissions: UnsafePointer<Float>, rows: UnsafeBufferPointer<Int>, scores: CRFScores,
                               path: UnsafeMutableBufferPointer<Int32>) {
        let n = rows.count, c = scores.classes
        guard n > 0, c > 0 else { return }
        let w = CRFWork(scores, maxLength: n)
        defer { w.free() }
        let delta = w.alpha
        for j in 0..<c { delta[j] = Double(scores.start[j]) + Double(emissions[rows[0] * c + j]) }
        for t in 1..<max(n, 1) {
            let prev = delta + (t - 1) * c, cur = delta + t * c
            for j in 0..<c {
                var best = 0
                var bestScore = prev[0] + w.trans(0, j)
                for i in 1..<c {
                    let s = prev[i] + w.trans(i, j)
                    if s > bestScore { best = i; bestScore = s }
                }
                cur[j] = bestScore + Double(emissions[rows[t] * c + j])
                w.back[t * c + j] = Int32(best)
            }
        }
        let last = delta + (n - 1) * c
        var best = 0
        var bestScore = last[0] + Double(scores.end[0])
        for j in 1..<c where last[j] + Double(scores.end[j]) > bestScore {
            best = j
            bestScore = last[j] + Double(scores.end[j])
        }
        path[n - 1] = Int32(best)
        var t = n - 1
        while t > 0 {
            path[t - 1] = w.back[t * c + Int(path[t])]
            t -= 1
        }
    }
}
