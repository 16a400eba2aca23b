import Foundation
import MTSTCompiler

/// Evaluation after each epoch: every head on the examples its sources route to it, the
/// prediction lines, and embedding retention.
extension Trainer {
    /// The dataset name `predictions.jsonl` gives a data source: its `name:`, else its file's
    /// name without the extension.
    public static func datasetName(_ source: DataSourceRef) -> String {
        source.datasetName
    }

    /// The heads an example's labels go to, from the source it was read from (`EncodedExample.task`).
    func route(_ e: EncodedExample, _ sources: [DataSourceRef]) -> Route {
        guard e.task < sources.count else { return Route(label: nil, tags: nil) }
        let s = sources[e.task]
        let r = TrainingData.routing(labelHead: s.labelHead, tagHead: s.tagHead, heads: model.plan.model.taskHeads)
        return Route(label: r.label, tags: r.tags)
    }

    /// Scores every head on its own evaluation data; pairs are scored by retrieval per
    /// contrastive head and get no prediction line. `sources` are the examples' data sources.
    public func evaluate(_ all: [(Example, EncodedExample)], sources: [DataSourceRef]? = nil) throws -> (EvaluationReport, [Prediction]) {
        let sources = sources ?? model.plan.data?.eval ?? []
        let heads = model.plan.model.taskHeads
        let examples = all.filter { $0.0.pair == nil }
        var predictions: [Prediction] = []
        var losses: [String: Double] = [:]
        if !examples.isEmpty {
            // Sharded over the ranks under mpirun; the whole set in one process.
            (predictions, losses) = try parallel.predictWithLosses(model, examples.map(\.1),
                                                                   texts: examples.map { $0.0.words.joined(separator: " ") })
        }
        var report = EvaluationReport.evaluate(heads: heads, gold: examples.map(\.0), routes: examples.map { route($0.1, sources) },
                                               predictions: predictions, losses: losses)
        for (h, head) in heads.enumerated() where head.kind == .contrastive {
            let pairs = all.filter { $0.1.pairHead == h }.compactMap(\.0.pair)
            guard !pairs.isEmpty else { continue }
            let embeddings = try model.embed(pairs.map(\.anchor) + pairs.map(\.positive))
            var s = HeadScores(kind: .contrastive)
            s.examples = pairs.count
            s.pairs = PairRetrieval.accuracyAt1(anchors: Array(embeddings[..<pairs.count]), positives: Array(embeddings[pairs.count...]))
            report.heads[head.name] = s
        }
        return (report, predictions)
    }

    /// `predictions.jsonl`: per evaluated sentence its dataset, words, and for each head it has
    /// labels for the gold label (or tags, one per word) beside the prediction.
    func predictionLines(_ examples: [(Example, EncodedExample)], _ predictions: [Prediction], sources: [DataSourceRef]) throws -> [UInt8] {
        var out = ""
        for ((e, encoded), p) in zip(examples, predictions) {
            let r = route(encoded, sources)
            var heads: [String: Any] = [:]
            if let h = r.label, let gold = e.label { heads[h] = ["gold": gold, "pred": p.labels[h] ?? ""] }
            if let h = r.tags, let gold = e.tags {
                let pred = p.tags[h] ?? []
                heads[h] = ["gold": gold, "pred": gold.indices.map { $0 < pred.count ? pred[$0] : "O" }]
            }
            let dataset = encoded.task < sources.count ? Self.datasetName(sources[encoded.task]) : ""
            let obj: [String: Any] = ["dataset": dataset, "words": e.words, "heads": heads]
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])
            out += String(decoding: data, as: UTF8.self) + "\n"
        }
        return Array(out.utf8)
    }

    /// The sentences retention is measured on: the first `Retention.maxSentences` evaluation
    /// sentences (a pair gives its anchor), else the first training sentences.
    static func retentionSentences(eval: [(Example, EncodedExample)], train: [(Example, EncodedExample)]) -> [String] {
        let source = eval.isEmpty ? train : eval
        return source.prefix(Retention.maxSentences).map { $0.0.pair?.anchor ?? $0.0.words.joined(separator: " ") }
    }
}
