import MTSTCompiler

/// One head's scores on the evaluation examples that carry its labels. Fractions in [0, 1].
public struct HeadScores: Sendable, Equatable {
    public var kind: TaskHead.Kind
    /// Examples (or pairs) the head was scored on.
    public var examples = 0
    /// Classification heads.
    public var accuracy: Accuracy?
    public var macroF1: Double?
    /// Tagging heads: conlleval span scores with the per-type counts.
    public var tags: SlotF1.Score?
    /// Contrastive heads: retrieval accuracy@1 of the evaluation pairs (`PairRetrieval`).
    public var pairs: Accuracy?
    /// Mean cross-entropy of the head's logits against its labels (ignored labels skipped);
    /// nil for CRF and contrastive heads, or without labelled examples.
    public var loss: Double?

    /// The head's main metric for the one-line summary.
    public var headline: String? {
        switch kind {
        case .classification: accuracy.map { "acc \(Percent.text($0.value))" }
        case .tagging: tags.map { "F1 \(Percent.text($0.f1))" }
        case .contrastive: pairs.map { "acc@1 \(Percent.text($0.value))" }
        }
    }
}

/// Which heads an example's labels go to: its data source's `label_head` and `tag_head`.
public struct Route: Sendable, Equatable {
    public var label: String?
    public var tags: String?
    public init(label: String?, tags: String?) {
        self.label = label
        self.tags = tags
    }
}

/// Per-head evaluation of a test set: every head is scored on the examples whose source routes
/// labels to it, with its own predictions, so two tagging heads fed by two datasets are never
/// pooled. Sentence accuracy counts the examples that carry labels for two heads or more.
public struct EvaluationReport: Sendable, Equatable {
    /// Sentences evaluated (pairs are not counted).
    public var examples: Int
    /// Head name → scores, for every head with evaluation data.
    public var heads: [String: HeadScores]
    /// The plan's head order, for summaries.
    public var order: [String]
    /// Over examples labelled for ≥ 2 heads: right when every one of those heads is right.
    public var sentence: Accuracy?
    /// Σ loss weight × head evaluation loss, over heads with one.
    public var loss: Double?

    /// `predictions[i]` and `routes[i]` belong to `gold[i]`. A gold label the model never saw
    /// in training cannot match, so it counts as an error. Missing tags of a truncated sentence
    /// count as "O".
    public static func evaluate(heads: [TaskHead], gold: [Example], routes: [Route], predictions: [Prediction],
                                losses: [String: Double] = [:]) -> EvaluationReport {
        precondition(gold.count == routes.count && gold.count == predictions.count, "EvaluationReport: one route and prediction per example")
        var labels: [String: (gold: [String], predicted: [String])] = [:]
        var tags: [String: (gold: [[String]], predicted: [[String]])] = [:]
        var sentenceCorrect = 0, sentenceTotal = 0
        for (i, example) in gold.enumerated() {
            var right = true, scored = 0
            let route = routes[i], prediction = predictions[i]
            if let head = route.label, let label = example.label {
                let predicted = prediction.labels[head] ?? ""
                labels[head, default: ([], [])].gold.append(label)
                labels[head, default: ([], [])].predicted.append(predicted)
                scored += 1
                if predicted != label { right = false }
            }
            if let head = route.tags, let goldTags = example.tags {
                let predicted = Array((prediction.tags[head] ?? []).prefix(goldTags.count))
                tags[head, default: ([], [])].gold.append(goldTags)
                tags[head, default: ([], [])].predicted.append(predicted)
                scored += 1
                for (w, tag) in goldTags.enumerated() where tag != (w < predicted.count ? predicted[w] : "O") { right = false }
            }
            if scored >= 2 {
                sentenceTotal += 1
                if right { sentenceCorrect += 1 }
            }
        }
        var scores: [String: HeadScores] = [:]
        for head in heads {
            var s = HeadScores(kind: head.kind)
            if let l = labels[head.name] {
                s.examples = l.gold.count
                s.accuracy = Accuracy(correct: zip(l.gold, l.predicted).filter { $0 == $1 }.count, total: l.gold.count)
                s.macroF1 = MacroF1.score(gold: l.gold, predicted: l.predicted)
            } else if let t = tags[head.name] {
                s.examples = t.gold.count
                s.tags = SlotF1.score(gold: t.gold, predicted: t.predicted)
            } else {
                continue
            }
            s.loss = losses[head.name]
            scores[head.name] = s
        }
        var report = EvaluationReport(examples: gold.count, heads: scores, order: heads.map(\.name),
                                      sentence: sentenceTotal > 0 ? Accuracy(correct: sentenceCorrect, total: sentenceTotal) : nil)
        report.loss = report.weightedLoss(heads)
        return report
    }

    /// Σ loss weight × evaluation loss over the heads that have one, as training sums its losses.
    func weightedLoss(_ heads: [TaskHead]) -> Double? {
        let terms = heads.compactMap { h in self.heads[h.name]?.loss.map { Double(h.lossWeight) * $0 } }
        return terms.isEmpty ? nil : terms.reduce(0, +)
    }

    /// One line, each head's main metric in percent, e.g.
    /// `intent acc 97.76 | slots F1 95.21 | sentence acc 86.90 | 893 examples`.
    public var summary: String {
        var parts = order.compactMap { name in heads[name]?.headline.map { "\(name) \($0)" } }
        if let sentence { parts.append("sentence acc \(Percent.text(sentence.value))") }
        if examples > 0 { parts.append("\(examples) examples") }
        return parts.isEmpty ? "no evaluation data" : parts.joined(separator: " | ")
    }
}

/// A fraction printed in percent with two decimals, rounded half up on hundredths.
enum Percent {
    static func text(_ fraction: Double) -> String {
        let hundredths = Int((fraction * 10000).rounded())
        let fractional = hundredths % 100
        return "\(hundredths / 100).\(fractional < 10 ? "0" : "")\(fractional)"
    }
}
