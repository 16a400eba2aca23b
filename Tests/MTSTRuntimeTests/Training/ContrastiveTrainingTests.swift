import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Graphs/tiny-contrastive.yaml: an intent head on ATIS-format sentences and a contrastive head
/// on JSONL pairs, trained jointly by the real trainer.
@Suite(.serialized) struct ContrastiveTrainingTests {
    static func plan() throws -> Plan {
        try CompileDriver.compile(specPath: EmbeddingParityTests.root.appendingPathComponent("Graphs/tiny-contrastive.yaml").path)
    }

    static func trainer(_ dir: URL) throws -> Trainer {
        let trainer = try Trainer(model: try Model(plan: try plan()), outDir: dir.path,
                                  progress: ProgressReporter(isTerminal: false, enabled: false))
        trainer.log = { _ in }
        return trainer
    }

    /// The pairs of the training data, as the trainer loads them.
    static func pairBatch(_ model: Model) throws -> [EncodedExample] {
        let trainer = try Trainer(model: model, outDir: "/nonexistent")
        let examples = try trainer.load(try #require(model.plan.data).train).map(\.1).filter { $0.positive != nil }
        return Array(examples.prefix(model.plan.trainingLoop.batchSize / 2))
    }

    static func pairLosses(lrFactor: Double) throws -> [Double] {
        let model = try Model(plan: try plan())
        let batch = try pairBatch(model)
        #expect(batch.count == 2 && batch.allSatisfy { $0.pairHead == 1 })
        let training = try #require(model.training)
        var losses: [Double] = []
        for step in 1...40 {
            try training.feed(batch, heads: model.plan.model.taskHeads)
            training.run(seed: UInt64(step))
            #expect(try training.output("loss.intent")[0] == 0, "a pairs batch carries no intent labels")
            losses.append(Double(try training.output("loss")[0]))
            try model.optimizer.step(lrFactor: lrFactor, epoch: 0)
        }
        return losses
    }

    @Test func updatesOnAPairsBatchLowerItsLoss() throws {
        let trained = try Self.pairLosses(lrFactor: 10), control = try Self.pairLosses(lrFactor: 0)
        let first = try #require(trained.first)
        #expect(first > 0.1, "two pairs of a random model should be hard to tell apart: \(first)")
        #expect(trained.suffix(5).reduce(0, +) / 5 < first / 3, "loss went from \(first) to \(trained.suffix(5))")
        // The control: the same steps with lr 0 (dropout still varies per step, which with two
        // pairs moves the loss a lot, so compare means rather than the first step).
        let mean = control.reduce(0, +) / Double(control.count)
        #expect(control.suffix(5).reduce(0, +) / 5 > mean / 2, "without updates: \(control.suffix(5)), mean \(mean)")
        #expect(trained.suffix(5).reduce(0, +) / 5 < mean / 3)
    }

    @Test func jointRunReportsPairRetrievalAndResumesExactly() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reference = dir.appendingPathComponent("reference"), stopped = dir.appendingPathComponent("stopped")
        #expect(try Self.trainer(reference).run(epochs: 2) == .finished)
        let rows = try TrainerResumeTests.withoutTimings(reference)
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { row in
            let heads = row["heads"] as? [String: [String: Any]]
            return heads?["paraphrase"]?["pair_acc"] is Double && heads?["paraphrase"]?["loss"] is Double
                && heads?["intent"]?["accuracy"] is Double && heads?["intent"]?["macro_f1"] is Double
        })
        // 16 sentences in batches of 4, 10 pairs in batches of 2: 9 steps an epoch; stop mid-epoch 2.
        let first = try Self.trainer(stopped)
        var polls = 0
        first.shouldStop = {
            polls += 1
            return polls == 12
        }
        guard case .interrupted = try first.run(epochs: 2) else {
            Issue.record("the run did not stop")
            return
        }
        #expect(try Self.trainer(stopped).run(resume: stopped.path) == .finished)
        try TrainerResumeTests.expectSame(reference, stopped)
        let predictions = try String(contentsOf: reference.appendingPathComponent("predictions.jsonl"), encoding: .utf8)
        #expect(predictions.split(separator: "\n").count == 6, "one line per evaluation sentence, none for the pairs")
    }
}
