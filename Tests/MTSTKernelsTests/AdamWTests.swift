import Foundation
import MTSTKernels
import Testing

@Suite struct AdamWTests {
    @Test func handComputedTwoSteps() {
        // lr 0.1, β1 0.9, β2 0.999, eps 1e-8, weight decay 0.01, starting from p = 1.
        // Step 1, g = 1·0.5 (gradScale 0.5): p = 1·(1 − 0.001) = 0.999; m = 0.05; v = 0.00025;
        //   m̂ = 0.05/0.1 = 0.5, √v̂ = √(0.00025/0.001) = 0.5, p = 0.999 − 0.1·0.5/(0.5 + 1e-8) = 0.899000002.
        // Step 2, g = −0.5·0.5 = −0.25: p = 0.899000002·0.999 = 0.898101002; m = 0.045 − 0.025 = 0.02;
        //   v = 0.000249750 + 0.0000625 = 0.00031225; m̂ = 0.02/0.19 = 0.105263158,
        //   √v̂ = √(0.00031225/0.001999) = 0.395225385, p = 0.898101002 − 0.1·0.266337703 = 0.871467299.
        let p = Buffer([1]), m = Buffer([0]), v = Buffer([0])
        let g1 = Buffer([1]), g2 = Buffer([-0.5])
        Kernels.adamw(param: p.p, grad: g1.c, m: m.p, v: v.p, count: 1, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8,
                      weightDecay: 0.01, step: 1, gradScale: 0.5)
        #expect(abs(p[0] - 0.899_000_002) < 1e-7)
        // m and v carry the Float rounding of β: 1 − Float(0.999) is 1.3e-5 away from 0.001 relative;
        // the bias corrections see the same rounding, so p stays exact to float precision.
        #expect(abs(m[0] / 0.05 - 1) < 1e-6 && abs(v[0] / 0.000_25 - 1) < 2e-5)
        Kernels.adamw(param: p.p, grad: g2.c, m: m.p, v: v.p, count: 1, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8,
                      weightDecay: 0.01, step: 2, gradScale: 0.5)
        #expect(abs(p[0] - 0.871_467_299) < 1e-7)
        #expect(abs(m[0] / 0.02 - 1) < 1e-5 && abs(v[0] / 0.000_312_25 - 1) < 2e-5)
    }

    @Test(arguments: [13, 100_003])
    func matchesNaiveLoopOverSteps(count: Int) {
        var rng = TestRNG(seed: 80)
        let p = randomBuffer(count, &rng), m = Buffer(count), v = Buffer(count)
        var rp = p.doubles, rm = [Double](repeating: 0, count: count), rv = rm
        // The reference uses the Float-rounded hyper-parameters the kernel receives: Float(0.999)
        // alone moves 1 − β2 by 1.3e-5 relative, more than the tolerance.
        let (lr, b1, b2, eps, wd, scale) = [1e-3, 0.9, 0.999, 1e-6, 0.05, 0.7].map { Double(Float($0)) }
            .withUnsafeBufferPointer { ($0[0], $0[1], $0[2], $0[3], $0[4], $0[5]) }
        for step in 1...3 {
            let g = randomBuffer(count, &rng)
            Kernels.adamw(param: p.p, grad: g.c, m: m.p, v: v.p, count: count, lr: Float(lr), beta1: Float(b1),
                          beta2: Float(b2), eps: Float(eps), weightDecay: Float(wd), step: step, gradScale: Float(scale))
            let bc1 = 1 - pow(b1, Double(step)), bc2 = 1 - pow(b2, Double(step))
            for i in 0..<count {
                let gi = Double(g[i]) * scale
                rp[i] *= 1 - lr * wd
                rm[i] = b1 * rm[i] + (1 - b1) * gi
                rv[i] = b2 * rv[i] + (1 - b2) * gi * gi
                rp[i] -= lr / bc1 * rm[i] / (rv[i].squareRoot() / bc2.squareRoot() + eps)
            }
        }
        expectClose(p.array, rp, abs: 1e-6, rel: 1e-5, "param")
        expectClose(m.array, rm, abs: 1e-7, rel: 1e-5, "m")
        expectClose(v.array, rv, abs: 1e-9, rel: 1e-5, "v")
    }

    @Test(arguments: [0, 13, 100_003, 1_000_001])
    func sumOfSquaresMatchesDouble(count: Int) {
        var rng = TestRNG(seed: 81)
        let x = randomBuffer(count, &rng, in: -3...3)
        let expected = x.array.reduce(0.0) { $0 + Double($1) * Double($1) }
        let got = Kernels.sumOfSquares(x.c, count: count)
        #expect(abs(got - expected) <= 1e-6 * max(1, expected))
    }
}
