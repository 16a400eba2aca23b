import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Freezing, layer-wise decay and gradual unfreezing read mtstc paths, which every backbone
/// shares: Graphs/tiny-distilbert.yaml gets the settings the same spec gets on BERT, and its
/// frozen parameters get no gradient.
struct DistilBERTStrategyTests {
    static let specPath = EmbeddingParityTests.root.appendingPathComponent("Graphs/tiny-distilbert.yaml").path

    static func compile(_ yaml: String) throws -> Plan {
        var options = CompileDriver.Options()
        options.checksums = false
        return try CompileDriver.compile(spec: try Spec.parse(yaml: yaml, path: specPath), options: options)
    }

    @Test func rulesLandAsOnBert() throws {
        let yaml = try String(contentsOfFile: Self.specPath, encoding: .utf8)
        let distil = try Self.compile(yaml)
        let bert = try Self.compile(yaml.replacingOccurrences(of: "architecture: distilbert", with: "architecture: bert"))
        #expect(distil.model.architecture == "distilbert" && bert.model.architecture == "bert")

        let byPath = Dictionary(uniqueKeysWithValues: distil.params.map { ($0.path, $0) })
        #expect(byPath["backbone.embeddings.word_embeddings.weight"]?.frozen == true)
        #expect(byPath["backbone.embeddings.norm.weight"]?.frozen == true)
        #expect(byPath["backbone.layers[1].ffn.output.weight"]?.trainFromEpoch == 1)
        #expect(byPath["backbone.layers[0].attention.output.weight"]?.trainFromEpoch == 2)
        #expect(byPath["backbone.layers[2].ffn.intermediate.weight"]?.trainFromEpoch == 0)
        let lr = { (path: String) in byPath[path]?.lr ?? .nan }
        #expect(abs(lr("backbone.layers[2].attention.output.weight") - 1e-3 * 0.9) < 1e-12)
        #expect(abs(lr("backbone.layers[0].ffn.output.weight") - 1e-3 * pow(0.9, 3)) < 1e-12)
        #expect(abs(lr("heads.slots.weight") - 2e-3) < 1e-12 && abs(lr("heads.intent.weight") - 1e-3) < 1e-12)
        #expect(byPath["backbone.layers[2].ffn.norm.bias"]?.weightDecay == 0 && byPath["backbone.layers[2].ffn.output.weight"]?.weightDecay == 0.01)
        #expect(byPath["backbone.layers[0].attention.query.weight"]?.checkpointName == "transformer.layer.0.attention.q_lin.weight")

        // Every parameter the two share gets the same setting; BERT alone has token types.
        let bertByPath = Dictionary(uniqueKeysWithValues: bert.params.map { ($0.path, $0) })
        #expect(Set(bertByPath.keys).subtracting(byPath.keys) == ["backbone.embeddings.token_type_embeddings.weight"])
        for p in distil.params {
            let b = try #require(bertByPath[p.path])
            #expect(p.lr == b.lr && p.weightDecay == b.weightDecay && p.frozen == b.frozen
                    && p.trainFromEpoch == b.trainFromEpoch && p.group == b.group, "\(p.path)")
        }
        // Frozen embeddings: no gradient buffer and no update; gradual layers keep theirs.
        #expect(distil.stats.fusions["qkv"] == 3 && distil.stats.fusions["skip_layernorm"] == 6 && distil.stats.fusions["bias_gelu"] == 3)
        let store = try ParamStore(params: distil.params)
        for (i, p) in distil.params.enumerated() where p.sliceOf == nil {
            #expect((store.trainOffsets[i] >= 0) == !p.path.hasPrefix("backbone.embeddings."), "\(p.path)")
        }
        let update = try #require(distil.update)
        #expect(update.graph.count(of: .adamw) == distil.params.filter { $0.sliceOf == nil && !$0.frozen }.count)
    }
}
