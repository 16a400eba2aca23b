import Foundation
import MTSTKernels
import Testing

/// `--threads N` sizes the kernels' worker pool; without it, the cores are shared out between
/// the ranks mpirun started on this host.
@Suite struct ThreadsOptionTests {
    /// `bench --json` reports the pool's real size (its started workers plus the caller).
    static func benchThreads(_ extra: [String], environment: [String: String] = [:], plan: String) throws -> Int {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["bench", "--graph", plan, "--batch", "2", "--seq", "8", "--seconds", "0", "--iterations", "1", "--json"] + extra
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(json["threads"] as? Int)
    }

    @Test func poolFollowsTheFlagAndTheRanksOnTheHost() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("tiny.plan").path
        #expect(try CLI.run(["compile", "Graphs/tiny.yaml", "-o", plan]).status == 0)
        let cores = ComputeThreads.cores
        #expect(try Self.benchThreads([], plan: plan) == cores)
        #expect(try Self.benchThreads(["--threads", "1"], plan: plan) == 1)
        #expect(try Self.benchThreads(["--threads", "3"], plan: plan) == 3)
        #expect(try Self.benchThreads([], environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "2"], plan: plan) == max(1, min(cores, ComputeThreads.hostCores / 2)))
        #expect(try Self.benchThreads(["--threads", "2"], environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "2"], plan: plan) == 2)
    }

    @Test func moreThreadsThanCoresIsANote() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("tiny.plan").path
        #expect(try CLI.run(["compile", "Graphs/tiny.yaml", "-o", plan]).status == 0)
        let many = ComputeThreads.cores + 1
        let r = try CLI.run(["bench", "--graph", plan, "--batch", "2", "--seq", "8", "--seconds", "0", "--iterations", "1", "--threads", "\(many)"])
        #expect(r.status == 0)
        #expect(r.stderr.hasPrefix("note: \(many) threads on \(ComputeThreads.cores) cores:"))
    }
}
