/// conlleval's single pass over (gold, predicted) tag pairs. A chunk is counted where a start
/// rule fires; it is correct when gold and prediction start together with the same type and
/// then end together, still with the same type, without diverging in between.
struct ConllCounter {
    private var overall = ChunkCounts()
    private var byType: [Substring: ChunkCounts] = [:]
    private var tokens = 0
    private var correctTags = 0
    private var lastGold = ChunkTag.outside
    private var lastPredicted = ChunkTag.outside
    /// Inside a chunk that so far matches in both sequences.
    private var matching = false

    mutating func add(gold: ChunkTag, predicted: ChunkTag) {
        step(gold: gold, predicted: predicted)
        tokens += 1
        if gold == predicted { correctTags += 1 }
    }

    /// conlleval treats a blank line as an extra "O O" token that closes open chunks.
    mutating func addSentenceBoundary() {
        step(gold: .outside, predicted: .outside)
    }

    mutating func finish() -> SlotF1.Score {
        if matching { countCorrect(type: lastGold.type) }
        matching = false
        let types = Dictionary(uniqueKeysWithValues: byType.map { (String($0.key), $0.value) })
        return SlotF1.Score(overall: overall, tokens: tokens, correctTags: correctTags, byType: types)
    }

    private mutating func step(gold: ChunkTag, predicted: ChunkTag) {
        if matching {
            let goldEnds = ChunkTag.endsChunk(previous: lastGold, current: gold)
            let predictedEnds = ChunkTag.endsChunk(previous: lastPredicted, current: predicted)
            if goldEnds && predictedEnds && lastGold.type == lastPredicted.type {
                matching = false
                countCorrect(type: lastGold.type)
            } else if goldEnds != predictedEnds || gold.type != predicted.type {
                matching = false
            }
        }
        let goldStarts = ChunkTag.startsChunk(previous: lastGold, current: gold)
        let predictedStarts = ChunkTag.startsChunk(previous: lastPredicted, current: predicted)
        if goldStarts && predictedStarts && gold.type == predicted.type { matching = true }
        if goldStarts {
            overall.gold += 1
            byType[gold.type, default: ChunkCounts()].gold += 1
        }
        if predictedStarts {
            overall.predicted += 1
            byType[predicted.type, default: ChunkCounts()].predicted += 1
        }
        lastGold = gold
        lastPredicted = predicted
    }

    private mutating func countCorrect(type: Substring) {
        overall.correct += 1
        byType[type, default: ChunkCounts()].correct += 1
    }
}
