import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Training works at all: AdamW steps on one fixed batch drive its loss well down. Broken
/// gradients, a broken update or an update that never reaches the weights fail this.
struct LossDecreasesTests {
    /// The first micro-batch of the tiny spec's training data, as the trainer feeds it.
    static func fixedBatch(_ model: Model) throws -> [EncodedExample] {
        let trainer = try Trainer(model: model, outDir: "/nonexistent")
        let data = try #require(model.plan.data)
        return try trainer.load(data.train).prefix(model.plan.trainingLoop.batchSize).map(\.1)
    }

    /// The loss of each of `steps` updates with the lr scaled by `lrFactor`.
    static func losses(steps: Int, lrFactor: Double) throws -> [Double] {
        let model = try Model(plan: try PlanRoundTripTests.tinyPlan())
        let batch = try fixedBatch(model)
        let training = try #require(model.training)
        var losses: [Double] = []
        for step in 1...steps {
            try training.feed(batch, heads: model.plan.model.taskHeads)
            training.run(seed: UInt64(step))
            losses.append(Double(try training.output("loss")[0]))
            try model.optimizer.step(lrFactor: lrFactor, epoch: 0)
        }
        return losses
    }

    @Test func adamwStepsOnAFixedBatchLowerTheLoss() throws {
        let losses = try Self.losses(steps: 40, lrFactor: 10)
        let first = try #require(losses.first), last = losses.suffix(5).reduce(0, +) / 5
        #expect(first > 1, "an untrained model should be unsure: \(first)")
        #expect(last < first / 3, "loss went from \(first) to \(last)")
    }

    @Test func withoutUpdatesTheLossStaysPut() throws {
        // The control: the same steps with lr 0 (dropout still varies per step).
        let losses = try Self.losses(steps: 40, lrFactor: 0)
        let first = try #require(losses.first), last = losses.suffix(5).reduce(0, +) / 5
        #expect(abs(last - first) < first * 0.15, "loss went from \(first) to \(last) without learning")
    }
}
