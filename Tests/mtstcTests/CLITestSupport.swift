import Foundation
import Synchronization
import Testing

/// Runs the built `mtstc` binary, as a user would.
struct CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
        for candidate in [dir, dir.deletingLastPathComponent(), root.appendingPathComponent(".build/debug")] {
            let url = candidate.appendingPathComponent("mtstc")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return root.appendingPathComponent(".build/debug/mtstc")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary and waits for it. A command that hangs (a regression that opens a FIFO
    /// named by `-o`, a stuck worker) is killed after `timeout` seconds and reported, so the suite
    /// fails instead of hanging. stderr is drained on its own thread, so a chatty command cannot
    /// block on a full pipe while stdout is read.
    @discardableResult
    static func run(_ arguments: [String], cwd: URL = root, timeout: Double = 300) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = cwd
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let pid = process.processIdentifier
        let timedOut = Mutex(false)
        let watchdog = DispatchWorkItem {
            timedOut.withLock { $0 = true }
            kill(pid, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let errReader = err.fileHandleForReading
        let stderrData = Mutex(Data())
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stderrData.withLock { $0 = errReader.readDataToEndOfFile() } }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        watchdog.cancel()
        #expect(!timedOut.withLock { $0 }, "mtstc \(arguments.joined(separator: " ")) did not finish in \(Int(timeout)) s and was killed")
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: stderrData.withLock { $0 }, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func jsonLines(_ s: String) throws -> [[String: Any]] {
        try s.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }
}
