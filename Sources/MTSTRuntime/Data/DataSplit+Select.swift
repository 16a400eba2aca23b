import MTSTCompiler

extension DataSplit {
    /// The examples of a file (all of them, in file order) that this split selects, in file
    /// order. An empty side is an error: training or evaluating on nothing is never what a
    /// split meant. It names the file, or, given `reportAt`, the spec's `split:` and the file.
    public func select(_ examples: [Example], file: String, reportAt: SourceLocation? = nil, keyPath: String = "") throws(DataError) -> [Example] {
        func fail(_ reason: String) -> DataError {
            guard let reportAt else { return DataError(.malformed(reason: "split \(description): \(reason)"), at: SourceLocation(file: file)) }
            return DataError(.malformed(reason: "\(keyPath): \(file): \(reason)"), at: reportAt)
        }
        switch self {
        case .holdout(let fraction, let seed, let part):
            let held = Self.heldOut(count: examples.count, fraction: fraction, seed: seed)
            guard !held.isEmpty, held.count < examples.count else {
                throw fail("holds out \(held.count) of the file's \(examples.count) examples, leaving one side empty; use a file with more examples or another fraction")
            }
            return examples.indices.filter { held.contains($0) == (part == .holdout) }.map { examples[$0] }
        case .examples(let ranges):
            var result: [Example] = []
            for range in ranges {
                let last = range.last ?? examples.count
                guard range.first <= examples.count, last <= examples.count else {
                    throw fail("'\(range.description)' is past the end: the file has \(examples.count) examples")
                }
                result += examples[(range.first - 1)..<last]
            }
            return result
        }
    }

    /// The positions held out of `count` examples: round(fraction · count) of them, the first of
    /// a Fisher–Yates shuffle seeded with `seed` (the same on every machine and Swift version,
    /// unlike `shuffled(using:)`, whose algorithm is not promised).
    public static func heldOut(count: Int, fraction: Double, seed: UInt64) -> Set<Int> {
        var order = Array(0..<count)
        var rng = SplitMix64(seed: seed)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(rng.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        let k = Int((Double(count) * fraction).rounded())
        return Set(order.prefix(k))
    }
}
