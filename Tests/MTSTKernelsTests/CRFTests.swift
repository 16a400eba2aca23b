import Foundation
import MTSTKernels
import Testing

/// The CRF kernels against enumeration of every tag path: log Z is the log-sum-exp over all
/// C^n paths, each marginal the probability mass of the paths through it, Viterbi the best path.
@Suite struct CRFTests {
    static let classes = 3
    // Padded layout, 3 sentences of 5 rows: chains of 3 (rows 1, 2, 4), 1 (row 6) and none.
    static let batch = 3, seq = 5
    static let labels: [Float] = [-1, 2, 0, -1, 1, -1, 2, -1, -1, -1, -1, -1, -1, -1, -1]
    static let chains: [[Int]] = [[1, 2, 4], [6]]

    struct Scores {
        let e: Buffer, t: Buffer, s: Buffer, end: Buffer
        init(_ magnitude: Float, seed: UInt64) {
            var rng = TestRNG(seed: seed)
            let c = CRFTests.classes
            e = randomBuffer(CRFTests.batch * CRFTests.seq * c, &rng, in: -magnitude...magnitude)
            t = randomBuffer(c * c, &rng, in: -magnitude...magnitude)
            s = randomBuffer(c, &rng, in: -magnitude...magnitude)
            end = randomBuffer(c, &rng, in: -magnitude...magnitude)
        }
        var crf: CRFScores { CRFScores(transitions: t.c, start: s.c, end: end.c, classes: CRFTests.classes) }

        func pathScore(_ rows: [Int], _ tags: [Int]) -> Double {
            let c = CRFTests.classes
            var v = Double(s[tags[0]]) + Double(end[tags[tags.count - 1]])
            for (k, r) in rows.enumerated() { v += Double(e[r * c + tags[k]]) }
            for k in 1..<max(tags.count, 1) { v += Double(t[tags[k - 1] * c + tags[k]]) }
            return v
        }
    }

    static func allPaths(_ n: Int) -> [[Int]] {
        (0..<n).reduce([[]]) { paths, _ in paths.flatMap { p in (0..<classes).map { p + [$0] } } }
    }

    static func logSumExp(_ xs: [Double]) -> Double {
        let m = xs.max()!
        return m + Foundation.log(xs.reduce(0) { $0 + Foundation.exp($1 - m) })
    }

    /// Mean NLL and d/d emissions, by enumeration.
    static func naive(_ sc: Scores) -> (nll: Double, demissions: [Double], dtransitions: [Double], dstart: [Double], dend: [Double]) {
        let c = classes
        var nll = 0.0
        var de = [Double](repeating: 0, count: batch * seq * c), dt = [Double](repeating: 0, count: c * c)
        var ds = [Double](repeating: 0, count: c), dn = [Double](repeating: 0, count: c)
        let scale = 1 / Double(chains.count)
        for rows in chains {
            let gold = rows.map { Int(labels[$0]) }
            let paths = allPaths(rows.count)
            let scores = paths.map { sc.pathScore(rows, $0) }
            let logZ = logSumExp(scores)
            nll += (logZ - sc.pathScore(rows, gold)) * scale
            for (p, score) in zip(paths, scores) {
                let w = Foundation.exp(score - logZ) * scale
                for (k, r) in rows.enumerated() { de[r * c + p[k]] += w }
                for k in 1..<max(p.count, 1) { dt[p[k - 1] * c + p[k]] += w }
                ds[p[0]] += w
                dn[p[p.count - 1]] += w
            }
            for (k, r) in rows.enumerated() { de[r * c + gold[k]] -= scale }
            for k in 1..<max(gold.count, 1) { dt[gold[k - 1] * c + gold[k]] -= scale }
            ds[gold[0]] -= scale
            dn[gold[gold.count - 1]] -= scale
        }
        return (nll, de, dt, ds, dn)
    }

    static func close(_ a: [Float], _ b: [Double], _ tol: Double) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs(Double($0) - $1) <= tol * max(1, abs($1)) }
    }

    @Test(arguments: [Float(2), 300])
    func lossAndGradientsMatchEnumeration(magnitude: Float) {
        let sc = Scores(magnitude, seed: 11)
        let labels = Buffer(Self.labels)
        let loss = Buffer(1, value: .nan)
        Kernels.crfNegLogLikelihood(emissions: sc.e.c, labels: labels.c, batch: Self.batch, seq: Self.seq, starts: nil,
                                    scores: sc.crf, loss: loss.p)
        let ref = Self.naive(sc)
        #expect(loss[0].isFinite)
        #expect(abs(Double(loss[0]) - ref.nll) <= 1e-5 * max(1, abs(ref.nll)), "\(loss[0]) vs \(ref.nll)")

        let c = Self.classes
        let de = Buffer(Self.batch * Self.seq * c, value: .nan), dt = Buffer(c * c, value: .nan)
        let ds = Buffer(c, value: .nan), dn = Buffer(c, value: .nan)
        Kernels.crfGradients(emissions: sc.e.c, labels: labels.c, rows: Self.batch * Self.seq, batch: Self.batch, seq: Self.seq,
                             starts: nil, scores: sc.crf, dloss: 1,
                             into: CRFGradients(emissions: de.p, transitions: dt.p, start: ds.p, end: dn.p))
        #expect(Self.close(de.array, ref.demissions, 1e-5), "emissions \(de.array) vs \(ref.demissions)")
        #expect(Self.close(dt.array, ref.dtransitions, 1e-5), "transitions \(dt.array) vs \(ref.dtransitions)")
        #expect(Self.close(ds.array, ref.dstart, 1e-5))
        #expect(Self.close(dn.array, ref.dend, 1e-5))
        // Rows outside every chain get exactly zero.
        for r in [0, 3, 5, 7, 8, 9, 10, 14] { #expect((0..<c).allSatisfy { de[r * c + $0] == 0 }) }
    }

    /// dloss scales every gradient; a batch with no chain has loss 0 and zero gradients.
    @Test func scalingAndEmptyBatch() {
        let sc = Scores(1, seed: 3)
        let c = Self.classes, rows = Self.batch * Self.seq
        let one = Buffer(rows * c), three = Buffer(rows * c)
        Kernels.crfGradients(emissions: sc.e.c, labels: Buffer(Self.labels).c, rows: rows, batch: Self.batch, seq: Self.seq,
                             starts: nil, scores: sc.crf, dloss: 1, into: CRFGradients(emissions: one.p))
        Kernels.crfGradients(emissions: sc.e.c, labels: Buffer(Self.labels).c, rows: rows, batch: Self.batch, seq: Self.seq,
                             starts: nil, scores: sc.crf, dloss: 3, into: CRFGradients(emissions: three.p))
        #expect(zip(one.array, three.array).allSatisfy { abs(3 * $0 - $1) <= 1e-6 })
        #expect(one.array.contains { $0 != 0 })
        let none = Buffer([Float](repeating: -1, count: rows))
        let loss = Buffer(1, value: .nan), dt = Buffer(c * c, value: .nan)
        Kernels.crfNegLogLikelihood(emissions: sc.e.c, labels: none.c, batch: Self.batch, seq: Self.seq, starts: nil,
                                    scores: sc.crf, loss: loss.p)
        Kernels.crfGradients(emissions: sc.e.c, labels: none.c, rows: rows, batch: Self.batch, seq: Self.seq, starts: nil,
                             scores: sc.crf, dloss: 1, into: CRFGradients(transitions: dt.p))
        #expect(loss[0] == 0)
        #expect(dt.array.allSatisfy { $0 == 0 })
    }

    @Test(arguments: [Float(2), 300])
    func viterbiIsTheBestPath(magnitude: Float) {
        for seed in UInt64(0)..<20 {
            let sc = Scores(magnitude, seed: 100 + seed)
            let rows = [0, 1, 3, 4, 6]
            let best = Self.allPaths(rows.count).max { sc.pathScore(rows, $0) < sc.pathScore(rows, $1) }!
            var path = [Int32](repeating: -1, count: rows.count)
            rows.withUnsafeBufferPointer { r in
                path.withUnsafeMutableBufferPointer { Kernels.viterbi(emissions: sc.e.c, rows: r, scores: sc.crf, path: $0) }
            }
            #expect(path.map(Int.init) == best, "seed \(seed)")
        }
    }

    /// With transitions that forbid some steps (−10⁴, as a hand-written constraint would), the
    /// loss stays finite and Viterbi never takes a forbidden step.
    @Test func forbiddenTransitionsStayFinite() {
        let sc = Scores(1, seed: 5)
        let c = Self.classes
        for i in 0..<c { sc.t[i * c + (i + 1) % c] = -10_000 }
        let labels = Buffer(Self.labels.map { $0 < 0 ? $0 : 0 })  // all gold tags 0: only 0→0 steps
        let loss = Buffer(1, value: .nan)
        Kernels.crfNegLogLikelihood(emissions: sc.e.c, labels: labels.c, batch: Self.batch, seq: Self.seq, starts: nil,
                                    scores: sc.crf, loss: loss.p)
        #expect(loss[0].isFinite && loss[0] >= 0)
        let dt = Buffer(c * c, value: .nan)
        Kernels.crfGradients(emissions: sc.e.c, labels: labels.c, rows: Self.batch * Self.seq, batch: Self.batch, seq: Self.seq,
                             starts: nil, scores: sc.crf, dloss: 1, into: CRFGradients(transitions: dt.p))
        #expect(dt.array.allSatisfy { $0.isFinite })
        for i in 0..<c { #expect(abs(dt[i * c + (i + 1) % c]) < 1e-6) }
        let rows = [0, 1, 2, 3, 4, 5]
        var path = [Int32](repeating: -1, count: rows.count)
        rows.withUnsafeBufferPointer { r in
            path.withUnsafeMutableBufferPointer { Kernels.viterbi(emissions: sc.e.c, rows: r, scores: sc.crf, path: $0) }
        }
        for k in 1..<path.count { #expect(Int(path[k]) != (Int(path[k - 1]) + 1) % c) }
    }
}
