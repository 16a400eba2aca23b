import Foundation
import MTSTKernels
import Testing

/// The relative position bias of MPNet's attention: the bucket function, the forward add inside
/// `attentionProbs`, and the table gradient, against naive loops, in padded and packed layouts.
/// (Exact bucket values against `transformers` are in the runtime's MPNet parity test.)
@Suite struct RelativeBiasTests {
    static let buckets = 32, maxDistance = 128

    func bucket(_ r: Int, buckets: Int = Self.buckets, maxDistance: Int = Self.maxDistance) -> Int {
        Kernels.relativePositionBucket(r, buckets: buckets, maxDistance: maxDistance)
    }

    @Test func bucketsSplitByDirectionExactThenLogarithmic() {
        #expect(bucket(0) == 0)
        // Keys before the query (r < 0) use the lower half, keys after it the upper half.
        for d in 1..<8 {
            #expect(bucket(-d) == d)
            #expect(bucket(d) == 16 + d)
        }
        var previous = bucket(-7)
        for d in 8..<600 {
            let b = bucket(-d)
            #expect(b >= previous && b >= 8 && b <= 15, "distance \(d) → \(b)")
            #expect(bucket(d) == b + 16)
            previous = b
        }
        #expect(bucket(-128) == 15 && bucket(-10_000) == 15 && bucket(10_000) == 31)
    }

    /// Naive scores with the bias, then the masked softmax, in Double.
    func naiveProbs(_ c: AttentionCase, table: Buffer, buckets: Int, maxDistance: Int) -> [Double] {
        var p = [Double](repeating: 0, count: c.batch * c.heads * c.seq * c.seq)
        for b in 0..<c.batch { for h in 0..<c.heads { for i in 0..<c.seq {
            let scores = (0..<c.seq).map { t in
                (0..<c.headDim).reduce(0.0) { $0 + c.value(0, b * c.seq + i, h, $1) * c.value(1, b * c.seq + t, h, $1) }
                    * Double(c.scale)
                    + Double(table[bucket(t - i, buckets: buckets, maxDistance: maxDistance) * c.heads + h])
            }
            let real = (0..<c.seq).filter { c.mask[b * c.seq + $0] != 0 }
            let mx = real.map { scores[$0] }.max() ?? 0
            let denom = real.reduce(0.0) { $0 + Foundation.exp(scores[$1] - mx) }
            for t in real { p[c.probsIndex(b, h, i, t)] = Foundation.exp(scores[t] - mx) / denom }
        } } }
        return p
    }

    func probs(_ c: AttentionCase, table: Buffer, buckets: Int, maxDistance: Int) -> Buffer {
        let p = Buffer(c.batch * c.heads * c.seq * c.seq, value: .nan)
        Kernels.attentionProbs(q: c.q, ldq: c.ld, k: c.k, ldk: c.ld, mask: c.mask.c, batch: c.batch, heads: c.heads,
                               seq: c.seq, headDim: c.headDim, scale: c.scale, relativeBias: table.c, buckets: buckets,
                               maxDistance: maxDistance, probs: p.p)
        return p
    }

    // Small bucket counts and distances reach the logarithmic range and the cap within short sequences.
    static let shapes = [(3, 2, 5, 4, 32, 128), (2, 3, 20, 8, 8, 6), (2, 2, 33, 16, 32, 12)]

    @Test(arguments: shapes)
    func biasIsAddedBeforeTheMaskedSoftmax(batch: Int, heads: Int, seq: Int, headDim: Int, buckets: Int, maxDistance: Int) {
        let c = AttentionCase(batch: batch, heads: heads, seq: seq, headDim: headDim, seed: 40)
        var rng = TestRNG(seed: 41)
        let table = randomBuffer(buckets * heads, &rng, in: -3...3)
        let p = probs(c, table: table, buckets: buckets, maxDistance: maxDistance)
        expectClose(p.array, naiveProbs(c, table: table, buckets: buckets, maxDistance: maxDistance), abs: 1e-6, rel: 1e-5)
    }

    /// Sentence b keeps its first n_b rows; packed, they are laid one after another.
    func packed(_ c: AttentionCase) -> (qkv: Buffer, starts: [Int32], lengths: [Int]) {
        let lengths = (0..<c.batch).map { b in (0..<c.seq).filter { c.mask[b * c.seq + $0] != 0 }.count }
        var rows: [Float] = []
        var starts: [Int32] = [0]
        for b in 0..<c.batch {
            for t in 0..<lengths[b] { rows += (0..<c.ld).map { c.qkv[(b * c.seq + t) * c.ld + $0] } }
            starts.append(starts[b] + Int32(lengths[b]))
        }
        return (Buffer(rows), starts, lengths)
    }

    @Test(arguments: shapes)
    func packedRowsGiveThePaddedBlocks(batch: Int, heads: Int, seq: Int, headDim: Int, buckets: Int, maxDistance: Int) {
        let c = AttentionCase(batch: batch, heads: heads, seq: seq, headDim: headDim, seed: 42)
        var rng = TestRNG(seed: 43)
        let table = randomBuffer(buckets * heads, &rng, in: -3...3)
        let padded = probs(c, table: table, buckets: buckets, maxDistance: maxDistance)
        let (qkv, starts, lengths) = packed(c)
        let p = Buffer(batch * heads * seq * seq, value: .nan)
        starts.withUnsafeBufferPointer { s in
            Kernels.attentionProbs(q: qkv.c, ldq: c.ld, k: qkv.c + c.hidden, ldk: c.ld, mask: c.mask.c, batch: batch,
                                   heads: heads, seq: seq, starts: s.baseAddress, headDim: headDim, scale: c.scale,
                                   relativeBias: table.c, buckets: buckets, maxDistance: maxDistance, probs: p.p)
        }
        // Packed block (b, h) is n×n with row stride n; padded query rows past n are not compared.
        for b in 0..<batch { for h in 0..<heads {
            let n = lengths[b]
            for i in 0..<n { for t in 0..<n {
                #expect(abs(p[(b * heads + h) * seq * seq + i * n + t] - padded[c.probsIndex(b, h, i, t)]) <= 1e-6)
            } }
        } }

        // The table gradient from the same score gradients, restricted to real rows, agrees too.
        let dsPadded = Buffer(batch * heads * seq * seq)
        let dsPacked = Buffer(batch * heads * seq * seq, value: .nan)
        for b in 0..<batch { for h in 0..<heads {
            let n = lengths[b]
            for i in 0..<seq { for t in 0..<seq where i < n && t < n {
                let v = Float.random(in: -1...1, using: &rng)
                dsPadded[c.probsIndex(b, h, i, t)] = v
                dsPacked[(b * heads + h) * seq * seq + i * n + t] = v
            } }
        } }
        let gPadded = Buffer(buckets * heads, value: .nan), gPacked = Buffer(buckets * heads, value: .nan)
        Kernels.relativeBiasGrad(dscores: dsPadded.c, batch: batch, heads: heads, seq: seq, starts: nil, buckets: buckets,
                                 maxDistance: maxDistance, scale: c.scale, table: gPadded.p)
        starts.withUnsafeBufferPointer { s in
            Kernels.relativeBiasGrad(dscores: dsPacked.c, batch: batch, heads: heads, seq: seq, starts: s.baseAddress,
                                     buckets: buckets, maxDistance: maxDistance, scale: c.scale, table: gPacked.p)
        }
        var expected = [Double](repeating: 0, count: buckets * heads)
        for b in 0..<batch { for h in 0..<heads { for i in 0..<seq { for t in 0..<seq {
            expected[bucket(t - i, buckets: buckets, maxDistance: maxDistance) * heads + h]
                += Double(dsPadded[c.probsIndex(b, h, i, t)]) / Double(c.scale)
        } } } }
        expectClose(gPadded.array, expected, abs: 1e-5, rel: 1e-5, "padded")
        expectClose(gPacked.array, expected, abs: 1e-5, rel: 1e-5, "packed")
    }

    /// The table gradient through softmax and the score scale against central differences of
    /// L = Σ w·probs.
    @Test func tableGradientMatchesFiniteDifferences() {
        let (batch, heads, seq, d, buckets, maxDistance) = (3, 2, 7, 4, 8, 5)
        let c = AttentionCase(batch: batch, heads: heads, seq: seq, headDim: d, seed: 44)
        var rng = TestRNG(seed: 45)
        let table = randomBuffer(buckets * heads, &rng)
        let n = batch * heads * seq * seq
        let w = randomBuffer(n, &rng)
        let numeric = numericGradient(of: table, step: 1e-2, weights: w.array) {
            probs(c, table: table, buckets: buckets, maxDistance: maxDistance).array.map { $0.isNaN ? 0 : $0 }
        }
        let p = probs(c, table: table, buckets: buckets, maxDistance: maxDistance)
        for i in 0..<n where p[i].isNaN { p[i] = 0; w[i] = 0 }
        let ds = Buffer(n)
        Kernels.softmaxGrad(dprobs: w.c, probs: p.c, rows: batch * heads * seq, rowLength: seq, scale: c.scale, dscores: ds.p)
        let g = Buffer(buckets * heads)
        Kernels.relativeBiasGrad(dscores: ds.c, batch: batch, heads: heads, seq: seq, starts: nil, buckets: buckets,
                                 maxDistance: maxDistance, scale: c.scale, table: g.p)
        expectClose(g.array, numeric, abs: 2e-3, rel: 1e-2)
        #expect(g.array.contains { $0 != 0 })
    }
}
