/// Joint intent + slot evaluation of a test set (the numbers of GUIDE §6).
public struct EvaluationReport: Sendable, Codable, Equatable {
    public var examples: Int
    /// Over examples with a gold label; nil when nothing was predicted or nothing is labelled.
    public var intent: Accuracy?
    /// Over examples with gold tags; nil when no tags were predicted or none are annotated.
    public var slots: SlotF1.Score?
    /// An example counts as right when every evaluated head is right: its intent, and all its tags.
    public var sentence: Accuracy
    /// Held-out pairs: retrieval accuracy@1 of each anchor's positive among all the positives
    /// (`PairRetrieval`); nil without pairs. Pairs are not counted in `examples` or `sentence`.
    public var pairs: Accuracy?

    /// `predictedLabels[i]` and `predictedTags[i]` belong to `gold[i]`; pass nil for a head the
    /// model lacks. A gold label the model never saw in training simply cannot match, so it
    /// counts as an error. Missing tags of a truncated sentence count as "O".
    public static func evaluate(gold: [Example], predictedLabels: [String]?, predictedTags: [[String]]?) -> EvaluationReport {
        precondition(predictedLabels.map { $0.count == gold.count } ?? true, "EvaluationReport: one predicted label per example")
        precondition(predictedTags.map { $0.count == gold.count } ?? true, "EvaluationReport: one tag sequence per example")
        var intentCorrect = 0, intentTotal = 0, sentenceCorrect = 0
        var goldTagged: [[String]] = [], predictedTagged: [[String]] = []
        for (index, example) in gold.enumerated() {
            var right = true
            // Indices are checked even though the preconditions hold: release builds use
            // -Ounchecked, where a precondition alone would not stop an out-of-bounds read.
            if let predictedLabels, let label = example.label {
                intentTotal += 1
                if index < predictedLabels.count, predictedLabels[index] == label { intentCorrect += 1 } else { right = false }
            }
            if let predictedTags, let tags = example.tags {
                let predicted = index < predictedTags.count ? Array(predictedTags[index].prefix(tags.count)) : []
                goldTagged.append(tags)
                predictedTagged.append(predicted)
                for (position, tag) in tags.enumerated() where tag != (position < predicted.count ? predicted[position] : "O") {
                    right = false
                }
            }
            if right { sentenceCorrect += 1 }
        }
        return EvaluationReport(
            examples: gold.count,
            intent: intentTotal > 0 ? Accuracy(correct: intentCorrect, total: intentTotal) : nil,
            slots: goldTagged.isEmpty ? nil : SlotF1.score(gold: goldTagged, predicted: predictedTagged),
            sentence: Accuracy(correct: sentenceCorrect, total: gold.count))
    }

    /// One line in the units papers use, e.g. `intent acc 97.76 | slot F1 95.21 (P 95.0 R 95.4) | sentence acc 86.90 | 893 examples`.
    public var summary: String {
        var parts: [String] = []
        if let intent { parts.append("intent acc \(percent(intent.value))") }
        if let slots {
            parts.append("slot F1 \(percent(slots.f1)) (P \(percent(slots.precision)) R \(percent(slots.recall)))")
        }
        if examples > 0 || pairs == nil {
            parts.append("sentence acc \(percent(sentence.value))")
            parts.append("\(examples) examples")
        }
        if let pairs { parts.append("pair acc@1 \(percent(pairs.value)) (\(pairs.total) pairs)") }
        return parts.joined(separator: " | ")
    }

    private func percent(_ fraction: Double) -> String {
        let hundredths = Int((fraction * 10000).rounded())
        let fractional = hundredths % 100
        return "\(hundredths / 100).\(fractional < 10 ? "0" : "")\(fractional)"
    }
}
