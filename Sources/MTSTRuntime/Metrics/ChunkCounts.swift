/// Chunk counts for one entity type or overall; scores are fractions in [0, 1], 0 when undefined.
public struct ChunkCounts: Sendable, Codable, Equatable {
    public var gold = 0
    public var predicted = 0
    public var correct = 0

    public init(gold: Int = 0, predicted: Int = 0, correct: Int = 0) {
        self.gold = gold
        self.predicted = predicted
        self.correct = correct
    }

    public var precision: Double { predicted > 0 ? Double(correct) / Double(predicted) : 0 }
    public var recall: Double { gold > 0 ? Double(correct) / Double(gold) : 0 }
    public var f1: Double {
        let p = precision, r = recall
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }
}
