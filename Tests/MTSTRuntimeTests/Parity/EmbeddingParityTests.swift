import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// all-MiniLM-L6-v2 through `Graphs/multitask.yaml` against transformers' BertModel + mean
/// pooling + L2 normalize (fixture from Scripts/reference/make_parity_fixtures.py). Runs
/// whenever the assets are present; the test command fetches them.
struct EmbeddingParityTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var assetsPresent: Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("Assets/all-MiniLM-L6-v2/model.safetensors").path)
            && FileManager.default.fileExists(atPath: root.appendingPathComponent("Assets/atis/train_dev").path)
    }

    struct Fixture: Decodable {
        struct Item: Decodable {
            var text: String
            var embedding: [Float]
        }
        var max_length: Int
        var items: [Item]
    }

    @Test(.enabled(if: assetsPresent, "Assets/ missing: run Scripts/fetch-assets.sh"))
    func embeddingsMatchTransformers() throws {
        let url = try #require(Bundle.module.url(forResource: "parity_embeddings", withExtension: "json", subdirectory: "Fixtures"))
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let plan = try CompileDriver.compile(specPath: Self.root.appendingPathComponent("Graphs/multitask.yaml").path)
        #expect(plan.tokenizer.maxLength == fixture.max_length)
        let model = try Model(plan: plan)
        let embeddings = try model.embed(fixture.items.map(\.text))
        for (item, e) in zip(fixture.items, embeddings) {
            #expect(e.count == item.embedding.count)
            var dot = 0.0, na = 0.0, nb = 0.0, maxDiff: Float = 0
            for (a, b) in zip(e, item.embedding) {
                dot += Double(a) * Double(b)
                na += Double(a) * Double(a)
                nb += Double(b) * Double(b)
                maxDiff = max(maxDiff, abs(a - b))
            }
            let cosine = dot / (na.squareRoot() * nb.squareRoot())
            #expect(cosine >= 0.99999, "cosine \(cosine) for \(item.text.prefix(40))")
            #expect(maxDiff <= 1e-5, "max abs difference \(maxDiff) for \(item.text.prefix(40))")
        }
    }
}
