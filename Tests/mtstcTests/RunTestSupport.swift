import Foundation
import Testing

/// A scratch folder for run tests: a fresh tmpfs when the tests run as root and may mount (as on
/// CI), which makes fsync free and lets a test fill the disk; a plain temporary folder otherwise.
final class Scratch {
    let url: URL
    let mounted: Bool

    var path: String { url.path }

    /// Whether this process can mount a tmpfs (root, and a kernel that lets it).
    static let canMount: Bool = {
        guard getuid() == 0, let probe = try? Scratch(tmpfsBytes: 1 << 20), probe.mounted else { return false }
        return true
    }()

    init(tmpfsBytes: Int? = 64 << 20) throws {
        url = try CLI.temporaryDirectory()
        if let bytes = tmpfsBytes, getuid() == 0 {
            mounted = Self.shell("/bin/mount", ["-t", "tmpfs", "-o", "size=\(bytes)", "tmpfs", url.path]) == 0
        } else {
            mounted = false
        }
    }

    deinit {
        if mounted { _ = Self.shell("/bin/umount", [url.path]) }
        try? FileManager.default.removeItem(at: url)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Free bytes on the scratch file system.
    var freeBytes: Int {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return 0 }
        return Int(s.f_bavail) * Int(s.f_frsize)
    }

    @discardableResult
    static func shell(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Compiles the tiny spec, with `edit` applied to its YAML, into this folder.
    func tinyPlan(name: String = "tiny.plan", edit: (String) -> String = { $0 }) throws -> String {
        var yaml = try String(contentsOf: CLI.root.appendingPathComponent("Graphs/tiny.yaml"), encoding: .utf8)
        yaml = edit(yaml).replacingOccurrences(of: "tiny-vocab.txt", with: CLI.root.path + "/Graphs/tiny-vocab.txt")
            .replacingOccurrences(of: "tiny-data/", with: CLI.root.path + "/Graphs/tiny-data/")
        let spec = url.appendingPathComponent(name + ".yaml")
        try yaml.write(to: spec, atomically: true, encoding: .utf8)
        let plan = file(name)
        let r = try CLI.run(["compile", spec.path, "-o", plan])
        try #require(r.status == 0, "\(r.stderr)")
        return plan
    }
}

/// What two run folders must share when one was killed and resumed: every byte of the
/// checkpoint, predictions and optimizer state, and the metrics rows without their timings.
enum RunComparison {
    static let timingKeys: Set<String> = ["train_seconds", "sentences_per_second", "peak_rss_mb", "eval_seconds"]

    static func metricsWithoutTimings(_ folder: String) throws -> [NSDictionary] {
        let text = try String(contentsOfFile: folder + "/metrics.jsonl", encoding: .utf8)
        return try CLI.jsonLines(text).map { row in NSDictionary(dictionary: row.filter { !timingKeys.contains($0.key) }) }
    }

    static func latest(_ folder: String) -> String? {
        (try? String(contentsOfFile: folder + "/latest", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func expectSame(_ reference: String, _ other: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let latest = try #require(Self.latest(reference))
        #expect(Self.latest(other) == latest, sourceLocation: sourceLocation)
        for file in ["checkpoint.safetensors", "predictions.jsonl", "\(latest)/optimizer.safetensors", "\(latest)/checkpoint.safetensors"] {
            let a = FileManager.default.contents(atPath: reference + "/" + file)
            let b = FileManager.default.contents(atPath: other + "/" + file)
            #expect(a != nil && a == b, "\(file) differs", sourceLocation: sourceLocation)
        }
        let rows = try metricsWithoutTimings(reference), otherRows = try metricsWithoutTimings(other)
        #expect(!rows.isEmpty && rows == otherRows, "metrics rows differ", sourceLocation: sourceLocation)
    }
}

/// A child `mtstc` process that a test can signal.
final class Child {
    let process = Process()
    private let out = Pipe()
    private var output = Data()

    init(_ arguments: [String], cwd: URL = CLI.root) throws {
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = cwd
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits until the child has printed `text` (true) or exited without it (false).
    func waitFor(_ text: String) -> Bool {
        while true {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { return false }
            output.append(chunk)
            if String(decoding: output, as: UTF8.self).contains(text) { return true }
        }
    }

    /// Exit status and everything the child printed on stdout.
    func finish() -> (status: Int32, stdout: String) {
        output.append(out.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
