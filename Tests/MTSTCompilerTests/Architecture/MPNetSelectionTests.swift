import Foundation
import Testing
@testable import MTSTCompiler

/// An all-mpnet-base-v2 config.json selects MPNet: its shapes, no token types, positions from
/// row 2, and the config values mtstc cannot compute refused with the file named.
@Suite struct MPNetSelectionTests {
    static let config = """
    {
      "architectures": ["MPNetForMaskedLM"],
      "attention_probs_dropout_prob": 0.1,
      "bos_token_id": 0,
      "eos_token_id": 2,
      "hidden_act": "gelu",
      "hidden_dropout_prob": 0.1,
      "hidden_size": 768,
      "initializer_range": 0.02,
      "intermediate_size": 3072,
      "layer_norm_eps": 1e-05,
      "max_position_embeddings": 514,
      "model_type": "mpnet",
      "num_attention_heads": 12,
      "num_hidden_layers": 12,
      "pad_token_id": 1,
      "relative_attention_num_buckets": 32,
      "vocab_size": 30527
    }
    """

    let spec = """
    backbone:
      config: model/config.json
    tokenizer:
      vocab: model/vocab.txt

    """

    func directory(_ json: String = config) throws -> String {
        let dir = try makeTempDirectory()
        try FileManager.default.createDirectory(atPath: "\(dir)/model", withIntermediateDirectories: true)
        try json.write(toFile: "\(dir)/model/config.json", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func allMPNetBaseConfig() throws {
        let dir = try directory()
        let s = try parseSpec(spec, path: "\(dir)/t.yaml")
        let b = s.backbone
        #expect(b.architecture.name == MPNet.name && b.architecture.positionOffset == 2)
        #expect([Int]([b.vocabSize, b.hiddenSize, b.numLayers, b.numHeads, b.intermediateSize, b.maxPositionEmbeddings, b.typeVocabSize])
            == [30527, 768, 12, 12, 3072, 514, 0])
        #expect(b.layerNormEps == 1e-5)
        #expect(s.tokenizer.maxLength == 512, "514 rows, the first token at row 2")
        let params = ModelDescription.parameters(for: s)
        #expect(params.first { $0.path == "backbone.embeddings.relative_attention_bias.weight" }?.shape == [32, 12])
        #expect(!params.contains { $0.path.contains("token_type") })
        // MPNetModel(all-mpnet-base-v2 config, add_pooling_layer=False) has 108,895,872 values in 197 tensors.
        #expect(params.filter { $0.path.hasPrefix("backbone.") }.reduce(0) { $0 + ModelDescription.elements($1) } == 108_895_872)
        #expect(params.filter { $0.path.hasPrefix("backbone.") }.count == 197)
    }

    @Test func refusals() throws {
        let buckets = try directory(Self.config.replacingOccurrences(of: "\"relative_attention_num_buckets\": 32", with: "\"relative_attention_num_buckets\": 64"))
        #expect(specError(spec, path: "\(buckets)/t.yaml") ==
            "\(buckets)/t.yaml:2:11: backbone.config: \(buckets)/model/config.json: relative_attention_num_buckets 64 is not supported by mpnet (only 32)")
        let dir = try directory()
        #expect(specError(spec + "  max_length: 514\n", path: "\(dir)/t.yaml").hasSuffix(
            "tokenizer.max_length: 514 exceeds the 512 positions of backbone.max_position_embeddings 514 (positions start at row 2)"))
        #expect(specError(edited("backbone:\n", "backbone:\n  architecture: mpnet\n  type_vocab_size: 2\n")) ==
            "t.yaml:4:20: backbone.type_vocab_size: mpnet has no token types; remove type_vocab_size")
    }
}
