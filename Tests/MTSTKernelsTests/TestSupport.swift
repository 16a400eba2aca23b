import Foundation
import Testing

/// A float buffer the test owns, handed to kernels as raw pointers.
final class Buffer {
    let count: Int
    let p: UnsafeMutablePointer<Float>

    init(_ count: Int, value: Float = 0) {
        self.count = count
        p = .allocate(capacity: max(1, count))
        p.initialize(repeating: value, count: max(1, count))
    }

    convenience init(_ values: [Float]) {
        self.init(values.count)
        for (i, v) in values.enumerated() { p[i] = v }
    }

    deinit { p.deallocate() }

    var c: UnsafePointer<Float> { UnsafePointer(p) }
    var array: [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
    var doubles: [Double] { array.map(Double.init) }

    subscript(i: Int) -> Float {
        get { p[i] }
        set { p[i] = newValue }
    }

    func copy() -> Buffer { Buffer(array) }
}

/// Deterministic generator (SplitMix64) so failures reproduce.
struct TestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomBuffer(_ count: Int, _ rng: inout TestRNG, in range: ClosedRange<Float> = -1...1) -> Buffer {
    Buffer((0..<count).map { _ in Float.random(in: range, using: &rng) })
}

/// Largest violation of |actual − expected| ≤ abs + rel·|expected|, as a ratio (≤ 1 passes),
/// with the worst index for the failure message.
func closeness(_ actual: [Float], _ expected: [Double], abs: Double, rel: Double) -> (ratio: Double, index: Int) {
    precondition(actual.count == expected.count, "length mismatch \(actual.count) vs \(expected.count)")
    var worst = (ratio: 0.0, index: -1)
    for i in actual.indices {
        let err = Swift.abs(Double(actual[i]) - expected[i])
        let ratio = err / (abs + rel * Swift.abs(expected[i]))
        if !(ratio <= worst.ratio) { worst = (ratio.isNaN ? .infinity : ratio, i) }
    }
    return worst
}

func expectClose(
    _ actual: [Float], _ expected: [Double], abs: Double = 1e-5, rel: Double = 1e-4,
    _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    let (ratio, i) = closeness(actual, expected, abs: abs, rel: rel)
    #expect(ratio <= 1, "\(what) worst at \(i): got \(i >= 0 ? actual[i] : .nan), expected \(i >= 0 ? expected[i] : .nan)",
            sourceLocation: sourceLocation)
}

func expectClose(
    _ actual: [Float], _ expected: [Float], abs: Double = 1e-5, rel: Double = 1e-4,
    _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(actual, expected.map(Double.init), abs: abs, rel: rel, what, sourceLocation: sourceLocation)
}

/// Central-difference gradient of L = Σ weights·forward(x) with respect to every element of x.
/// The forward runs the Float kernel; sums are taken in Double; the step actually taken in
/// Float is used as the denominator.
func numericGradient(of x: Buffer, step h: Float = 1e-2, weights: [Float], _ forward: () -> [Float]) -> [Double] {
    func loss() -> Double {
        zip(forward(), weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    return (0..<x.count).map { i in
        let saved = x[i]
        x[i] = saved + h
        let up = x[i]
        let lp = loss()
        x[i] = saved - h
        let down = x[i]
        let lm = loss()
        x[i] = saved
        return (lp - lm) / (Double(up) - Double(down))
    }
}

func naiveGemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double, a: [Float], lda: Int,
    b: [Float], ldb: Int, beta: Double, c: [Float], ldc: Int
) -> [Double] {
    var out = c.map(Double.init)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let av = transA ? a[p * lda + i] : a[i * lda + p]
                let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                s += Double(av) * Double(bv)
            }
            out[i * ldc + j] = alpha * s + (beta == 0 ? 0 : beta * Double(c[i * ldc + j]))
        }
    }
    return out
}

/// Bitwise-exact comparison that reports only the first difference (arrays can be huge).
func expectEqual(_ actual: [Float], _ expected: [Float], _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(what) length", sourceLocation: sourceLocation)
    guard let i = actual.indices.first(where: { $0 < expected.count && actual[$0].bitPattern != expected[$0].bitPattern }) else { return }
    Issue.record("\(what) first difference at \(i): got \(actual[i]), expected \(expected[i])", sourceLocation: sourceLocation)
}
