/// Macro-averaged F1 of single-label classification: the unweighted mean over classes of each
/// class's F1 (one-vs-rest), over the classes that occur in the gold labels or the predictions
/// (scikit-learn's `f1_score(average="macro")` with its default label set). A class never
/// predicted, or predicted but never gold, has F1 0. A fraction in [0, 1]; 0 without examples.
public enum MacroF1 {
    public static func score(gold: [String], predicted: [String]) -> Double {
        precondition(gold.count == predicted.count, "MacroF1: one prediction per gold label")
        var counts: [String: ChunkCounts] = [:]
        for (g, p) in zip(gold, predicted) {
            counts[g, default: ChunkCounts()].gold += 1
            counts[p, default: ChunkCounts()].predicted += 1
            if g == p { counts[g, default: ChunkCounts()].correct += 1 }
        }
        guard !counts.isEmpty else { return 0 }
        // Summed in label order so the result does not depend on dictionary order.
        return counts.keys.sorted().map { counts[$0]!.f1 }.reduce(0, +) / Double(counts.count)
    }
}
