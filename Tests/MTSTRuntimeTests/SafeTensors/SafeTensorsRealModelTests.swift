import Foundation
import Testing
@testable import MTSTRuntime

/// Runs only after `Scripts/fetch-assets.sh` has put the model in `<repo>/Assets/`.
@Suite(.enabled(if: DataTestSupport.hasAsset("all-MiniLM-L6-v2/model.safetensors")))
struct SafeTensorsRealModelTests {
    @Test func miniLMHasTheExpectedTensors() throws {
        let file = try SafeTensorFile.read(path: DataTestSupport.assetPath("all-MiniLM-L6-v2/model.safetensors"))
        let words = try file.tensor("embeddings.word_embeddings.weight")
        #expect(words.shape == [30522, 384])
        #expect(words.data.count == 30522 * 384)
        #expect(words.data.allSatisfy { $0.isFinite })
        #expect(file.skipped == ["embeddings.position_ids": .i64])
        #expect(file.metadata == ["format": "pt"])
        for layer in 0 ..< 6 {
            let prefix = "encoder.layer.\(layer)."
            #expect(try file.tensor(prefix + "attention.self.query.weight").shape == [384, 384])
            #expect(try file.tensor(prefix + "intermediate.dense.weight").shape == [1536, 384])
            #expect(try file.tensor(prefix + "output.dense.weight").shape == [384, 1536])
            #expect(file.tensors.keys.filter { $0.hasPrefix(prefix) }.count == 16)
        }
        #expect(file.tensors.count == 103)
    }
}
