import Foundation
import Testing
@testable import MTSTCompiler

/// `backbone.architecture`, else config.json's `model_type`, else BERT.
@Suite struct ArchitectureSelectionTests {
    static let distilConfig = """
    {
      "activation": "gelu",
      "architectures": ["DistilBertForMaskedLM"],
      "attention_dropout": 0.1,
      "dim": 32,
      "dropout": 0.1,
      "hidden_dim": 64,
      "initializer_range": 0.02,
      "max_position_embeddings": 40,
      "model_type": "distilbert",
      "n_heads": 4,
      "n_layers": 3,
      "pad_token_id": 0,
      "qa_dropout": 0.1,
      "seq_classif_dropout": 0.2,
      "sinusoidal_pos_embds": false,
      "tie_weights_": true,
      "vocab_size": 100
    }
    """

    func withConfig(_ json: String, backbone: String = "  config: model/config.json\n") throws -> String {
        let dir = try makeTempDirectory()
        try FileManager.default.createDirectory(atPath: "\(dir)/model", withIntermediateDirectories: true)
        try json.write(toFile: "\(dir)/model/config.json", atomically: true, encoding: .utf8)
        return dir
    }

    let configSpec = """
    backbone:
      config: model/config.json
    tokenizer:
      vocab: model/vocab.txt

    """

    @Test func defaultIsBert() throws {
        #expect(try parseSpec(baseYAML).backbone.architecture.name == BERT.name)
    }

    @Test func explicitKey() throws {
        let spec = try parseSpec(edited("backbone:\n", "backbone:\n  architecture: distilbert\n"))
        #expect(spec.backbone.architecture.name == DistilBERT.name)
        #expect(spec.backbone.typeVocabSize == 0)
        #expect(!ModelDescription.parameters(for: spec).contains { $0.path.contains("token_type") })
    }

    @Test func unknownArchitectureListsTheKnownOnes() {
        #expect(specError(edited("backbone:\n", "backbone:\n  architecture: roberta\n")) ==
            "t.yaml:3:17: backbone.architecture: unknown architecture 'roberta' (known: bert, distilbert)")
    }

    @Test func tokenTypesOnABackboneWithoutThem() {
        #expect(specError(edited("backbone:\n", "backbone:\n  architecture: distilbert\n  type_vocab_size: 2\n")) ==
            "t.yaml:4:20: backbone.type_vocab_size: distilbert has no token types; remove type_vocab_size")
    }

    @Test func distilbertConfigKeys() throws {
        let dir = try withConfig(Self.distilConfig)
        let spec = try parseSpec(configSpec, path: "\(dir)/t.yaml")
        let b = spec.backbone
        #expect(b.architecture.name == DistilBERT.name)
        #expect([Int]([b.vocabSize, b.hiddenSize, b.numLayers, b.numHeads, b.intermediateSize, b.maxPositionEmbeddings, b.typeVocabSize])
            == [100, 32, 3, 4, 64, 40, 0])
        #expect(b.layerNormEps == 1e-12 && b.hiddenDropout == 0.1 && b.attentionDropout == 0.1)
        #expect(spec.location(of: "backbone.hidden_size") == SourceLocation(file: "\(dir)/t.yaml", line: 2, column: 11))
    }

    @Test func configMismatchesAndUnsupportedValues() throws {
        let dir = try withConfig(Self.distilConfig)
        #expect(specError(configSpec.replacingOccurrences(of: "backbone:\n", with: "backbone:\n  architecture: bert\n"), path: "\(dir)/t.yaml") ==
            "\(dir)/t.yaml:2:17: backbone.architecture: bert does not match the config's model_type 'distilbert' (\(dir)/model/config.json)")
        let sinusoidal = try withConfig(Self.distilConfig.replacingOccurrences(of: "\"sinusoidal_pos_embds\": false", with: "\"sinusoidal_pos_embds\": true"))
        #expect(specError(configSpec, path: "\(sinusoidal)/t.yaml") ==
            "\(sinusoidal)/t.yaml:2:11: backbone.config: \(sinusoidal)/model/config.json: sinusoidal_pos_embds true is not supported by distilbert (only false)")
    }
}
