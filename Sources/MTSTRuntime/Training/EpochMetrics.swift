import Foundation

/// One line of `metrics.jsonl` (the output contract of Docs/SPEC.md, "Run outputs"). All keys but
/// `timingKeys` are the result of the epoch: the same, byte for byte, however often the run was
/// killed and resumed. The `timingKeys` are wall-clock time and memory, which no two runs share.
public struct EpochMetrics: Codable, Sendable {
    /// Scores in percent.
    public struct TypeScores: Codable, Sendable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Gold chunks of the type.
        public var support: Int
    }

    /// One head: its training loss over the epoch's batches that carry its labels, its
    /// evaluation loss, and its metrics (percent) on its own evaluation data.
    public struct Head: Codable, Sendable, Equatable {
        public var loss: Double?
        public var eval_loss: Double?
        public var examples: Int?
        public var accuracy: Double?
        public var macro_f1: Double?
        public var f1: Double?
        public var precision: Double?
        public var recall: Double?
        public var per_type: [String: TypeScores]?
        /// Contrastive heads: retrieval accuracy@1 of the evaluation pairs.
        public var pair_acc: Double?
    }

    public var epoch: Int
    /// Mean total (loss-weighted) training loss over the epoch's batches.
    public var loss: Double
    public var heads: [String: Head]
    /// Σ loss weight × head evaluation loss.
    public var eval_loss: Double?
    /// Over evaluation examples labelled for ≥ 2 heads (every one right), in percent.
    public var sentence_acc: Double?
    public var retention: Retention?
    /// Optimizer group → lr at the epoch's last update.
    public var lr: [String: Double]
    /// Each micro-batch's total training loss, in order: the record a data-parallel run is
    /// checked against the one-process run with (the global batch's loss under `mpirun`).
    public var step_losses: [Double]?

    public var train_seconds: Double
    public var sentences_per_second: Double
    public var peak_rss_mb: Double
    public var eval_seconds: Double

    public static let timingKeys: Set<String> = ["train_seconds", "sentences_per_second", "peak_rss_mb", "eval_seconds"]

    /// The JSON line, keys sorted at every level.
    func line() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The per-head part of a row: training losses (`trainLoss`) beside the evaluation scores.
    static func heads(_ report: EvaluationReport, trainLoss: [String: Double]) -> [String: Head] {
        var result: [String: Head] = [:]
        for name in report.order {
            let s = report.heads[name]
            guard s != nil || trainLoss[name] != nil else { continue }
            var h = Head(loss: trainLoss[name], eval_loss: s?.loss, examples: s?.examples)
            if let a = s?.accuracy { h.accuracy = a.value * 100 }
            h.macro_f1 = s?.macroF1.map { $0 * 100 }
            if let t = s?.tags {
                h.f1 = t.f1 * 100
                h.precision = t.precision * 100
                h.recall = t.recall * 100
                h.per_type = t.byType.mapValues {
                    TypeScores(precision: $0.precision * 100, recall: $0.recall * 100, f1: $0.f1 * 100, support: $0.gold)
                }
            }
            h.pair_acc = s?.pairs.map { $0.value * 100 }
            result[name] = h
        }
        return result
    }
}
