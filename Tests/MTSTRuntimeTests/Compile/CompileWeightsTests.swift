import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Compile checks a weights file's tensors against the spec from its header, and reports a
/// mismatch at `backbone.weights` in the YAML instead of at the first run.
struct CompileWeightsTests {
    static func compileError(weightsHeader: String, dataBytes: Int) throws -> String {
        try DataTestSupport.withTemporaryDirectory { dir in
            let tiny = EmbeddingParityTests.root.appendingPathComponent("Graphs/tiny.yaml").path
            var yaml = try String(contentsOfFile: tiny, encoding: .utf8)
            yaml = yaml.replacingOccurrences(of: "  init_seed: 0\n", with: "  weights: \(dir)/w.safetensors\n")
            try SafeTensorsBytes.file(header: weightsHeader, data: Array(repeating: 0, count: dataBytes))
                .write(to: URL(fileURLWithPath: dir + "/w.safetensors"))
            do {
                _ = try CompileDriver.compile(spec: try Spec.parse(yaml: yaml, path: tiny))
                return "compiled"
            } catch {
                return "\(error)"
            }
        }
    }

    @Test func wrongShapeIsReportedAtTheWeightsKey() throws {
        let header = #"{"embeddings.word_embeddings.weight":{"dtype":"F32","shape":[30522,16],"data_offsets":[0,4]}}"#
        let message = try Self.compileError(weightsHeader: header.replacingOccurrences(of: "[30522,16]", with: "[1]"), dataBytes: 4)
        #expect(message.contains("Graphs/tiny.yaml:17:12: backbone.weights: "), "\(message)")
        #expect(message.hasSuffix("w.safetensors: tensor embeddings.word_embeddings.weight has shape [1], the spec expects [65, 16]"), "\(message)")
    }

    @Test func missingTensorAndBadFileAreReportedAtTheWeightsKey() throws {
        let empty = try Self.compileError(weightsHeader: "{}", dataBytes: 0)
        #expect(empty.contains("tiny.yaml:17:12: backbone.weights: ") && empty.hasSuffix("w.safetensors: tensor embeddings.word_embeddings.weight is missing"), "\(empty)")
        let garbage = try Self.compileError(weightsHeader: "{oops", dataBytes: 0)
        #expect(garbage.contains("tiny.yaml:17:12: backbone.weights: ") && garbage.contains("safetensors header is not valid JSON"), "\(garbage)")
    }
}
