import Testing
@testable import MTSTKernels

/// The scalar reference against fp32: its error is bounded by the quantization steps.
struct Int8GEMMReferenceTests {
    @Test func referenceMatchesFloatWithinQuantizationError() {
        var rng = SystemRandomNumberGenerator()
        let (m, n, k) = (5, 7, 33)
        let x = (0..<(m * k)).map { _ in Float.random(in: -2...3, using: &rng) }
        let w = (0..<(n * k)).map { _ in Float.random(in: -0.5...0.5, using: &rng) }
        let bias = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
        let packed = w.withUnsafeBufferPointer { Int8PackedWeights(weights: $0.baseAddress!, outputs: n, inputs: k) }
        var y = [Float](repeating: .nan, count: m * n)
        x.withUnsafeBufferPointer { xp in
            bias.withUnsafeBufferPointer { bp in
                y.withUnsafeMutableBufferPointer { yp in
                    Kernels.int8LinearReference(xp.baseAddress!, rows: m, ldx: k, weights: packed, bias: bp.baseAddress!,
                                                epilogue: .bias, output: yp.baseAddress!, ldo: n, workspace: Int8Workspace())
                }
            }
        }
        for i in 0..<m {
            for j in 0..<n {
                var exact = bias[j]
                for c in 0..<k { exact += x[i * k + c] * w[j * k + c] }
                // |x| ≤ 3 → step 5/255; |w| ≤ 0.5 → step 0.5/127; k terms of both errors.
                let bound = Float(k) * (3 * 0.5 / 127 / 2 + 0.5 * 5 / 255 / 2) * 1.5
                #expect(abs(y[i * n + j] - exact) <= bound, "y[\(i),\(j)] = \(y[i * n + j]), fp32 \(exact)")
            }
        }
    }
}
