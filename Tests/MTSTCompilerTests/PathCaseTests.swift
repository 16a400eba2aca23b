import Foundation
import MTSTCompiler
import Testing

/// `mtstc compile graphs/multitask.yaml` finds `Graphs/multitask.yaml`; nothing else is guessed.
struct PathCaseTests {
    /// Two names that differ only in case are two files (Linux), not one (macOS, Windows).
    static let caseSensitive: Bool = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-case-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try? FileManager.default.createDirectory(at: dir.appendingPathComponent("A"), withIntermediateDirectories: true)
        return !FileManager.default.fileExists(atPath: dir.appendingPathComponent("a").path)
    }()

    func folder(_ files: [String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-pathcase-\(UUID().uuidString)")
        for file in files {
            let url = dir.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try "x".write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func aPathThatDiffersOnlyInCaseResolvesToTheOneMatch() throws {
        let dir = try folder(["Graphs/multitask.yaml", "Graphs/tiny.yaml"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(PathCase.resolve(dir.path + "/graphs/multitask.yaml") == dir.path + "/Graphs/multitask.yaml")
        #expect(PathCase.resolve(dir.path + "/GRAPHS/Tiny.YAML") == dir.path + "/Graphs/tiny.yaml")
        #expect(PathCase.resolve(dir.path + "/graphs/../graphs/tiny.yaml") == dir.path + "/Graphs/../Graphs/tiny.yaml")
    }

    @Test func relativePathsResolveFromTheWorkingDirectory() throws {
        let dir = try folder(["Graphs/multitask.yaml"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let previous = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        FileManager.default.changeCurrentDirectoryPath(dir.path)
        #expect(PathCase.resolve("graphs/multitask.yaml") == "Graphs/multitask.yaml")
        #expect(PathCase.resolve("./graphs/multitask.yaml") == "./Graphs/multitask.yaml")
    }

    @Test(.enabled(if: caseSensitive, "needs a case-sensitive file system"))
    func anExistingPathIsNeverReplaced() throws {
        let dir = try folder(["Graphs/a.yaml", "graphs/a.yaml"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(PathCase.resolve(dir.path + "/graphs/a.yaml") == dir.path + "/graphs/a.yaml")
        #expect(PathCase.resolve(dir.path + "/Graphs/a.yaml") == dir.path + "/Graphs/a.yaml")
    }

    @Test(.enabled(if: caseSensitive, "needs a case-sensitive file system"))
    func twoMatchesOrNoneResolveToNothing() throws {
        let dir = try folder(["Graphs/a.yaml", "GRAPHS/a.yaml", "Graphs/b.yaml"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(PathCase.resolve(dir.path + "/graphs/a.yaml") == nil)
        #expect(PathCase.resolve(dir.path + "/Graphs/c.yaml") == nil)
        #expect(PathCase.resolve(dir.path + "/nothing/b.yaml") == nil)
        #expect(PathCase.resolve(dir.path + "/Graphs/b.yaml/x") == nil)
    }
}
