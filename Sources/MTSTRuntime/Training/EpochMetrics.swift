import Foundation

/// One line of `metrics.jsonl`. The first group of fields is the result of the epoch: the same,
/// byte for byte, however often the run was killed and resumed. The `timingKeys` group is
/// wall-clock time and memory, which no two runs share. Both stay in one flat object, the form the
/// PyTorch reference script writes and `Scripts/bench.py` reads.
public struct EpochMetrics: Codable, Sendable {
    public var epoch: Int
    public var loss: Double
    public var intent_acc: Double?
    public var slot_f1: Double?
    public var sentence_acc: Double
    /// Retrieval accuracy@1 on the evaluation pairs, in percent (contrastive heads).
    public var pair_acc: Double?

    public var train_seconds: Double
    public var sentences_per_second: Double
    public var peak_rss_mb: Double
    public var eval_seconds: Double

    public static let timingKeys: Set<String> = ["train_seconds", "sentences_per_second", "peak_rss_mb", "eval_seconds"]

    /// The JSON line, keys sorted.
    func line() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
