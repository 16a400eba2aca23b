import Testing
@testable import MTSTKernels

/// Every int8 kernel variant this CPU runs, against the scalar reference (`int8LinearReference`).
/// Integer sums are exact, so outputs without GELU must agree bit for bit; GELU to ~1e-6.
struct Int8GEMMTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let m, n, k, ldxPad, ldoPad: Int
        var testDescription: String { "m \(m) n \(n) k \(k) ldx+\(ldxPad) ldo+\(ldoPad)" }
    }

    /// Odd k (not a multiple of 4 or 64), n off the 16/64-channel panels, m = 1, strides wider
    /// than the rows, and sizes that take both the row and the column thread split.
    static let cases: [Case] = [
        Case(m: 1, n: 16, k: 4, ldxPad: 0, ldoPad: 0),
        Case(m: 1, n: 37, k: 45, ldxPad: 3, ldoPad: 5),
        Case(m: 1, n: 384, k: 384, ldxPad: 0, ldoPad: 0),
        Case(m: 7, n: 130, k: 3, ldxPad: 1, ldoPad: 2),
        Case(m: 13, n: 64, k: 67, ldxPad: 0, ldoPad: 7),
        Case(m: 50, n: 200, k: 131, ldxPad: 5, ldoPad: 3),
        Case(m: 3, n: 1000, k: 33, ldxPad: 2, ldoPad: 0),
        Case(m: 97, n: 81, k: 770, ldxPad: 1, ldoPad: 1),
    ]

    static var kernels: [Int8Kernel] { Int8Kernel.supported }

    /// Weights packed for `kernel` and random activations with outliers, as BERT's have.
    static func inputs(_ c: Case, seed: UInt64) -> (x: Buffer, w: Buffer, bias: Buffer) {
        var rng = TestRNG(seed: seed)
        let ldx = c.k + c.ldxPad
        let x = randomBuffer(c.m * ldx, &rng, in: -2...3)
        for i in stride(from: 0, to: x.count, by: 17) { x[i] *= 8 }
        return (x, randomBuffer(c.n * c.k, &rng, in: -0.5...0.5), randomBuffer(c.n, &rng))
    }

    static func run(
        _ c: Case, _ x: Buffer, _ packed: Int8PackedWeights, _ bias: Buffer, _ epilogue: Int8Epilogue,
        kernel: Int8Kernel?
    ) -> [Float] {
        let ldo = c.n + c.ldoPad
        let out = Buffer(c.m * ldo, value: -77)
        let b = epilogue == .none ? nil : bias.c
        if let kernel {
            Kernels.int8Linear(x.c, rows: c.m, ldx: c.k + c.ldxPad, weights: packed, bias: b, epilogue: epilogue,
                               output: out.p, ldo: ldo, workspace: Int8Workspace(), kernel: kernel)
        } else {
            Kernels.int8LinearReference(x.c, rows: c.m, ldx: c.k + c.ldxPad, weights: packed, bias: b, epilogue: epilogue,
                                        output: out.p, ldo: ldo, workspace: Int8Workspace())
        }
        return out.array
    }

    @Test(arguments: cases)
    func everyVariantMatchesTheReference(_ c: Case) {
        let (x, w, bias) = Self.inputs(c, seed: UInt64(c.m * 1_000_003 + c.n * 1009 + c.k))
        for kernel in Self.kernels {
            let packed = Int8PackedWeights(weights: w.c, outputs: c.n, inputs: c.k, for: kernel)
            for epilogue in Int8Epilogue.allCases {
                let want = Self.run(c, x, packed, bias, epilogue, kernel: nil)
                let got = Self.run(c, x, packed, bias, epilogue, kernel: kernel)
                let ldo = c.n + c.ldoPad
                var worst: Float = 0, at = -1
                for i in 0..<c.m { for j in 0..<ldo {
                    let (g, e) = (got[i * ldo + j], want[i * ldo + j])
                    if j >= c.n { if g != -77 { worst = .infinity; at = i * ldo + j }; continue }  // padding untouched
                    let err = epilogue == .biasGelu ? abs(g - e) / (1e-6 + abs(e)) : (g == e ? 0 : .infinity)
                    if !(err <= worst) { worst = err; at = i * ldo + j }
                } }
                #expect(worst <= 1e-6, "\(kernel.rawValue) \(epilogue): worst \(worst) at \(at): \(at >= 0 ? got[at] : 0) vs \(at >= 0 ? want[at] : 0)")
            }
        }
    }

    @Test(arguments: [(1, 1), (5, 3), (9, 4), (30, 64), (64, 67), (3, 385)])
    func quantizeRowsMatchesTheReferenceExactly(rows: Int, cols: Int) {
        var rng = TestRNG(seed: UInt64(rows * 31 + cols))
        let ldx = cols + 3
        let x = randomBuffer(rows * ldx, &rng, in: -4...2.5)
        if rows > 2 { for c in 0..<cols { x[ldx + c] = 0.75 } }          // a row of one positive value
        if rows > 3 { for c in 0..<cols { x[2 * ldx + c] = 0 } }          // an all-zero row
        // Exact halves in x / scale exercise rounding away from zero: a row of k/2 for a range of 255.
        if rows > 4 { for c in 0..<cols { x[3 * ldx + c] = Float(c % 256) - 127.5 + (c == 0 ? 127.5 : 0) } }
        var wantQ = [UInt8](repeating: 0, count: rows * cols), wantS = [Float](repeating: 0, count: rows)
        var wantZ = [Int32](repeating: 0, count: rows)
        Kernels.quantizeRowsReference(x.c, rows: rows, cols: cols, ldx: ldx, &wantQ, scales: &wantS, zeros: &wantZ)
        let ldq = (cols + 3) / 4 * 4 + 4
        for kernel in Self.kernels {
            var q = [UInt8](repeating: 0xAB, count: rows * ldq), s = [Float](repeating: 0, count: rows)
            var z = [Int32](repeating: -1, count: rows)
            Kernels.quantizeRows(x.c, rows: rows, cols: cols, ldx: ldx, &q, ldq: ldq, scales: &s, zeros: &z, kernel: kernel)
            #expect(s == wantS, "\(kernel.rawValue) scales")
            #expect(z == wantZ, "\(kernel.rawValue) zeros")
            for r in 0..<rows {
                #expect(Array(q[r * ldq ..< r * ldq + cols]) == Array(wantQ[r * cols ..< (r + 1) * cols]), "\(kernel.rawValue) row \(r)")
                #expect(q[r * ldq + cols ..< r * ldq + (cols + 3) / 4 * 4].allSatisfy { $0 == 0 }, "\(kernel.rawValue) padding of row \(r)")
                #expect(q[r * ldq + (cols + 3) / 4 * 4 ..< (r + 1) * ldq].allSatisfy { $0 == 0xAB }, "\(kernel.rawValue) wrote past the padding")
            }
        }
    }

    /// The AVX2 kernel's `vpmaddubsw` adds pairs of u8·s8 into int16 with saturation. With
    /// activations all 255 and weights at ±their limit every pair sits at its extreme
    /// (±255·63·2 = ±32130 with the 7-bit weights AVX2 packing uses), yet the result must equal the
    /// exact int32 sum. Weights packed with 8 bits (±127, where a pair would reach ±64770 and
    /// clip) must never reach the AVX2 kernel: the call runs an exact one instead.
    @Test func saturationAdversary() {
        let (m, n, k) = (9, 35, 258)
        let ldq = (k + 3) / 4 * 4
        let xq = [UInt8](repeating: 255, count: m * ldq)
        let scales = [Float](repeating: 1, count: m), zeros = [Int32](repeating: 0, count: m)
        // Row j: all +1, all −1, or alternating in pairs, so sums reach the extremes both ways.
        let w = Buffer(n * k)
        for j in 0..<n { for c in 0..<k { w[j * k + c] = j % 3 == 0 ? 1 : (j % 3 == 1 ? -1 : ((c / 2) % 2 == 0 ? 1 : -1)) } }
        for packFor in [Int8Kernel.avx2, .avx512VNNI] {
            let packed = Int8PackedWeights(weights: w.c, outputs: n, inputs: k, for: packFor)
            for kernel in Self.kernels {
                var out = [Float](repeating: 0, count: m * n)
                Kernels.int8Linear(quantized: xq, ldq: ldq, rowScales: scales, rowZeros: zeros, rows: m, weights: packed,
                                   bias: nil, epilogue: .none, output: &out, ldo: n, kernel: kernel)
                for j in 0..<n {
                    var acc: Int32 = 0
                    for c in 0..<k { acc += 255 * Int32(packed.quantized(j, c)) }
                    let want = (1 * packed.scales[j]) * Float(acc)
                    for i in 0..<m where out[i * n + j] != want {
                        Issue.record("\(kernel.rawValue) on weights packed for \(packFor.rawValue): y[\(i),\(j)] = \(out[i * n + j]), exact \(want)")
                    }
                }
            }
            #expect(packed.weightLimit == packFor.weightLimit)
            #expect((0..<n).allSatisfy { j in (0..<k).allSatisfy { abs(Int32(packed.quantized(j, $0))) == packFor.weightLimit } })
        }
    }

    /// Rows computed all at once (split over the pool by rows), one by one (split by columns) and
    /// by every variant on the same 7-bit weights give the same bits.
    @Test func resultsDoNotDependOnTheSplitOrTheVariant() {
        let c = Case(m: 150, n: 330, k: 200, ldxPad: 0, ldoPad: 0)
        let (x, w, bias) = Self.inputs(c, seed: 42)
        let packed = Int8PackedWeights(weights: w.c, outputs: c.n, inputs: c.k, for: .avx2)
        for epilogue in Int8Epilogue.allCases {
            let first = Self.run(c, x, packed, bias, epilogue, kernel: Self.kernels.last!)
            for kernel in Self.kernels {
                #expect(Self.run(c, x, packed, bias, epilogue, kernel: kernel) == first, "\(kernel.rawValue) \(epilogue)")
                var rowByRow = [Float](repeating: 0, count: c.m * c.n)
                let ws = Int8Workspace()
                for i in 0..<c.m {
                    Kernels.int8Linear(x.c + i * c.k, rows: 1, ldx: c.k, weights: packed, bias: epilogue == .none ? nil : bias.c,
                                       epilogue: epilogue, output: &rowByRow[i * c.n], ldo: c.n, workspace: ws, kernel: kernel)
                }
                #expect(rowByRow == first, "\(kernel.rawValue) \(epilogue) row by row")
            }
        }
    }

    @Test func packedLayoutRoundTrips() {
        var rng = TestRNG(seed: 9)
        let (n, k) = (21, 13)
        let w = randomBuffer(n * k, &rng)
        let packed = Int8PackedWeights(weights: w.c, outputs: n, inputs: k, for: .avx512VNNI)
        #expect(packed.paddedInputs == 16 && packed.paddedOutputs == 32)
        let deq = packed.dequantized()
        for i in 0..<(n * k) { #expect(abs(deq[i] - w[i]) <= packed.scales[i / k] / 2 * 1.0001) }
        // Padding is zero, so it adds nothing to any sum.
        for j in 0..<packed.paddedOutputs { for c in 0..<packed.paddedInputs where j >= n || c >= k {
            #expect(packed.packed[Int8PackedWeights.offset(j, c, packed.paddedInputs)] == 0)
        } }
        #expect(packed.columnSums == (0..<n).map { j in (0..<k).reduce(Int32(0)) { $0 + Int32(packed.quantized(j, $1)) } })
    }
}
