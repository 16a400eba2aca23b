import Foundation
import MTSTKernels
import Testing

func refGelu(_ x: Double) -> Double { 0.5 * x * (1 + erf(x / 2.0.squareRoot())) }
func refGeluDerivative(_ x: Double) -> Double {
    0.5 * (1 + erf(x / 2.0.squareRoot())) + x * Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
}

@Suite struct GELUTests {
    @Test func erfMatchesFoundationToFloatPrecision() {
        // Every 1e-4 over [-10, 10] plus tiny magnitudes, where relative accuracy matters.
        let grid = (0...200_000).map { Float(-10 + Double($0) * 1e-4) } + [1e-30, -1e-20, 1e-10, 3e-6, -7e-4, 0]
        let x = Buffer(grid), out = Buffer(grid.count)
        Kernels.erf(x.c, out.p, count: grid.count)
        var maxAbs = 0.0, maxRel = 0.0
        for i in grid.indices {
            let ref = erf(Double(grid[i]))
            let err = abs(Double(out[i]) - ref)
            maxAbs = max(maxAbs, err)
            if ref != 0 { maxRel = max(maxRel, err / abs(ref)) }
        }
        #expect(maxAbs < 1e-6, "max abs error \(maxAbs)")
        #expect(maxRel < 1e-6, "max relative error \(maxRel)")
        #expect(out[grid.count - 1] == 0)
    }

    @Test func expIsAccurateAndFlushesToZero() {
        let grid = (0...100_000).map { Float(-87 + Double($0) * 175e-5) }
        let x = Buffer(grid + [-87.5, -200, -.infinity, .nan]), out = Buffer(x.count)
        Kernels.exp(x.c, out.p, count: x.count)
        var maxRel = 0.0
        for i in grid.indices {
            let ref = Foundation.exp(Double(grid[i]))
            maxRel = max(maxRel, abs(Double(out[i]) - ref) / ref)
        }
        #expect(maxRel < 3e-7, "max relative error \(maxRel)")
        #expect(out[grid.count] == 0 && out[grid.count + 1] == 0 && out[grid.count + 2] == 0)
        #expect(out[grid.count + 3].isNaN)
    }

    @Test(arguments: [13, 100_003])
    func geluMatchesErfDefinition(count: Int) {
        var rng = TestRNG(seed: 10)
        let x = randomBuffer(count, &rng, in: -6...6), out = Buffer(count)
        let expected = x.doubles.map(refGelu)
        Kernels.gelu(x.c, out.p, count: count)
        expectClose(out.array, expected, abs: 2e-6, rel: 2e-6)
        Kernels.gelu(x.c, x.p, count: count)
        expectEqual(x.array, out.array, "in place")
    }

    @Test(arguments: [13, 100_003])
    func geluGradMatchesDerivative(count: Int) {
        var rng = TestRNG(seed: 11)
        let x = randomBuffer(count, &rng, in: -6...6), dy = randomBuffer(count, &rng), dx = Buffer(count)
        Kernels.geluGrad(dy.c, x.c, dx.p, count: count)
        expectClose(dx.array, (0..<count).map { Double(dy[$0]) * refGeluDerivative(Double(x[$0])) }, abs: 2e-6, rel: 2e-6)
    }

    @Test func geluGradMatchesFiniteDifferences() {
        var rng = TestRNG(seed: 12)
        let n = 29
        let x = randomBuffer(n, &rng, in: -4...4), w = randomBuffer(n, &rng), dx = Buffer(n), y = Buffer(n)
        let numeric = numericGradient(of: x, weights: w.array) {
            Kernels.gelu(x.c, y.p, count: n)
            return y.array
        }
        Kernels.geluGrad(w.c, x.c, dx.p, count: n)
        expectClose(dx.array, numeric, abs: 1e-3, rel: 1e-2)
    }

    @Test(arguments: [(7, 13), (300, 129)])
    func biasGeluAndGrad(rows: Int, cols: Int) {
        var rng = TestRNG(seed: 13)
        let x = randomBuffer(rows * cols, &rng, in: -4...4), bias = randomBuffer(cols, &rng)
        let dy = randomBuffer(rows * cols, &rng), out = Buffer(rows * cols), dx = Buffer(rows * cols)
        let pre = (0..<rows * cols).map { Double(x[$0] + bias[$0 % cols]) }
        Kernels.biasGelu(x.c, bias: bias.c, rows: rows, cols: cols, out.p)
        expectClose(out.array, pre.map(refGelu), abs: 2e-6, rel: 2e-6)
        Kernels.biasGeluGrad(dy.c, x.c, bias: bias.c, rows: rows, cols: cols, dx.p)
        expectClose(dx.array, (0..<rows * cols).map { Double(dy[$0]) * refGeluDerivative(pre[$0]) }, abs: 2e-6, rel: 2e-6)
        Kernels.biasGelu(x.c, bias: bias.c, rows: rows, cols: cols, x.p)
        expectEqual(x.array, out.array, "in place")
    }

    @Test func biasGeluGradMatchesFiniteDifferences() {
        var rng = TestRNG(seed: 14)
        let (rows, cols) = (3, 11)
        let x = randomBuffer(rows * cols, &rng, in: -3...3), bias = randomBuffer(cols, &rng)
        let w = randomBuffer(rows * cols, &rng), y = Buffer(rows * cols), dx = Buffer(rows * cols)
        let numeric = numericGradient(of: x, weights: w.array) {
            Kernels.biasGelu(x.c, bias: bias.c, rows: rows, cols: cols, y.p)
            return y.array
        }
        Kernels.biasGeluGrad(w.c, x.c, bias: bias.c, rows: rows, cols: cols, dx.p)
        expectClose(dx.array, numeric, abs: 1e-3, rel: 1e-2)
    }
}
