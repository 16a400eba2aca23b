import Foundation
import MTSTCompiler
import Testing
@testable import MTSTRuntime

/// A run with two tagging heads fed by two datasets (ATIS slots and a CoNLL "ner" file), as
/// `Trainer.run` writes it: per-head metrics on each head's own data, predictions per dataset,
/// `--limit` per source, and embedding retention.
@Suite(.serialized) struct MultiTaskRunTests {
    static let graphs = EmbeddingParityTests.root.appendingPathComponent("Graphs")

    /// The tiny ATIS sentences as CoNLL with their x/y cities as one entity type "loc".
    static func conll(_ atis: String) throws -> String {
        let text = try String(contentsOf: graphs.appendingPathComponent("tiny-data/\(atis)"), encoding: .utf8)
        return text.split(separator: "\n").map { line in
            line.split(separator: " ").prefix { $0 != "<=>" }.map { token in
                let parts = token.split(separator: ":")
                let tag = parts[1] == "O" ? "O" : parts[1].prefix(2) + "loc"
                return "\(parts[0])\t\(tag)"
            }.joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }

    static func spec(_ dir: URL, frozen: Bool = false, sampling: String = "round_robin") throws -> Plan {
        try conll("train.txt").write(to: dir.appendingPathComponent("ner-train.conll"), atomically: true, encoding: .utf8)
        try conll("test.txt").write(to: dir.appendingPathComponent("ner-test.conll"), atomically: true, encoding: .utf8)
        let g = graphs.path
        let yaml = """
        name: two-taggers
        backbone: {vocab_size: 65, hidden_size: 16, num_layers: 2, num_heads: 2, intermediate_size: 32,
                   max_position_embeddings: 64, type_vocab_size: 2, hidden_dropout: 0.1, attention_dropout: 0.1, init_seed: 0}
        tokenizer: {vocab: \(g)/tiny-vocab.txt, lowercase: true, max_length: 32}
        pooling: mean
        normalize: l2
        heads:
          intent: {type: classification, input: pooled, labels: [atis_flight, atis_airfare, atis_airline]}
          slots: {type: tagging, labels: [O, B-x, I-x, B-y, I-y]}
          ner: {type: tagging, labels: [O, B-loc, I-loc]}
        optimizer:
          type: adamw
          lr: 1e-3
          schedule: {warmup: 0.0, decay: linear}
        \(frozen ? "  rules: [{params: backbone.*, frozen: true}]" : "")
        training: {epochs: 2, batch_size: 4, seed: 42, task_sampling: \(sampling)}
        data:
          train:
            - {format: atis, path: \(g)/tiny-data/train.txt}
            - {format: conll, path: ner-train.conll, tag_head: ner}
          eval:
            - {format: atis, path: \(g)/tiny-data/test.txt}
            - {format: conll, path: ner-test.conll, tag_head: ner}
        compile: {max_batch: 4, max_seq: 16}
        """
        let path = dir.appendingPathComponent("two.yaml")
        try yaml.write(to: path, atomically: true, encoding: .utf8)
        return try CompileDriver.compile(specPath: path.path)
    }

    static func run(_ plan: Plan, _ out: URL, limit: Int? = nil) throws -> (metrics: [[String: Any]], predictions: [[String: Any]]) {
        let trainer = try Trainer(model: try Model(plan: plan), outDir: out.path, progress: ProgressReporter(isTerminal: false, enabled: false))
        trainer.log = { _ in }
        #expect(try trainer.run(limit: limit) == .finished)
        func rows(_ file: String) throws -> [[String: Any]] {
            try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
        return (try rows("metrics.jsonl"), try rows("predictions.jsonl"))
    }

    @Test func eachHeadIsScoredOnItsOwnDataset() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (metrics, predictions) = try Self.run(try Self.spec(dir), dir.appendingPathComponent("run"))
        #expect(metrics.count == 2)
        let heads = try #require(metrics[1]["heads"] as? [String: [String: Any]])
        #expect(heads.keys.sorted() == ["intent", "ner", "slots"])
        #expect(heads["intent"]?["examples"] as? Int == 6 && heads["slots"]?["examples"] as? Int == 6 && heads["ner"]?["examples"] as? Int == 6)
        for head in ["intent", "slots", "ner"] { #expect(heads[head]?["loss"] is Double && heads[head]?["eval_loss"] is Double) }
        #expect((heads["ner"]?["per_type"] as? [String: Any]).map { Set($0.keys).isSubset(of: ["loc"]) } == true)
        #expect(metrics[1]["sentence_acc"] is Double, "the ATIS sentences carry intent and slots")
        // An outside scoring of predictions.jsonl, dataset by dataset, reproduces each head's F1.
        #expect(predictions.count == 12)
        for (dataset, head) in [("test", "slots"), ("ner-test", "ner")] {
            let rows = predictions.filter { $0["dataset"] as? String == dataset }
            #expect(rows.count == 6)
            let scored = rows.compactMap { ($0["heads"] as? [String: [String: Any]])?[head] }
            #expect(scored.count == 6)
            let score = SlotF1.score(gold: scored.map { $0["gold"] as? [String] ?? [] }, predicted: scored.map { $0["pred"] as? [String] ?? [] })
            #expect(abs(score.f1 * 100 - (heads[head]?["f1"] as? Double ?? -1)) < 1e-9, "\(head)")
        }
        let ner = predictions.filter { $0["dataset"] as? String == "ner-test" }
        #expect(ner.allSatisfy { ($0["heads"] as? [String: Any])?.keys.sorted() == ["ner"] })
    }

    /// `limit` takes the first N of each source, so the second dataset keeps its share.
    @Test func limitAppliesToEachSource() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (metrics, predictions) = try Self.run(try Self.spec(dir, sampling: "proportional"), dir.appendingPathComponent("run"), limit: 3)
        #expect(predictions.filter { $0["dataset"] as? String == "test" }.count == 3)
        #expect(predictions.filter { $0["dataset"] as? String == "ner-test" }.count == 3)
        let heads = try #require(metrics[0]["heads"] as? [String: [String: Any]])
        #expect(heads["ner"]?["examples"] as? Int == 3 && heads["slots"]?["examples"] as? Int == 3)
    }

    /// With the backbone frozen the embedding never moves: retention is exactly 1, every epoch.
    @Test func frozenBackboneRetainsEverything() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (frozen, _) = try Self.run(try Self.spec(dir, frozen: true), dir.appendingPathComponent("frozen"))
        for row in frozen {
            let r = try #require(row["retention"] as? [String: Double])
            #expect(r["spearman"] == 1 && r["mean_cosine"] == 1)
            #expect((row["lr"] as? [String: Double])?.keys.contains { $0.hasPrefix("backbone") } == false)
        }
        let (trained, _) = try Self.run(try Self.spec(dir), dir.appendingPathComponent("trained"))
        let r = try #require(trained.last?["retention"] as? [String: Double])
        #expect((r["mean_cosine"] ?? 1) < 1, "full fine-tuning moves the embedding")
    }
}
