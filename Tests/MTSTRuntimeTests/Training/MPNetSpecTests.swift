import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Graphs/tiny-mpnet.yaml end to end: the MPNet architecture from the spec, its special tokens
/// in the plan, the same freezing, layer-wise decay and gradual unfreezing paths as BERT, and a
/// short training run that moves exactly the parameters it should.
@Suite(.serialized) struct MPNetSpecTests {
    static func plan() throws -> Plan {
        try CompileDriver.compile(specPath: EmbeddingParityTests.root.appendingPathComponent("Graphs/tiny-mpnet.yaml").path)
    }

    @Test func compilesWithMPNetsShapesTokensAndRules() throws {
        let plan = try Self.plan()
        #expect(plan.model.architecture == "mpnet" && plan.model.positionOffset == 2)
        #expect(plan.model.typeVocabSize == 0)
        #expect(plan.tokenizer.specials == .mpnet)
        let byPath = Dictionary(uniqueKeysWithValues: plan.params.map { ($0.path, $0) })
        #expect(byPath["backbone.embeddings.token_type_embeddings.weight"] == nil)
        let table = try #require(byPath["backbone.embeddings.relative_attention_bias.weight"])
        #expect(table.shape == [32, 2] && table.checkpointName == "encoder.relative_attention_bias.weight")
        #expect(byPath["backbone.layers[1].attention.query.weight"]?.checkpointName == "encoder.layer.1.attention.attn.q.weight")
        #expect(byPath["backbone.layers[0].attention.norm.bias"]?.checkpointName == "encoder.layer.0.attention.LayerNorm.bias")
        // backbone.embeddings.* frozen: the relative bias table with them; layer 0 joins at epoch 1.
        #expect(table.setting.frozen && byPath["backbone.embeddings.position_embeddings.weight"]?.setting.frozen == true)
        #expect(byPath["backbone.layers[0].ffn.output.weight"]?.setting.trainFromEpoch == 1)
        #expect(byPath["backbone.layers[1].ffn.output.weight"]?.setting.trainFromEpoch == 0)
        // Layer-wise decay: base 1e-3 · 0.9^(L − i), L = 2.
        #expect(abs((byPath["backbone.layers[1].ffn.output.weight"]?.setting.lr ?? 0) - 1e-3 * 0.9) < 1e-12)
        #expect(abs((byPath["backbone.layers[0].ffn.output.weight"]?.setting.lr ?? 0) - 1e-3 * 0.81) < 1e-12)
        #expect(plan.inference.graph.nodes.contains { $0.kind == .attentionProbs && $0.inputs.count == 4 && $0.attrs.attention?.relativeMaxDistance == 128 })
        #expect(!plan.inference.graph.nodes.contains { $0.kind == .input && $0.attrs.inputKind == .tokenTypes })
        // Frozen table: no gradient is built for it.
        #expect(try #require(plan.training).graph.count(of: .relativeBiasGrad) == 0)

        let model = try Model(plan: plan)
        #expect(model.encode("show flights from boston").first == 0)  // <s>
        #expect(model.encode("show flights from boston").last == 2)   // </s>
    }

    @Test func trainsWhatTheRulesLetTrain() throws {
        let plan = try Self.plan()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-mpnet-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try Model(plan: plan)
        let before = plan.params.indices.map { model.store.values(of: $0) }
        let trainer = try Trainer(model: model, outDir: dir.path, progress: ProgressReporter(isTerminal: false, enabled: false))
        trainer.log = { _ in }
        #expect(try trainer.run(epochs: 1) == .finished)
        for (i, p) in plan.params.enumerated() where p.sliceOf == nil {
            let moved = model.store.values(of: i) != before[i]
            let shouldMove = !p.setting.frozen && p.setting.trainFromEpoch == 0
            #expect(moved == shouldMove, "\(p.path): moved \(moved), expected \(shouldMove)")
        }
    }

    /// With the table trainable, the training graph differentiates it.
    @Test func relativeBiasTableTrainsWhenNotFrozen() throws {
        var model = try Self.plan().model
        model.hiddenDropout = 0
        var graph = try Lowering.lower(model, mode: .training, maxBatch: 2, maxSeq: 8)
        _ = try Pipeline.run(&graph, mode: .training)
        #expect(graph.count(of: .relativeBiasGrad) == 2, "one per layer, summed into the shared table")
    }
}
