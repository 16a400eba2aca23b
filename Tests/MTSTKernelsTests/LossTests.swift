import Foundation
import MTSTKernels
import Testing

@Suite struct LossTests {
    let rows = 7, classes = 13
    // Rows 2 and 5 are ignored (negative label); row 6's label is out of range, also ignored.
    let labels: [Float] = [3, 0, -1, 12, 7, -100, 13]
    var validRows: [Int] { [0, 1, 3, 4] }

    func naiveLoss(_ logits: [Float]) -> Double {
        validRows.reduce(0.0) { sum, r in
            let row = (0..<classes).map { Double(logits[r * classes + $0]) }
            let mx = row.max() ?? 0
            let lse = mx + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - mx) })
            return sum + lse - row[Int(labels[r])]
        } / Double(validRows.count)
    }

    func loss(_ logits: Buffer, _ labels: Buffer) -> Float {
        let out = Buffer(1, value: .nan)
        Kernels.softmaxCrossEntropy(logits: logits.c, labels: labels.c, rows: rows, classes: classes, loss: out.p)
        return out[0]
    }

    @Test(arguments: [Float(3), 1000])
    func lossMatchesNaiveAndIsStable(magnitude: Float) {
        var rng = TestRNG(seed: 70)
        let logits = randomBuffer(rows * classes, &rng, in: -magnitude...magnitude)
        let value = loss(logits, Buffer(labels))
        #expect(value.isFinite)
        #expect(abs(Double(value) - naiveLoss(logits.array)) < 1e-5 * max(1, Double(magnitude)))
    }

    @Test func allRowsIgnoredGivesZeroLossAndGrad() {
        var rng = TestRNG(seed: 71)
        let logits = randomBuffer(rows * classes, &rng)
        let none = Buffer([Float](repeating: -1, count: rows))
        #expect(loss(logits, none) == 0)
        let grad = Buffer(rows * classes, value: .nan)
        Kernels.softmaxCrossEntropyGrad(logits: logits.c, labels: none.c, rows: rows, classes: classes, dloss: 1, dlogits: grad.p)
        #expect(grad.array.allSatisfy { $0 == 0 })
    }

    @Test func gradMatchesNaiveAndFiniteDifferences() {
        var rng = TestRNG(seed: 72)
        let logits = randomBuffer(rows * classes, &rng, in: -3...3)
        let labelBuffer = Buffer(labels)
        let dloss: Float = 2.5
        let grad = Buffer(rows * classes, value: .nan)
        Kernels.softmaxCrossEntropyGrad(logits: logits.c, labels: labelBuffer.c, rows: rows, classes: classes,
                                        dloss: dloss, dlogits: grad.p)
        var expected = [Double](repeating: 0, count: rows * classes)
        for r in validRows {
            let row = (0..<classes).map { Double(logits[r * classes + $0]) }
            let mx = row.max() ?? 0
            let z = row.reduce(0) { $0 + Foundation.exp($1 - mx) }
            for c in 0..<classes {
                let onehot: Double = c == Int(labels[r]) ? 1 : 0
                expected[r * classes + c] = Double(dloss) * (Foundation.exp(row[c] - mx) / z - onehot) / Double(validRows.count)
            }
        }
        expectClose(grad.array, expected, abs: 1e-6, rel: 1e-5)

        let numeric = numericGradient(of: logits, step: 1e-2, weights: [dloss]) { [loss(logits, labelBuffer)] }
        expectClose(grad.array, numeric, abs: 1e-3, rel: 1e-2)
    }

    @Test func argmaxTakesFirstMaximum() {
        let x = Buffer([1, 5, 5, 2,
                        -3, -2, -2, -9,
                        .nan, 0, 4, 4,
                        7, 7, 7, 7])
        let out = UnsafeMutablePointer<Int32>.allocate(capacity: 4)
        defer { out.deallocate() }
        Kernels.argmaxRows(x.c, rows: 4, cols: 4, out)
        #expect(Array(UnsafeBufferPointer(start: out, count: 4)) == [1, 1, 2, 0])
    }
}
