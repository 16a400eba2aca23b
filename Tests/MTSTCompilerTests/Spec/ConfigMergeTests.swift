import Foundation
import Testing
@testable import MTSTCompiler

@Suite struct ConfigMergeTests {
    let backboneWithConfig = """
    backbone:
      config: model/config.json
      num_layers: 3
    tokenizer:
      vocab: model/vocab.txt

    """

    func writeConfig(_ json: String) throws -> String {
        let dir = try makeTempDirectory()
        try FileManager.default.createDirectory(atPath: "\(dir)/model", withIntermediateDirectories: true)
        try json.write(toFile: "\(dir)/model/config.json", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func configSuppliesShapesAndSpecOverrides() throws {
        let dir = try writeConfig(miniLMConfigJSON)
        let spec = try parseSpec(backboneWithConfig, path: "\(dir)/t.yaml")
        let b = spec.backbone
        #expect(b.config?.value == "\(dir)/model/config.json")
        #expect([Int]([b.vocabSize, b.hiddenSize, b.numLayers, b.numHeads, b.intermediateSize, b.maxPositionEmbeddings, b.typeVocabSize])
            == [30522, 384, 3, 12, 1536, 512, 2])
        #expect(b.layerNormEps == 1e-12 && b.activation == .gelu && b.hiddenDropout == 0.1 && b.initStd == 0.02)
        // Config-derived values point at the `config` value; explicit ones at themselves.
        #expect(spec.location(of: "backbone.hidden_size") == SourceLocation(file: "\(dir)/t.yaml", line: 2, column: 11))
        #expect(spec.location(of: "backbone.num_layers") == SourceLocation(file: "\(dir)/t.yaml", line: 3, column: 15))
        #expect(spec.tokenizer.maxLength == 512)
    }

    @Test func configErrors() throws {
        let missing = try makeTempDirectory()
        #expect(specError(backboneWithConfig, path: "\(missing)/t.yaml") ==
            "\(missing)/t.yaml:2:11: backbone.config: \(missing)/model/config.json: does not exist")

        let notJSON = try writeConfig("vocab_size = 3")
        #expect(specError(backboneWithConfig, path: "\(notJSON)/t.yaml") ==
            "\(notJSON)/t.yaml:2:11: backbone.config: \(notJSON)/model/config.json: is not a JSON object")

        let noHidden = try writeConfig(miniLMConfigJSON.replacingOccurrences(of: "\"hidden_size\": 384,", with: ""))
        #expect(specError(backboneWithConfig, path: "\(noHidden)/t.yaml") ==
            "\(noHidden)/t.yaml:2:11: backbone.config: \(noHidden)/model/config.json: has no 'hidden_size'; add it there or set backbone.hidden_size in the spec")
        // The spec can fill the gap.
        #expect(specError(backboneWithConfig.replacingOccurrences(of: "num_layers: 3", with: "hidden_size: 48"),
                          path: "\(noHidden)/t.yaml") == "parsed")

        let wrongType = try writeConfig(miniLMConfigJSON.replacingOccurrences(of: "\"num_attention_heads\": 12", with: "\"num_attention_heads\": \"12\""))
        #expect(specError(backboneWithConfig, path: "\(wrongType)/t.yaml") ==
            "\(wrongType)/t.yaml:2:11: backbone.config: \(wrongType)/model/config.json: 'num_attention_heads' must be an integer, got \"12\"")

        let gelu = try writeConfig(miniLMConfigJSON.replacingOccurrences(of: "\"hidden_act\": \"gelu\"", with: "\"hidden_act\": \"gelu_new\""))
        #expect(specError(backboneWithConfig, path: "\(gelu)/t.yaml") ==
            "\(gelu)/t.yaml:2:11: backbone.config: \(gelu)/model/config.json: hidden_act 'gelu_new' is not supported (only gelu, the exact erf form)")

        let indivisible = try writeConfig(miniLMConfigJSON.replacingOccurrences(of: "\"hidden_size\": 384", with: "\"hidden_size\": 390"))
        #expect(specError(backboneWithConfig, path: "\(indivisible)/t.yaml") ==
            "\(indivisible)/t.yaml:2:11: backbone.hidden_size: 390 (from \(indivisible)/model/config.json) is not divisible by num_heads 12")

        let roberta = try writeConfig(miniLMConfigJSON.replacingOccurrences(of: "\"model_type\": \"bert\"", with: "\"model_type\": \"roberta\""))
        #expect(specError(backboneWithConfig, path: "\(roberta)/t.yaml") ==
            "\(roberta)/t.yaml:2:11: backbone.config: \(roberta)/model/config.json: model_type 'roberta' is not supported (known: bert, distilbert)")
    }
}
