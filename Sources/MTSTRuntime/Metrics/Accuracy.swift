/// A share of correct items; `value` is a fraction in [0, 1], 0 when there are no items.
/// Stored rather than computed so JSON reports carry it.
public struct Accuracy: Sendable, Codable, Equatable {
    public var correct: Int
    public var total: Int
    public var value: Double

    public init(correct: Int, total: Int) {
        self.correct = correct
        self.total = total
        value = total > 0 ? Double(correct) / Double(total) : 0
    }
}
