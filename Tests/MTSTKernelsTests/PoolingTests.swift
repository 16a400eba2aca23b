import MTSTKernels
import Testing

/// Token states [B·T, H] and a mask with a full, a padded and an empty sequence.
struct PoolingCase {
    let batch = 3, seq = 5, hidden = 13
    let h: Buffer, mask: Buffer
    init(seed: UInt64) {
        var rng = TestRNG(seed: seed)
        h = randomBuffer(batch * seq * hidden, &rng, in: -2...2)
        mask = Buffer([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    }
    var validTokens: [[Int]] { (0..<batch).map { b in (0..<seq).filter { mask[b * seq + $0] != 0 } } }
}

@Suite struct PoolingTests {
    @Test func meanPoolAndGrad() {
        let c = PoolingCase(seed: 40)
        let out = Buffer(c.batch * c.hidden)
        Kernels.meanPool(c.h.c, mask: c.mask.c, batch: c.batch, seq: c.seq, hidden: c.hidden, out.p)
        var expected = [Double](repeating: 0, count: c.batch * c.hidden)
        for (b, tokens) in c.validTokens.enumerated() {
            for j in 0..<c.hidden {
                let sum = tokens.reduce(0.0) { $0 + Double(c.h[(b * c.seq + $1) * c.hidden + j]) }
                expected[b * c.hidden + j] = sum / max(Double(tokens.count), 1e-9)
            }
        }
        expectClose(out.array, expected, abs: 1e-6)

        var rng = TestRNG(seed: 41)
        let w = randomBuffer(c.batch * c.hidden, &rng), dh = Buffer(c.h.count, value: .nan)
        let numeric = numericGradient(of: c.h, weights: w.array) {
            Kernels.meanPool(c.h.c, mask: c.mask.c, batch: c.batch, seq: c.seq, hidden: c.hidden, out.p)
            return out.array
        }
        Kernels.meanPoolGrad(w.c, mask: c.mask.c, batch: c.batch, seq: c.seq, hidden: c.hidden, dh.p)
        expectClose(dh.array, numeric, abs: 1e-3, rel: 1e-2)
    }

    @Test func clsPoolAndGrad() {
        let c = PoolingCase(seed: 42)
        let out = Buffer(c.batch * c.hidden)
        Kernels.clsPool(c.h.c, batch: c.batch, seq: c.seq, hidden: c.hidden, out.p)
        expectEqual(out.array, (0..<c.batch).flatMap { b in c.h.array[(b * c.seq * c.hidden)..<(b * c.seq * c.hidden + c.hidden)] })
        var rng = TestRNG(seed: 43)
        let w = randomBuffer(c.batch * c.hidden, &rng), dh = Buffer(c.h.count, value: .nan)
        let numeric = numericGradient(of: c.h, weights: w.array) {
            Kernels.clsPool(c.h.c, batch: c.batch, seq: c.seq, hidden: c.hidden, out.p)
            return out.array
        }
        Kernels.clsPoolGrad(w.c, batch: c.batch, seq: c.seq, hidden: c.hidden, dh.p)
        expectClose(dh.array, numeric, abs: 1e-4)
    }

    @Test func maxPoolIgnoresMaskedTokensAndRoutesGradToFirstArgmax() {
        let c = PoolingCase(seed: 44)
        // Masked tokens hold the largest values: they must never win.
        for t in 3..<5 { for j in 0..<c.hidden { c.h[(c.seq + t) * c.hidden + j] = 100 } }
        // A tie in feature 0 of sequence 0 between tokens 1 and 3: token 1 must win.
        c.h[1 * c.hidden] = 50; c.h[3 * c.hidden] = 50
        let out = Buffer(c.batch * c.hidden)
        Kernels.maxPool(c.h.c, mask: c.mask.c, batch: c.batch, seq: c.seq, hidden: c.hidden, out.p)
        var expected = [Float](repeating: 0, count: c.batch * c.hidden)
        var winners = [[Int]](repeating: [], count: c.batch)
        for (b, tokens) in c.validTokens.enumerated() {
            for j in 0..<c.hidden {
                guard var best = tokens.first else { continue }
                for t in tokens where c.h[(b * c.seq + t) * c.hidden + j] > c.h[(b * c.seq + best) * c.hidden + j] { best = t }
                expected[b * c.hidden + j] = c.h[(b * c.seq + best) * c.hidden + j]
                winners[b].append(best)
            }
        }
        expectEqual(out.array, expected)
        #expect(winners[0][0] == 1)

        var rng = TestRNG(seed: 45)
        let dy = randomBuffer(c.batch * c.hidden, &rng), dh = Buffer(c.h.count, value: .nan)
        Kernels.maxPoolGrad(dy.c, c.h.c, mask: c.mask.c, batch: c.batch, seq: c.seq, hidden: c.hidden, dh.p)
        var expectedDh = [Float](repeating: 0, count: c.h.count)
        for b in 0..<c.batch {
            for (j, t) in winners[b].enumerated() { expectedDh[(b * c.seq + t) * c.hidden + j] = dy[b * c.hidden + j] }
        }
        expectEqual(dh.array, expectedDh)
    }

    @Test func maxPoolGradMatchesFiniteDifferences() {
        let c = PoolingCase(seed: 46)   // random values: no ties, so the max is differentiable
        var rng = TestRNG(seed: 47)
        let w = randomBuffer(c.batch * c.hidden, &rng), out = Buffer(c.batch * c.hidden), dh = Buffer(c.h.count)
        let numeric = numericGradient(of: c.h, step: 1e-3, weights: w.array) {
            Kernels.maxPool(c.h.c, mask: c.mask.c, batch: c.batch, seq: c.seq, hidden: c.hidden, out.p)
            return out.array
        }
        Kernels.maxPoolGrad(w.c, c.h.c, mask: c.mask.c, batch: c.batch, seq: c.seq, hidden: c.hidden, dh.p)
        expectClose(dh.array, numeric, abs: 1e-3, rel: 1e-2)
    }

    @Test(arguments: [(7, 13), (300, 129)])
    func l2NormalizeMatchesTorchSemantics(rows: Int, cols: Int) {
        var rng = TestRNG(seed: 48)
        let x = randomBuffer(rows * cols, &rng)
        // Row 1 is tiny, so its norm is clamped to eps.
        for j in 0..<cols { x[cols + j] *= 1e-9 }
        let eps: Float = 1e-6
        let out = Buffer(rows * cols)
        Kernels.l2Normalize(x.c, rows: rows, cols: cols, eps: eps, out.p)
        var expected = [Double](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            let norm = (0..<cols).reduce(0.0) { $0 + Double(x[r * cols + $1]) * Double(x[r * cols + $1]) }.squareRoot()
            for j in 0..<cols { expected[r * cols + j] = Double(x[r * cols + j]) / max(norm, Double(eps)) }
        }
        expectClose(out.array, expected, abs: 1e-6, rel: 1e-5)
        Kernels.l2Normalize(x.c, rows: rows, cols: cols, eps: eps, x.p)
        expectEqual(x.array, out.array, "in place")
    }

    @Test func l2NormalizeGradMatchesFiniteDifferences() {
        var rng = TestRNG(seed: 49)
        let (rows, cols) = (4, 13)
        let x = randomBuffer(rows * cols, &rng)
        for j in 0..<cols { x[cols + j] *= 1e-3 }   // norm below eps: the constant-denominator branch
        let eps: Float = 0.05
        let w = randomBuffer(rows * cols, &rng), out = Buffer(rows * cols), dx = Buffer(rows * cols)
        let numeric = numericGradient(of: x, step: 1e-3, weights: w.array) {
            Kernels.l2Normalize(x.c, rows: rows, cols: cols, eps: eps, out.p)
            return out.array
        }
        Kernels.l2NormalizeGrad(w.c, x.c, rows: rows, cols: cols, eps: eps, dx.p)
        expectClose(dx.array, numeric, abs: 2e-3, rel: 1e-2)
    }
}
