import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// `Compare` in-process on tiny specs: a stop request leaves a state the next run continues.
@Suite(.serialized) struct CompareRunTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func tinySpec(_ dir: String, _ name: String) throws -> String {
        let text = try String(contentsOfFile: root + "/Graphs/tiny.yaml", encoding: .utf8)
            .replacingOccurrences(of: "vocab: tiny-vocab.txt", with: "vocab: \(root)/Graphs/tiny-vocab.txt")
            .replacingOccurrences(of: "path: tiny-data/", with: "path: \(root)/Graphs/tiny-data/")
        let path = dir + "/" + name + ".yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func stopLeavesAStateTheNextRunContinues() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-comparerun-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let specs = [try Self.tinySpec(dir, "one"), try Self.tinySpec(dir, "two")]
        let out = dir + "/out"

        var lines: [String] = []
        let first = try Compare(specs: specs, out: out, options: .init(epochs: 2))
        first.progress = ProgressReporter(isTerminal: false, enabled: false)
        first.log = { lines.append($0) }
        first.shouldStop = { true }  // Ctrl-C at the first chance: after the first optimizer step
        guard case .interrupted = try first.run() else {
            Issue.record("a stop request must interrupt the compare")
            return
        }
        #expect(FileKind.of(out + "/one/run/latest") == .regular)
        #expect(FileKind.of(out + "/two") == .directory && FileKind.of(out + "/two/run") == nil)
        #expect(FileKind.of(out + "/report.md") == .regular)

        lines = []
        let second = try Compare(specs: specs, out: out, options: .init(epochs: 2))
        second.progress = ProgressReporter(isTerminal: false, enabled: false)
        second.log = { lines.append($0) }
        #expect(try second.run() == .finished)
        #expect(lines.contains { $0.hasPrefix("[1/2] one: continuing") })
        #expect(lines.contains { $0.hasPrefix("[2/2] two: training into") })
        for name in ["one", "two"] {
            let metrics = try RunMetrics.read(path: out + "/\(name)/run/metrics.jsonl")
            #expect(metrics.rows.map(\.epoch) == [1, 2])
        }
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(report.contains("| one | 6,712 |") && report.contains("| two | 6,712 |"))
    }

    /// compare trains its runs in one process; each must report its own peak memory.
    @Test(.enabled(if: FileManager.default.isWritableFile(atPath: "/proc/self/clear_refs"), "Linux's /proc/self/clear_refs is not writable here"))
    func peakRSSResets() throws {
        let size = 256 << 20
        let p = try #require(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        try #require(p != MAP_FAILED)
        memset(p, 1, size)
        munmap(p, size)
        let before = ResourceUsage.peakRSSMegabytes()
        ResourceUsage.resetPeakRSS()
        let after = ResourceUsage.peakRSSMegabytes()
        #expect(after < before - 200, "peak \(before) MiB before the reset, \(after) after")
    }
}
