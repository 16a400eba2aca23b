import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// The optimizer is a part: the spec picks the method, the plan carries it, the parameter store
/// allocates its state, and the runtime drives it. SGD with momentum proves the seam end to end.
struct OptimizerSeamTests {
    static let tinyPath = EmbeddingParityTests.root.appendingPathComponent("Graphs/tiny.yaml").path

    /// Graphs/tiny.yaml with `old` replaced by `new`, compiled as if it were the shipped file.
    static func plan(replacing old: String, with new: String) throws -> Plan {
        let yaml = try String(contentsOfFile: tinyPath, encoding: .utf8)
        #expect(yaml.contains(old))
        let spec = try Spec.parse(yaml: yaml.replacingOccurrences(of: old, with: new), path: tinyPath)
        return try CompileDriver.compile(spec: spec)
    }

    static let sgd = """
    optimizer:
      type: sgd
      momentum: 0.9
      lr: 0.05
      schedule:
    """

    static let adamw = """
    optimizer:
      type: adamw
      lr: 1e-3
      betas: [0.9, 0.999]
      eps: 1e-8
      weight_decay: 0.01
      schedule:
    """

    @Test func sgdStepsOnAFixedBatchLowerTheLoss() throws {
        let plan = try Self.plan(replacing: Self.adamw, with: Self.sgd)
        #expect(plan.optimizer.method == .sgd(momentum: 0.9))
        #expect(plan.update?.graph.count(of: .sgd) == plan.params.filter { $0.sliceOf == nil && $0.trains }.count)
        #expect(plan.update?.graph.count(of: .adamw) == 0)
        let model = try Model(plan: try PlanCodec.decode(try PlanCodec.encode(plan), path: "sgd.plan"))
        #expect(model.store.stateNames == ["velocity"])
        let batch = try LossDecreasesTests.fixedBatch(model)
        let training = try #require(model.training)
        var losses: [Double] = []
        for step in 1...40 {
            try training.feed(batch, heads: model.plan.model.taskHeads)
            training.run(seed: UInt64(step))
            losses.append(Double(try training.output("loss")[0]))
            try model.optimizer.step(lrFactor: 1, epoch: 0)
        }
        let first = try #require(losses.first), last = losses.suffix(5).reduce(0, +) / 5
        #expect(last < first / 3, "loss went from \(first) to \(last)")
    }

    /// A head weighted 0 is outside the loss: no gradient reaches it, it gets no update node, and
    /// its weights do not move (AdamW's weight decay would otherwise shrink them every step).
    @Test func aHeadOutsideTheLossTakesNoStep() throws {
        let plan = try Self.plan(replacing: "  slots: 1.0\noptimizer:", with: "  slots: 0\noptimizer:")
        let update = try #require(plan.update)
        let updated = Set(update.graph.nodes.filter { $0.kind == .adamw }.compactMap { plan.params[$0.attrs.param!].path })
        #expect(!updated.contains("heads.slots.weight") && !updated.contains("heads.slots.bias"))
        #expect(updated.contains("heads.intent.weight"))
        #expect(try #require(plan.training).graph.outputs["loss.slots"] != nil, "the head's loss is still reported")
        let model = try Model(plan: plan)
        let slots = try #require(plan.params.firstIndex { $0.path == "heads.slots.weight" })
        let intent = try #require(plan.params.firstIndex { $0.path == "heads.intent.weight" })
        let before = (model.store.values(of: slots), model.store.values(of: intent))
        let batch = try LossDecreasesTests.fixedBatch(model)
        let training = try #require(model.training)
        for step in 1...3 {
            try training.feed(batch, heads: model.plan.model.taskHeads)
            training.run(seed: UInt64(step))
            try model.optimizer.step(lrFactor: 1, epoch: 0)
        }
        #expect(model.store.values(of: slots) == before.0)
        #expect(model.store.values(of: intent) != before.1)
        #expect(model.optimizer.updateCounts[slots] == 0 && model.optimizer.updateCounts[intent] == 3)
    }
}
