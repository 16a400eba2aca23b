import Foundation
@testable import MTSTRuntime

/// Paths and builders shared by the tokenizer tests.
enum TokenizerTestSupport {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tokenizer
        .deletingLastPathComponent()  // MTSTRuntimeTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The real model's vocabulary; git-ignored, so parity tests skip when it is absent.
    static let realVocabPath = repoRoot.appendingPathComponent("Assets/all-MiniLM-L6-v2/vocab.txt").path
    static var hasRealVocab: Bool { FileManager.default.fileExists(atPath: realVocabPath) }

    static let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    /// A tiny in-memory vocabulary: ids 0–4 are the specials, then `tokens` in order.
    static func tokenizer(_ tokens: [String], lowercase: Bool = true) throws -> BertTokenizer {
        BertTokenizer(vocabulary: try Vocabulary(tokens: specials + tokens), lowercase: lowercase)
    }

    /// Writes `contents` to a fresh temporary file and returns its path.
    static func temporaryFile(_ contents: Data, name: String = "vocab.txt") throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mtstc-tokenizer-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url)
        return url.path
    }

    static func fixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureMissing(name: name)
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        let name: String
        var description: String { "Fixtures/\(name).json is not in the test bundle" }
    }
}
