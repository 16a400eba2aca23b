import MTSTKernels
import Testing

@Suite struct ElementwiseTests {
    // 13 exercises the ragged tail; 100_003 the multi-threaded split with a tail.
    static let counts = [13, 100_003]

    @Test(arguments: counts)
    func copyAndFill(count: Int) {
        var rng = TestRNG(seed: 3)
        let x = randomBuffer(count, &rng), out = Buffer(count)
        Kernels.copy(x.c, out.p, count: count)
        expectEqual(out.array, x.array)
        Kernels.fill(out.p, value: 2.5, count: count)
        #expect(out.array.allSatisfy { $0 == 2.5 })
    }

    @Test(arguments: counts)
    func addAccumulateScale(count: Int) {
        var rng = TestRNG(seed: 4)
        let a = randomBuffer(count, &rng), b = randomBuffer(count, &rng), out = Buffer(count)
        let sum = zip(a.array, b.array).map { $0 + $1 }
        Kernels.add(a.c, b.c, out.p, count: count)
        expectEqual(out.array, sum)

        let aliased = a.copy()
        Kernels.add(aliased.c, b.c, aliased.p, count: count)
        expectEqual(aliased.array, sum)
        let aliasedB = b.copy()
        Kernels.add(a.c, aliasedB.c, aliasedB.p, count: count)
        expectEqual(aliasedB.array, sum)

        let y = b.copy()
        Kernels.accumulate(a.c, into: y.p, count: count)
        expectEqual(y.array, sum)

        Kernels.scale(a.c, by: -3, out.p, count: count)
        expectEqual(out.array, a.array.map { $0 * -3 })
        let half = a.array.map { $0 * 0.5 }
        Kernels.scale(a.c, by: 0.5, a.p, count: count)
        expectEqual(a.array, half)
    }

    @Test(arguments: [(7, 13), (300, 129)])
    func biasAdd(rows: Int, cols: Int) {
        var rng = TestRNG(seed: 5)
        let x = randomBuffer(rows * cols, &rng), bias = randomBuffer(cols, &rng), out = Buffer(rows * cols)
        let expected = (0..<rows * cols).map { x[$0] + bias[$0 % cols] }
        Kernels.biasAdd(x.c, bias: bias.c, rows: rows, cols: cols, out.p)
        expectEqual(out.array, expected)
        Kernels.biasAdd(x.c, bias: bias.c, rows: rows, cols: cols, x.p)
        expectEqual(x.array, expected)
    }

    // cols 13: tail only; 130: two 64-wide register blocks plus a tail; 300×200 goes multi-threaded.
    @Test(arguments: [(7, 13), (9, 130), (300, 200)])
    func sumRows(rows: Int, cols: Int) {
        var rng = TestRNG(seed: 6)
        let x = randomBuffer(rows * cols, &rng), out = randomBuffer(cols, &rng)
        let start = out.doubles
        let sums = (0..<cols).map { c in (0..<rows).reduce(0.0) { $0 + Double(x[$1 * cols + c]) } }
        Kernels.sumRows(x.c, rows: rows, cols: cols, out.p, accumulate: true)
        expectClose(out.array, zip(start, sums).map { $0 + $1 }, abs: 1e-4)
        Kernels.sumRows(x.c, rows: rows, cols: cols, out.p, accumulate: false)
        expectClose(out.array, sums, abs: 1e-4)
    }

    @Test func concatColumns() {
        var rng = TestRNG(seed: 7)
        let rows = 5, widths = [3, 1, 9]
        let parts = widths.map { randomBuffer(rows * $0, &rng) }
        let total = widths.reduce(0, +)
        let out = Buffer(rows * total)
        Kernels.concatColumns(parts.map(\.c), widths: widths, rows: rows, out.p)
        var expected: [Float] = []
        for r in 0..<rows {
            for (part, w) in zip(parts, widths) { expected += part.array[(r * w)..<((r + 1) * w)] }
        }
        expectEqual(out.array, expected)
    }
}
