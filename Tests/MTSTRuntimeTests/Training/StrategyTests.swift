import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Every shipped strategy compiles against the real model, freezes what it says, and trains.
@Suite(.serialized) struct StrategyTests {
    static let root = EmbeddingParityTests.root

    static func compile(_ spec: String) throws -> Plan {
        var options = CompileDriver.Options()
        options.checksums = false  // hashing 90 MB per spec adds nothing to what these tests check
        return try CompileDriver.compile(specPath: root.appendingPathComponent(spec).path, options: options)
    }

    static func trains(_ plan: Plan, _ path: String) -> Bool {
        plan.params.contains { $0.path == path && !$0.setting.frozen && $0.sliceOf == nil }
            || plan.params.contains { $0.path == path && $0.sliceOf.map { !plan.params[$0].setting.frozen } == true }
    }

    @Test(.enabled(if: EmbeddingParityTests.assetsPresent, "Assets/ missing: run Scripts/fetch-assets.sh"))
    func strategiesFreezeWhatTheySay() throws {
        let full = try Self.compile("Graphs/multitask.yaml")
        let layered = try Self.compile("Graphs/strategies/layered.yaml")
        let frozen = try Self.compile("Graphs/strategies/backbone-frozen.yaml")
        let features = try Self.compile("Graphs/strategies/feature-extraction.yaml")
        let headFrozen = try Self.compile("Graphs/strategies/slot-head-frozen.yaml")
        let lw = try Self.compile("Graphs/strategies/layerwise-lr.yaml")

        // The backward graph shrinks as more of the network is frozen.
        #expect(full.stats.backwardOps > layered.stats.backwardOps)
        #expect(layered.stats.backwardOps > frozen.stats.backwardOps)
        #expect(full.stats.arenaBytesTrain > layered.stats.arenaBytesTrain)
        #expect(frozen.stats.trainableParams == features.stats.trainableParams)
        #expect(!Self.trains(frozen, "backbone.layers[5].ffn.output.weight") && Self.trains(frozen, "heads.slots.weight"))
        #expect(!Self.trains(headFrozen, "heads.slots.weight") && Self.trains(headFrozen, "heads.intent.weight"))
        #expect(Self.trains(headFrozen, "backbone.layers[0].attention.query.weight"))

        // Layered: lowest third frozen, middle third joins one layer per epoch from the top.
        let byPath = Dictionary(uniqueKeysWithValues: layered.params.map { ($0.path, $0) })
        #expect(byPath["backbone.layers[0].ffn.output.weight"]?.setting.frozen == true)
        #expect(byPath["backbone.layers[3].ffn.output.weight"]?.setting.trainFromEpoch == 1)
        #expect(byPath["backbone.layers[2].ffn.output.weight"]?.setting.trainFromEpoch == 2)
        #expect(byPath["backbone.layers[5].ffn.output.weight"]?.setting.trainFromEpoch == 0)
        // One training program per phase; before a layer unfreezes, its backward pass is not built.
        let phases = try #require(layered.stats.phases)
        #expect(phases.map(\.fromEpoch) == [0, 1, 2])
        #expect(phases[0].backwardOps < phases[1].backwardOps && phases[1].backwardOps < phases[2].backwardOps)
        #expect(phases[2].backwardOps == layered.stats.backwardOps && phases[0].arenaBytesTrain < phases[2].arenaBytesTrain)
        #expect(full.stats.phases == nil && frozen.stats.phases == nil)

        // Layer-wise decay: base 5e-5, 0.95 per layer downward, heads at the base rate.
        let lr = Dictionary(uniqueKeysWithValues: lw.params.map { ($0.path, $0.setting.lr) })
        #expect(abs(lr["heads.intent.weight"]! - 5e-5) < 1e-12)
        #expect(abs(lr["backbone.layers[5].attention.output.weight"]! - 5e-5 * 0.95) < 1e-12)
        #expect(abs(lr["backbone.layers[0].attention.output.weight"]! - 5e-5 * pow(0.95, 6)) < 1e-12)
        #expect(abs(lr["backbone.embeddings.word_embeddings.weight"]! - 5e-5 * pow(0.95, 7)) < 1e-12)
    }

    /// bert-base-uncased shapes with random weights: every layer fused, and it embeds.
    @Test(.enabled(if: EmbeddingParityTests.assetsPresent, "Assets/ missing: run Scripts/fetch-assets.sh"))
    func bertBaseCompilesFusesAndEmbeds() throws {
        let plan = try Self.compile("Graphs/bert-base.yaml")
        #expect(plan.model.hidden == 768 && plan.model.layers == 12 && plan.weights == nil)
        #expect(plan.stats.fusions["qkv"] == 12)
        #expect(plan.stats.fusions["bias_gelu"] == 12)
        #expect(plan.stats.fusions["skip_layernorm"] == 24)
        #expect(plan.stats.trainableParams > 109_000_000)
        let model = try Model(plan: plan, verifyChecksums: false)
        let e = try model.embed(["A sentence.", "", "Another, longer sentence with more tokens in it."])
        #expect(e.count == 3 && e[0].count == 768)
        #expect(abs(e[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        // Beyond the norm: distinct sentences differ, and a sentence embeds the same alone as
        // beside longer ones (packed rows must not leak between sentences).
        #expect(zip(e[0], e[2]).reduce(0) { $0 + $1.0 * $1.1 } < 0.9999)
        let alone = try model.embed(["A sentence."])[0]
        #expect(zip(alone, e[0]).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test(.enabled(if: EmbeddingParityTests.assetsPresent, "Assets/ missing: run Scripts/fetch-assets.sh"),
          arguments: ["Graphs/strategies/layered.yaml", "Graphs/strategies/backbone-frozen.yaml", "Graphs/strategies/slot-head-frozen.yaml",
                     "Graphs/strategies/intent-head-frozen.yaml", "Graphs/strategies/two-stage.yaml"])
    func strategyTrainsAndLeavesFrozenWeightsAlone(spec: String) throws {
        let plan = try Self.compile(spec)
        let model = try Model(plan: plan, verifyChecksums: false)
        let before = plan.params.indices.map { model.store.values(of: $0) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-strategy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let trainer = try Trainer(model: model, outDir: dir.path, progress: ProgressReporter(isTerminal: false))
        trainer.log = { _ in }
        try trainer.run(epochs: 1, limit: 12)
        for (i, p) in plan.params.enumerated() where p.checkpointName != nil {
            let root = p.sliceOf ?? i
            let changed = model.store.values(of: i) != before[i]
            let trainsInEpoch0 = !plan.params[root].setting.frozen && plan.params[root].setting.trainFromEpoch == 0
            #expect(changed == trainsInEpoch0, "\(p.path): changed \(changed), expected \(trainsInEpoch0)")
        }
    }
}
