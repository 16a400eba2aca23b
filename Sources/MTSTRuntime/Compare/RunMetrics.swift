import Foundation
import MTSTCompiler

/// A run's `metrics.jsonl` as `compare` reads it: the output contract (`heads`,
/// `retention`, `lr`, `train_seconds`, `peak_rss_mb`), tolerant of every key being absent, so a
/// run without retention or per-head losses still charts. Rows of the older flat form
/// (`intent_acc`, `slot_f1`, `pair_acc`, `sentence_acc`) are read as the metrics of the plan's first
/// classification, first tagging and first contrastive head.
public struct RunMetrics: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var epoch: Int
        public var loss: Double?
        /// Head name → metric name → value (numbers only; `per_type` tables are not charted).
        public var heads: [String: [String: Double]] = [:]
        public var spearman: Double?
        public var meanCosine: Double?
        public var sentenceAccuracy: Double?
        public var trainSeconds: Double?
        public var peakRSSMB: Double?
        public var lr: [String: Double] = [:]
    }

    public var rows: [Row]

    /// Where the flat keys of older metrics rows belong.
    public struct LegacyHeads: Sendable {
        public var classification: String?
        public var tagging: String?
        public var contrastive: String?
        public init(classification: String? = nil, tagging: String? = nil, contrastive: String? = nil) {
            self.classification = classification
            self.tagging = tagging
            self.contrastive = contrastive
        }

        public init(_ heads: [TaskHead]) {
            classification = heads.first { $0.kind == .classification }?.name
            tagging = heads.first { $0.kind == .tagging }?.name
            contrastive = heads.first { $0.kind == .contrastive }?.name
        }
    }

    public static func read(path: String, legacy: LegacyHeads = LegacyHeads()) throws -> RunMetrics {
        let data: Data
        do { data = try InputFile.read(path, limit: 64 << 20, what: "metrics file") } catch { throw CompareError.unreadable(path, error.reason) }
        return try parse(String(decoding: data, as: UTF8.self), file: path, legacy: legacy)
    }

    public static func parse(_ text: String, file: String, legacy: LegacyHeads = LegacyHeads()) throws -> RunMetrics {
        var rows: [Row] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw CompareError.metrics(file: file, line: i + 1, "not a JSON object")
            }
            guard let epoch = number(object["epoch"]).flatMap({ $0.isFinite ? Int(exactly: $0) : nil }) else {
                throw CompareError.metrics(file: file, line: i + 1, "no integer \"epoch\"")
            }
            var row = Row(epoch: epoch)
            row.loss = number(object["loss"])
            for (head, value) in object["heads"] as? [String: Any] ?? [:] {
                row.heads[head] = numbers(value as? [String: Any] ?? [:])
            }
            if let r = object["retention"] as? [String: Any] {
                row.spearman = number(r["spearman"])
                row.meanCosine = number(r["mean_cosine"])
            }
            row.lr = numbers(object["lr"] as? [String: Any] ?? [:])
            row.trainSeconds = number(object["train_seconds"])
            row.peakRSSMB = number(object["peak_rss_mb"])
            row.sentenceAccuracy = number(object["sentence_accuracy"]) ?? number(object["sentence_acc"])
            if let h = legacy.classification, row.heads[h]?["accuracy"] == nil, let v = number(object["intent_acc"]) {
                row.heads[h, default: [:]]["accuracy"] = v
            }
            if let h = legacy.tagging, row.heads[h]?["f1"] == nil, let v = number(object["slot_f1"]) {
                row.heads[h, default: [:]]["f1"] = v
            }
            if let h = legacy.contrastive, row.heads[h]?["pair_acc"] == nil, let v = number(object["pair_acc"]) {
                row.heads[h, default: [:]]["pair_acc"] = v
            }
            rows.append(row)
        }
        return RunMetrics(rows: rows.sorted { $0.epoch < $1.epoch })
    }

    /// JSON numbers (and `null` as absent). JSON has no NaN, but a writer may spell it as a string.
    static func number(_ value: Any?) -> Double? {
        switch value {
        // JSON's true/false arrive as NSNumbers too; their type code is "c".
        case let n as NSNumber where String(cString: n.objCType) != "c": return n.doubleValue
        case let s as String: return ["nan", "NaN"].contains(s) ? .nan : nil
        default: return nil
        }
    }

    static func numbers(_ object: [String: Any]) -> [String: Double] {
        object.compactMapValues { number($0) }
    }

    public var last: Row? { rows.last }

    /// Cumulative training seconds at the end of each row's epoch (missing times count as 0).
    public var cumulativeSeconds: [Double] {
        var total = 0.0
        return rows.map { total += $0.trainSeconds ?? 0; return total }
    }
}
