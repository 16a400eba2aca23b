import MTSTKernels
import Testing

@Suite struct DropoutTests {
    let count = 200_003
    let p: Float = 0.1

    /// Strictly positive inputs, so a zero in the output can only mean "dropped".
    func input(seed: UInt64) -> Buffer {
        var rng = TestRNG(seed: seed)
        return randomBuffer(count, &rng, in: 1...2)
    }

    func drop(_ x: Buffer, p: Float, seed: UInt64) -> [Float] {
        let out = Buffer(x.count)
        Kernels.dropout(x.c, out.p, count: x.count, p: p, seed: seed)
        return out.array
    }

    @Test func sameSeedSameMaskAndKeptValuesScaled() {
        let x = input(seed: 60)
        let a = drop(x, p: p, seed: 42), b = drop(x, p: p, seed: 42)
        expectEqual(a, b)
        let keepScale = 1 / (1 - p)
        for i in 0..<count where a[i] != 0 {
            guard a[i] == x[i] * keepScale else {
                Issue.record("kept value \(a[i]) at \(i) is not \(x[i]) / (1 - p)")
                return
            }
        }
    }

    @Test func keepRateIsOneMinusP() {
        for rate: Float in [0.1, 0.5, 0.9] {
            let kept = drop(input(seed: 61), p: rate, seed: 7).filter { $0 != 0 }.count
            let fraction = Double(kept) / Double(count)
            // 7 standard deviations of a binomial proportion at n = 200k is below 0.008.
            #expect(abs(fraction - Double(1 - rate)) < 0.008, "p = \(rate): kept \(fraction)")
        }
    }

    @Test func differentSeedsGiveIndependentMasks() {
        let x = input(seed: 62)
        let a = drop(x, p: 0.5, seed: 1), b = drop(x, p: 0.5, seed: 2)
        let both = zip(a, b).filter { $0 != 0 && $1 != 0 }.count
        // Independent masks keep an element in both with probability 0.25.
        #expect(abs(Double(both) / Double(count) - 0.25) < 0.01)
        #expect(zip(a, b).contains { ($0 == 0) != ($1 == 0) })
    }

    @Test func gradientUsesTheSameMask() {
        let x = input(seed: 63), dy = input(seed: 64)
        let y = drop(x, p: p, seed: 99)
        let dx = Buffer(count)
        Kernels.dropoutGrad(dy.c, dx.p, count: count, p: p, seed: 99)
        let keepScale = 1 / (1 - p)
        var mismatches = 0
        for i in 0..<count where (y[i] == 0) != (dx[i] == 0) || (dx[i] != 0 && dx[i] != dy[i] * keepScale) { mismatches += 1 }
        #expect(mismatches == 0)
        // In place gives the same result.
        Kernels.dropoutGrad(dy.c, dy.p, count: count, p: p, seed: 99)
        expectEqual(dy.array, dx.array)
    }

    @Test func edgeProbabilities() {
        let x = input(seed: 65)
        expectEqual(drop(x, p: 0, seed: 3), x.array)
        #expect(drop(x, p: 1, seed: 3).allSatisfy { $0 == 0 })
        let small = Buffer([1, 2, 3, 4, 5])   // shorter than one vector
        let out = drop(small, p: 0.5, seed: 5)
        #expect(zip(out, small.array).allSatisfy { $0 == 0 || $0 == 2 * $1 })
    }
}
