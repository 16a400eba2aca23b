import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// The CRF head end to end on the tiny spec: compile, the plan it writes, training, Viterbi
/// decoding in `predict`, and the optimizer rules applied to the CRF's scores.
struct CRFHeadTests {
    /// Graphs/tiny.yaml with `crf: true` on the slot head, plus `extra` appended to the optimizer.
    static func plan(rules: String = "") throws -> Plan {
        let root = EmbeddingParityTests.root
        var yaml = try String(contentsOf: root.appendingPathComponent("Graphs/tiny.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "    labels: [O, B-x, I-x, B-y, I-y]", with: "    labels: [O, B-x, I-x, B-y, I-y]\n    crf: true")
        if !rules.isEmpty {
            yaml = yaml.replacingOccurrences(of: "    decay: linear\n", with: "    decay: linear\n  rules:\n\(rules)")
        }
        // Relative paths resolve beside Graphs/tiny.yaml.
        let spec = try Spec.parse(yaml: yaml, path: root.appendingPathComponent("Graphs/tiny-crf.yaml").path)
        #expect(spec.heads.map(\.crf) == [false, true])
        return try CompileDriver.compile(spec: spec)
    }

    static func param(_ plan: Plan, _ path: String) throws -> ParamEntry {
        try #require(plan.params.first { $0.path == path }, "no parameter \(path)")
    }

    @Test func compilesWithTheCRFLossAndItsScores() throws {
        let plan = try Self.plan()
        #expect(plan.model.taskHeads.map(\.crf) == [false, true])
        #expect(try Self.param(plan, "heads.slots.crf.transitions").shape == [5, 5])
        #expect(try Self.param(plan, "heads.slots.crf.start").shape == [5])
        #expect(try Self.param(plan, "heads.slots.crf.end").shape == [5])
        let training = try #require(plan.training).graph
        #expect(training.count(of: .crf) == 1 && training.count(of: .crossEntropy) == 1)  // slots CRF, intent softmax
        for kind in [OpKind.crfEmissionsGrad, .crfTransitionsGrad, .crfStartGrad, .crfEndGrad] {
            #expect(training.count(of: kind) == 1, "\(kind)")
        }
        #expect(plan.inference.graph.count(of: .crf) == 0)
        let decoded = try PlanCodec.decode(try PlanCodec.encode(plan), path: "crf.plan")
        #expect(decoded.model == plan.model)
    }

    /// A rule freezing the CRF's scores removes their gradients and optimizer steps but keeps the
    /// emission gradient; an lr rule reaches their AdamW nodes.
    @Test func optimizerRulesApplyToTheCRFScores() throws {
        let frozen = try Self.plan(rules: "    - params: heads.slots.crf.*\n      frozen: true\n")
        for name in ["transitions", "start", "end"] {
            #expect(try Self.param(frozen, "heads.slots.crf.\(name)").setting.frozen)
        }
        let graph = try #require(frozen.training).graph
        #expect(graph.count(of: .crfEmissionsGrad) == 1)
        #expect(graph.count(of: .crfTransitionsGrad) + graph.count(of: .crfStartGrad) + graph.count(of: .crfEndGrad) == 0)
        let trainable = frozen.params.filter { $0.sliceOf == nil && $0.trains }.count
        #expect(frozen.update?.graph.count(of: .adamw) == trainable)
        #expect(frozen.params.filter { $0.path.hasPrefix("heads.slots.crf.") && $0.trains }.isEmpty)

        let faster = try Self.plan(rules: "    - params: heads.slots.crf.*\n      lr: 5e-2\n      weight_decay: 0.0\n")
        for name in ["transitions", "start", "end"] {
            let p = try Self.param(faster, "heads.slots.crf.\(name)")
            #expect(p.setting.lr == 5e-2 && p.setting.weightDecay == 0 && p.trains)
        }
        let adamw = try #require(faster.update).graph.nodes.filter { $0.kind == .adamw }
        let crfIndices = Set(faster.params.indices.filter { faster.params[$0].path.hasPrefix("heads.slots.crf.") })
        let crfSteps = adamw.filter { crfIndices.contains($0.attrs.param ?? -1) }
        // The lr reaches the step through the parameter's setting, which the runtime writes into the step input.
        #expect(crfSteps.count == 3)
    }

    @Test func trainingLowersTheCRFLoss() throws {
        let model = try Model(plan: try Self.plan())
        let batch = try LossDecreasesTests.fixedBatch(model)
        let training = try #require(model.training)
        var losses: [Float] = []
        for step in 1...30 {
            try training.feed(batch, heads: model.plan.model.taskHeads)
            training.run(seed: UInt64(step))
            losses.append(try training.output("loss.slots")[0])
            try model.optimizer.step(lrFactor: 10, epoch: 0)
        }
        let first = try #require(losses.first), last = losses.suffix(5).reduce(0, +) / 5
        #expect(first > 1 && last < first / 3, "CRF loss went from \(first) to \(last)")
        let transitions = try #require(model.store.params.firstIndex { $0.path == "heads.slots.crf.transitions" })
        #expect(model.store.values(of: transitions).contains { $0 != 0 }, "the transition scores never moved")
    }

    /// Predictions are Viterbi paths over the CRF's scores: with every step into a non-O tag
    /// forbidden, every word is O although the emissions alone (a large B-x bias) say B-x.
    @Test func predictDecodesWithViterbi() throws {
        let model = try Model(plan: try Self.plan())
        let store = model.store
        func values(_ path: String) throws -> UnsafeMutablePointer<Float> {
            store.pointer(try #require(store.params.firstIndex { $0.path == path }))
        }
        try values("heads.slots.bias")[1] = 50
        let words = ["show", "flights", "from", "boston", "to", "denver"]
        let example = Example(words: words, source: SourceLocation(file: "t", line: 1))
        let encoder = ExampleEncoder(heads: model.plan.model.taskHeads, tokenizer: model.tokenizer, maxLength: 32)
        let encoded = encoder.encode(example, route: (nil, nil))
        #expect(try model.predict([encoded])[0].tags["slots"] == Array(repeating: "B-x", count: words.count))

        let t = try values("heads.slots.crf.transitions"), start = try values("heads.slots.crf.start")
        for j in 1..<5 {
            start[j] = -1e4
            for i in 0..<5 { t[i * 5 + j] = -1e4 }
        }
        #expect(try model.predict([encoded])[0].tags["slots"] == Array(repeating: "O", count: words.count))
    }
}
