import MTSTKernels
import Testing

func refLayerNorm(_ x: [Double], gamma: [Float], beta: [Float], rows: Int, cols: Int, eps: Double) -> [Double] {
    var out = [Double](repeating: 0, count: rows * cols)
    for r in 0..<rows {
        let row = x[(r * cols)..<((r + 1) * cols)]
        let mean = row.reduce(0, +) / Double(cols)
        let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(cols)
        let rstd = 1 / (variance + eps).squareRoot()
        for c in 0..<cols { out[r * cols + c] = (x[r * cols + c] - mean) * rstd * Double(gamma[c]) + Double(beta[c]) }
    }
    return out
}

@Suite struct LayerNormTests {
    let eps: Float = 1e-12

    @Test(arguments: [(7, 13), (300, 129)])
    func forwardMatchesDoubleReference(rows: Int, cols: Int) {
        var rng = TestRNG(seed: 20)
        // An offset mean checks that variance is not computed as E[x²] − E[x]².
        let x = randomBuffer(rows * cols, &rng, in: 49...51)
        let gamma = randomBuffer(cols, &rng, in: 0.5...1.5), beta = randomBuffer(cols, &rng)
        let out = Buffer(rows * cols)
        let expected = refLayerNorm(x.doubles, gamma: gamma.array, beta: beta.array, rows: rows, cols: cols, eps: Double(eps))
        Kernels.layerNorm(x.c, gamma: gamma.c, beta: beta.c, rows: rows, cols: cols, eps: eps, out.p)
        expectClose(out.array, expected, abs: 2e-5, rel: 1e-5)
        Kernels.layerNorm(x.c, gamma: gamma.c, beta: beta.c, rows: rows, cols: cols, eps: eps, x.p)
        expectEqual(x.array, out.array, "in place")
    }

    @Test func epsIsInsideTheSquareRoot() {
        let x = Buffer([1, 1, 1, 3]), gamma = Buffer([1, 1, 1, 1]), beta = Buffer(4), out = Buffer(4)
        Kernels.layerNorm(x.c, gamma: gamma.c, beta: beta.c, rows: 1, cols: 4, eps: 0.25, out.p)
        // mean 1.5, variance 0.75, rstd = 1/√(0.75 + 0.25) = 1.
        expectClose(out.array, [-0.5, -0.5, -0.5, 1.5], abs: 1e-6)
    }

    @Test(arguments: [true, false])
    func skipLayerNormAddsBiasAndResidual(withBias: Bool) {
        var rng = TestRNG(seed: 21)
        let (rows, cols) = (7, 13)
        let x = randomBuffer(rows * cols, &rng), residual = randomBuffer(rows * cols, &rng), bias = randomBuffer(cols, &rng)
        let gamma = randomBuffer(cols, &rng), beta = randomBuffer(cols, &rng)
        let out = Buffer(rows * cols), pre = Buffer(rows * cols)
        let sum = (0..<rows * cols).map { Double(x[$0] + (withBias ? bias[$0 % cols] : 0) + residual[$0]) }
        let expected = refLayerNorm(sum, gamma: gamma.array, beta: beta.array, rows: rows, cols: cols, eps: Double(eps))
        Kernels.skipLayerNorm(x.c, residual: residual.c, bias: withBias ? bias.c : nil, gamma: gamma.c, beta: beta.c,
                              rows: rows, cols: cols, eps: eps, out.p, preNorm: pre.p)
        expectClose(out.array, expected, abs: 1e-5)
        expectClose(pre.array, sum, abs: 1e-6)
        // No preNorm, output written over the residual stream.
        Kernels.skipLayerNorm(x.c, residual: residual.c, bias: withBias ? bias.c : nil, gamma: gamma.c, beta: beta.c,
                              rows: rows, cols: cols, eps: eps, residual.p, preNorm: nil)
        expectEqual(residual.array, out.array, "in place")
    }

    @Test func gradMatchesFiniteDifferences() {
        var rng = TestRNG(seed: 22)
        let (rows, cols) = (3, 13)
        let x = randomBuffer(rows * cols, &rng, in: -2...2), gamma = randomBuffer(cols, &rng, in: 0.5...1.5)
        let beta = randomBuffer(cols, &rng), w = randomBuffer(rows * cols, &rng)
        let y = Buffer(rows * cols), dx = Buffer(rows * cols)
        func forward() -> [Float] {
            Kernels.layerNorm(x.c, gamma: gamma.c, beta: beta.c, rows: rows, cols: cols, eps: 1e-5, y.p)
            return y.array
        }
        let numericX = numericGradient(of: x, step: 1e-2, weights: w.array, forward)
        Kernels.layerNormGrad(w.c, x.c, gamma: gamma.c, rows: rows, cols: cols, eps: 1e-5, dx.p)
        expectClose(dx.array, numericX, abs: 2e-3, rel: 1e-2, "dx")

        let numericGamma = numericGradient(of: gamma, weights: w.array, forward)
        let numericBeta = numericGradient(of: beta, weights: w.array, forward)
        let dgamma = Buffer(cols), dbeta = Buffer(cols)
        Kernels.layerNormParamGrad(w.c, x.c, rows: rows, cols: cols, eps: 1e-5, dgamma: dgamma.p, dbeta: dbeta.p, accumulate: false)
        expectClose(dgamma.array, numericGamma, abs: 2e-3, rel: 1e-2, "dgamma")
        expectClose(dbeta.array, numericBeta, abs: 2e-3, rel: 1e-2, "dbeta")
    }

    @Test(arguments: [(7, 13), (300, 129)])
    func gradsMatchDoubleFormulas(rows: Int, cols: Int) {
        var rng = TestRNG(seed: 23)
        let x = randomBuffer(rows * cols, &rng, in: -3...3), gamma = randomBuffer(cols, &rng, in: 0.5...1.5)
        let dy = randomBuffer(rows * cols, &rng)
        var expectedDx = [Double](repeating: 0, count: rows * cols)
        var expectedDgamma = [Double](repeating: 0, count: cols), expectedDbeta = expectedDgamma
        for r in 0..<rows {
            let row = (0..<cols).map { Double(x[r * cols + $0]) }
            let mean = row.reduce(0, +) / Double(cols)
            let rstd = 1 / (row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(cols) + Double(eps)).squareRoot()
            let xh = row.map { ($0 - mean) * rstd }
            let g = (0..<cols).map { Double(dy[r * cols + $0]) * Double(gamma[$0]) }
            let meanG = g.reduce(0, +) / Double(cols)
            let meanGX = zip(g, xh).reduce(0) { $0 + $1.0 * $1.1 } / Double(cols)
            for c in 0..<cols {
                expectedDx[r * cols + c] = rstd * (g[c] - meanG - xh[c] * meanGX)
                expectedDgamma[c] += Double(dy[r * cols + c]) * xh[c]
                expectedDbeta[c] += Double(dy[r * cols + c])
            }
        }
        let dx = Buffer(rows * cols)
        Kernels.layerNormGrad(dy.c, x.c, gamma: gamma.c, rows: rows, cols: cols, eps: eps, dx.p)
        expectClose(dx.array, expectedDx, abs: 1e-5, rel: 1e-4, "dx")

        let dgamma = Buffer(cols, value: 1), dbeta = Buffer(cols, value: -1)
        Kernels.layerNormParamGrad(dy.c, x.c, rows: rows, cols: cols, eps: eps, dgamma: dgamma.p, dbeta: dbeta.p, accumulate: true)
        expectClose(dgamma.array, expectedDgamma.map { $0 + 1 }, abs: 1e-4, rel: 1e-4, "dgamma accumulated")
        expectClose(dbeta.array, expectedDbeta.map { $0 - 1 }, abs: 1e-4, rel: 1e-4, "dbeta accumulated")
        Kernels.layerNormParamGrad(dy.c, x.c, rows: rows, cols: cols, eps: eps, dgamma: dgamma.p, dbeta: dbeta.p, accumulate: false)
        expectClose(dgamma.array, expectedDgamma, abs: 1e-4, rel: 1e-4, "dgamma")
        expectClose(dbeta.array, expectedDbeta, abs: 1e-4, rel: 1e-4, "dbeta")
        // The gain-only kernel the graph uses (its beta gradient is a separate sumRows node).
        let gammaOnly = Buffer(cols, value: 2)
        Kernels.layerNormGammaGrad(dy.c, x.c, rows: rows, cols: cols, eps: eps, dgamma: gammaOnly.p, accumulate: true)
        expectClose(gammaOnly.array, expectedDgamma.map { $0 + 2 }, abs: 1e-4, rel: 1e-4, "gamma-only accumulated")
        Kernels.layerNormGammaGrad(dy.c, x.c, rows: rows, cols: cols, eps: eps, dgamma: gammaOnly.p)
        expectClose(gammaOnly.array, expectedDgamma, abs: 1e-4, rel: 1e-4, "gamma-only")
    }
}
