import Foundation
import MTSTCompiler

/// Shared by the SafeTensors, Data and Metrics tests: scratch directories and the optional
/// real assets fetched by `Scripts/fetch-assets.sh`.
enum DataTestSupport {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // Data
        .deletingLastPathComponent() // MTSTRuntimeTests
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent()

    static func assetPath(_ relative: String) -> String {
        repoRoot.appendingPathComponent("Assets").appendingPathComponent(relative).path
    }

    static func hasAsset(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: assetPath(relative))
    }

    static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mtstc-data-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    /// Writes `text` to a fresh file and hands its path to `body`.
    static func withFile<T>(named name: String, contents text: String, _ body: (String) throws -> T) throws -> T {
        try withTemporaryDirectory { directory in
            let path = directory + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return try body(path)
        }
    }
}

extension DataTestSupport {
    /// A file under `Tests/MTSTRuntimeTests/Fixtures/`, as copied into the test bundle.
    static func fixture(_ relative: String) throws -> String {
        guard let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw FixtureMissing(name: relative)
        }
        return directory.appendingPathComponent(relative).path
    }

    struct FixtureMissing: Error {
        var name: String
    }
}
