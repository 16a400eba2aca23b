import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

@Suite struct CompareFolderTests {
    static func temp() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-compare-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func acceptsItsOwnFilesAndCreatesAbsentFolders() throws {
        let dir = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try CompareFolder(path: dir + "/a/b").check()
        #expect(FileKind.of(dir + "/a") == nil)
        try CompareFolder(path: dir + "/a/b").create()
        #expect(FileKind.of(dir + "/a/b") == .directory)
        for name in ["report.md", "report.html", "chart-loss.svg", ".report.md.tmp-1-X"] {
            try Data().write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        try FileManager.default.createDirectory(atPath: dir + "/full/run/epoch-0001", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: dir + "/full/compare.plan"))
        try FileManager.default.removeItem(atPath: dir + "/a")
        try CompareFolder(path: dir).check()
    }

    @Test(arguments: ["notes.txt", "chart-x.png", "report.md.bak", "other/file", "full/model.plan", "full/out"])
    func refusesWhatItDidNotWrite(_ entry: String) throws {
        let dir = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = URL(fileURLWithPath: dir + "/" + entry)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: url)
        let top = String(entry.split(separator: "/")[0])
        #expect(throws: CompareError.foreign(folder: dir, entry: top)) { try CompareFolder(path: dir).check() }
        #expect(FileKind.of(dir + "/" + entry) == .regular)
    }

    @Test func refusesAFileAsTheFolder() throws {
        let dir = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data().write(to: URL(fileURLWithPath: dir + "/f"))
        #expect(throws: CompareError.notAFolder(dir + "/f", "a regular file")) { try CompareFolder(path: dir + "/f").check() }
    }

    @Test func staleChartsGoOthersStay() throws {
        let dir = try Self.temp()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["chart-loss.svg", "chart-metric-old.svg", "report.md"] {
            try Data().write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        CompareFolder(path: dir).removeStaleCharts(keeping: ["chart-loss.svg"])
        #expect(FileKind.of(dir + "/chart-loss.svg") == .regular)
        #expect(FileKind.of(dir + "/chart-metric-old.svg") == nil)
        #expect(FileKind.of(dir + "/report.md") == .regular)
    }
}
