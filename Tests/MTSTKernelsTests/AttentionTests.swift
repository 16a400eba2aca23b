import Foundation
import MTSTKernels
import Testing

/// A packed QKV activation [B·T, 3·hidden] with its mask, as the fused attention layer sees it.
struct AttentionCase {
    let batch: Int, heads: Int, seq: Int, headDim: Int
    var hidden: Int { heads * headDim }
    var ld: Int { 3 * hidden }
    var rows: Int { batch * seq }
    var scale: Float { 1 / Float(headDim).squareRoot() }
    let qkv: Buffer
    let mask: Buffer

    init(batch: Int, heads: Int, seq: Int, headDim: Int, seed: UInt64) {
        self.batch = batch; self.heads = heads; self.seq = seq; self.headDim = headDim
        var rng = TestRNG(seed: seed)
        qkv = randomBuffer(batch * seq * 3 * heads * headDim, &rng, in: -2...2)
        // Sequence b has seq − 2·b real tokens (at least one): full, padded, mostly padded.
        mask = Buffer((0..<batch * seq).map { i in Float(i % seq < max(1, seq - 2 * (i / seq)) ? 1 : 0) })
    }

    var q: UnsafePointer<Float> { qkv.c }
    var k: UnsafePointer<Float> { qkv.c + hidden }
    var v: UnsafePointer<Float> { qkv.c + 2 * hidden }

    func value(_ part: Int, _ row: Int, _ h: Int, _ j: Int) -> Double {
        Double(qkv[row * ld + part * hidden + h * headDim + j])
    }

    func probsIndex(_ b: Int, _ h: Int, _ i: Int, _ t: Int) -> Int { ((b * heads + h) * seq + i) * seq + t }

    func naiveProbs() -> [Double] {
        var p = [Double](repeating: 0, count: batch * heads * seq * seq)
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<seq {
                    let scores = (0..<seq).map { t in
                        (0..<headDim).reduce(0.0) { $0 + value(0, b * seq + i, h, $1) * value(1, b * seq + t, h, $1) } * Double(scale)
                    }
                    let real = (0..<seq).filter { mask[b * seq + $0] != 0 }
                    let mx = real.map { scores[$0] }.max() ?? 0
                    let denom = real.reduce(0.0) { $0 + Foundation.exp(scores[$1] - mx) }
                    for t in real { p[probsIndex(b, h, i, t)] = Foundation.exp(scores[t] - mx) / denom }
                }
            }
        }
        return p
    }

    func probs() -> Buffer {
        let p = Buffer(batch * heads * seq * seq, value: .nan)
        Kernels.attentionProbs(q: q, ldq: ld, k: k, ldk: ld, mask: mask.c, batch: batch, heads: heads, seq: seq,
                               headDim: headDim, scale: scale, probs: p.p)
        return p
    }

    /// out[b·T+i, h·d+j] with a row stride of ldo.
    func naiveContext(_ p: [Float], ldo: Int) -> [Double] {
        var out = [Double](repeating: 0, count: rows * ldo)
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<seq {
                    for j in 0..<headDim {
                        out[(b * seq + i) * ldo + h * headDim + j] = (0..<seq).reduce(0.0) {
                            $0 + Double(p[probsIndex(b, h, i, $1)]) * value(2, b * seq + $1, h, j)
                        }
                    }
                }
            }
        }
        return out
    }
}

@Suite struct AttentionTests {
    static let small = (batch: 3, heads: 2, seq: 5, headDim: 4)

    // Shapes reach every tile path of the per-head GEMM: widths below 8, exactly 8, between
    // 8 and 16, whole 16-column tiles plus a ragged one; row counts not a multiple of 4.
    static let shapes = [(3, 2, 5, 4), (2, 3, 20, 12), (2, 2, 24, 8), (4, 4, 33, 16)]

    @Test(arguments: shapes)
    func probsAreMaskedSoftmax(batch: Int, heads: Int, seq: Int, headDim: Int) {
        let c = AttentionCase(batch: batch, heads: heads, seq: seq, headDim: headDim, seed: 30)
        let p = c.probs()
        expectClose(p.array, c.naiveProbs(), abs: 1e-6, rel: 1e-5)
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<seq {
                    var sum = 0.0
                    for t in 0..<seq {
                        let v = p[c.probsIndex(b, h, i, t)]
                        sum += Double(v)
                        if c.mask[b * seq + t] == 0 { #expect(v == 0, "padded key must get exactly 0") }
                    }
                    #expect(abs(sum - 1) < 1e-5)
                }
            }
        }
    }

    @Test func sequenceWithoutRealTokensGetsZeroProbabilities() {
        let c = AttentionCase(batch: 1, heads: 1, seq: 3, headDim: 2, seed: 31)
        c.mask.p.update(repeating: 0, count: 3)
        #expect(c.probs().array.allSatisfy { $0 == 0 })
    }

    @Test(arguments: shapes)
    func contextUsesStridedValuesAndOutput(batch: Int, heads: Int, seq: Int, headDim: Int) {
        let c = AttentionCase(batch: batch, heads: heads, seq: seq, headDim: headDim, seed: 32)
        let p = c.probs()
        let ldo = c.hidden + 3
        let out = Buffer(c.rows * ldo, value: 7)
        Kernels.attentionContext(probs: p.c, v: c.v, ldv: c.ld, batch: batch, heads: heads, seq: seq, headDim: headDim,
                                 out: out.p, ldo: ldo)
        var expected = c.naiveContext(p.array, ldo: ldo)
        // Columns past the heads belong to someone else and must be left alone.
        for r in 0..<c.rows { for j in c.hidden..<ldo { expected[r * ldo + j] = 7 } }
        expectClose(out.array, expected, abs: 1e-5, rel: 1e-5)
    }

    @Test(arguments: shapes)
    func backwardKernelsMatchNaiveProducts(batch: Int, heads: Int, seq: Int, d: Int) {
        let c = AttentionCase(batch: batch, heads: heads, seq: seq, headDim: d, seed: 33)
        var rng = TestRNG(seed: 34)
        let p = c.probs()
        let ldo = c.hidden + 1
        let dout = randomBuffer(c.rows * ldo, &rng)
        let n = batch * heads * seq * seq
        func dO(_ row: Int, _ h: Int, _ j: Int) -> Double { Double(dout[row * ldo + h * d + j]) }

        let dprobs = Buffer(n)
        Kernels.attentionContextGradProbs(dout: dout.c, ldo: ldo, v: c.v, ldv: c.ld, batch: batch, heads: heads, seq: seq,
                                          headDim: d, dprobs: dprobs.p)
        var expectedDP = [Double](repeating: 0, count: n)
        for b in 0..<batch { for h in 0..<heads { for i in 0..<seq { for t in 0..<seq {
            expectedDP[c.probsIndex(b, h, i, t)] = (0..<d).reduce(0.0) { $0 + dO(b * seq + i, h, $1) * c.value(2, b * seq + t, h, $1) }
        } } } }
        expectClose(dprobs.array, expectedDP, abs: 1e-5, "dP")

        // Gradients land in a packed dQKV buffer, like the forward activations.
        let dqkv = Buffer(c.rows * c.ld, value: .nan)
        Kernels.attentionContextGradV(probs: p.c, dout: dout.c, ldo: ldo, batch: batch, heads: heads, seq: seq, headDim: d,
                                      dv: dqkv.p + 2 * c.hidden, lddv: c.ld)
        let dscores = Buffer(n)
        Kernels.softmaxGrad(dprobs: dprobs.c, probs: p.c, rows: batch * heads * seq, rowLength: seq, scale: c.scale,
                            dscores: dscores.p)
        var expectedDS = [Double](repeating: 0, count: n)
        for row in 0..<(batch * heads * seq) {
            let dot = (0..<seq).reduce(0.0) { $0 + Double(dprobs[row * seq + $1]) * Double(p[row * seq + $1]) }
            for t in 0..<seq {
                expectedDS[row * seq + t] = Double(c.scale) * Double(p[row * seq + t]) * (Double(dprobs[row * seq + t]) - dot)
            }
        }
        expectClose(dscores.array, expectedDS, abs: 1e-6, "dS")
        Kernels.attentionScoresGradQ(dscores: dscores.c, k: c.k, ldk: c.ld, batch: batch, heads: heads, seq: seq, headDim: d,
                                     dq: dqkv.p, lddq: c.ld)
        Kernels.attentionScoresGradK(dscores: dscores.c, q: c.q, ldq: c.ld, batch: batch, heads: heads, seq: seq, headDim: d,
                                     dk: dqkv.p + c.hidden, lddk: c.ld)

        var expected = [Double](repeating: 0, count: c.rows * c.ld)
        for b in 0..<batch { for h in 0..<heads { for i in 0..<seq { for j in 0..<d {
            let row = (b * seq + i) * c.ld + h * d + j
            var dq = 0.0, dk = 0.0, dv = 0.0
            for t in 0..<seq {
                dq += Double(dscores[c.probsIndex(b, h, i, t)]) * c.value(1, b * seq + t, h, j)
                dk += Double(dscores[c.probsIndex(b, h, t, i)]) * c.value(0, b * seq + t, h, j)
                dv += Double(p[c.probsIndex(b, h, t, i)]) * dO(b * seq + t, h, j)
            }
            expected[row] = dq
            expected[row + c.hidden] = dk
            expected[row + 2 * c.hidden] = dv
        } } } }
        expectClose(dqkv.array, expected, abs: 1e-5, "dQKV")
    }

    @Test func chainMatchesFiniteDifferences() {
        let (batch, heads, seq, d) = Self.small
        let c = AttentionCase(batch: batch, heads: heads, seq: seq, headDim: d, seed: 35)
        var rng = TestRNG(seed: 36)
        let ldo = c.hidden
        let w = randomBuffer(c.rows * ldo, &rng)
        let p = Buffer(batch * heads * seq * seq), out = Buffer(c.rows * ldo)
        func forward() -> [Float] {
            Kernels.attentionProbs(q: c.q, ldq: c.ld, k: c.k, ldk: c.ld, mask: c.mask.c, batch: batch, heads: heads,
                                   seq: seq, headDim: d, scale: c.scale, probs: p.p)
            Kernels.attentionContext(probs: p.c, v: c.v, ldv: c.ld, batch: batch, heads: heads, seq: seq, headDim: d,
                                     out: out.p, ldo: ldo)
            return out.array
        }
        let numeric = numericGradient(of: c.qkv, step: 1e-2, weights: w.array, forward)

        _ = forward()
        let n = batch * heads * seq * seq
        let dprobs = Buffer(n), dqkv = Buffer(c.rows * c.ld)
        Kernels.attentionContextGradProbs(dout: w.c, ldo: ldo, v: c.v, ldv: c.ld, batch: batch, heads: heads, seq: seq,
                                          headDim: d, dprobs: dprobs.p)
        Kernels.attentionContextGradV(probs: p.c, dout: w.c, ldo: ldo, batch: batch, heads: heads, seq: seq, headDim: d,
                                      dv: dqkv.p + 2 * c.hidden, lddv: c.ld)
        // In place: dscores may overwrite dprobs.
        Kernels.softmaxGrad(dprobs: dprobs.c, probs: p.c, rows: batch * heads * seq, rowLength: seq, scale: c.scale,
                            dscores: dprobs.p)
        Kernels.attentionScoresGradQ(dscores: dprobs.c, k: c.k, ldk: c.ld, batch: batch, heads: heads, seq: seq, headDim: d,
                                     dq: dqkv.p, lddq: c.ld)
        Kernels.attentionScoresGradK(dscores: dprobs.c, q: c.q, ldq: c.ld, batch: batch, heads: heads, seq: seq, headDim: d,
                                     dk: dqkv.p + c.hidden, lddk: c.ld)
        expectClose(dqkv.array, numeric, abs: 2e-3, rel: 1e-2)
    }
}
