/// Entity-level micro precision, recall and F1 over IOB chunks, computed the way the CoNLL
/// `conlleval` script does: a predicted chunk is correct when its start, end and type all
/// match a gold chunk. Every sentence is followed by a boundary, so chunks never span sentences.
public enum SlotF1 {
    public struct Score: Sendable, Codable, Equatable {
        /// Fractions in [0, 1] (conlleval prints them ×100).
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var goldChunks: Int
        public var predictedChunks: Int
        public var correctChunks: Int
        /// conlleval's "accuracy": tokens whose predicted tag equals the gold tag.
        public var tokens: Int
        public var correctTags: Int
        public var byType: [String: ChunkCounts]

        public init(overall: ChunkCounts, tokens: Int, correctTags: Int, byType: [String: ChunkCounts]) {
            precision = overall.precision
            recall = overall.recall
            f1 = overall.f1
            goldChunks = overall.gold
            predictedChunks = overall.predicted
            correctChunks = overall.correct
            self.tokens = tokens
            self.correctTags = correctTags
            self.byType = byType
        }
    }

    /// `predicted[i]` is aligned with `gold[i]` word by word. A shorter prediction (a sentence
    /// truncated to the model's maximum length) counts its missing words as "O"; only the
    /// first `gold[i].count` predicted tags are read.
    public static func score(gold: [[String]], predicted: [[String]]) -> Score {
        precondition(gold.count == predicted.count, "SlotF1: \(gold.count) gold sentences but \(predicted.count) predicted")
        var counter = ConllCounter()
        for (goldTags, predictedTags) in zip(gold, predicted) {
            for (index, goldTag) in goldTags.enumerated() {
                let predictedTag = index < predictedTags.count ? predictedTags[index] : "O"
                counter.add(gold: ChunkTag(goldTag), predicted: ChunkTag(predictedTag))
            }
            counter.addSentenceBoundary()
        }
        return counter.finish()
    }
}
