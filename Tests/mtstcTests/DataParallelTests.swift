import Foundation
import Testing

/// `mpirun -np 2 mtstc run` trains the model one process trains: the same per-step losses
/// (`metrics.jsonl`'s `step_losses`, the global batch's loss) to 1e-5 relative and the same
/// metrics after 2 epochs, dropout on. Skipped, saying why, without `mpirun`; required under
/// `Scripts/test.sh` (MTSTC_REQUIRE_MPI=1).
@Suite(.serialized, .enabled(if: MPIRun.available, "mpirun not installed: skipped (Scripts/test.sh installs openmpi-bin)"))
struct DataParallelTests {
    static let tolerance = 1e-5

    /// Compares two runs' metrics rows: step losses and every numeric score to `tolerance`
    /// relative, everything else exactly, timings left out.
    static func expectSameTraining(_ one: String, _ two: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let a = try RunComparison.metricsWithoutTimings(one), b = try RunComparison.metricsWithoutTimings(two)
        #expect(a.count == b.count && !a.isEmpty, "\(a.count) vs \(b.count) metrics rows", sourceLocation: sourceLocation)
        for (x, y) in zip(a, b) { expectClose(x, y, path: "epoch \(x["epoch"] ?? "?")", sourceLocation: sourceLocation) }
    }

    static func expectClose(_ x: Any, _ y: Any, path: String, sourceLocation: SourceLocation) {
        switch (x, y) {
        case let (u as NSDictionary, v as NSDictionary):
            #expect(Set(u.allKeys.map { "\($0)" }) == Set(v.allKeys.map { "\($0)" }), "\(path): keys differ", sourceLocation: sourceLocation)
            for case let key as String in u.allKeys { if let w = v[key] { expectClose(u[key] as Any, w, path: path + "." + key, sourceLocation: sourceLocation) } }
        case let (u as [Any], v as [Any]):
            #expect(u.count == v.count, "\(path): \(u.count) vs \(v.count) entries", sourceLocation: sourceLocation)
            for (i, (p, q)) in zip(u, v).enumerated() { expectClose(p, q, path: "\(path)[\(i)]", sourceLocation: sourceLocation) }
        case let (u as NSNumber, v as NSNumber):
            let p = u.doubleValue, q = v.doubleValue
            #expect(abs(p - q) <= tolerance * max(abs(p), abs(q), 1e-12), "\(path): \(p) vs \(q)", sourceLocation: sourceLocation)
        default:
            #expect("\(x)" == "\(y)", "\(path): \(x) vs \(y)", sourceLocation: sourceLocation)
        }
    }

    static func stepLosses(_ folder: String) throws -> [Double] {
        try RunComparison.metricsWithoutTimings(folder).flatMap { ($0["step_losses"] as? [Double]) ?? [] }
    }

    @Test func twoRanksTrainAsOneProcess() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan()
        let one = scratch.file("one"), two = scratch.file("two")
        let r1 = try CLI.run(["run", "--graph", plan, "--epochs", "2", "--out", one])
        try #require(r1.status == 0, "\(r1.stderr)")
        let r2 = try MPIRun.run(ranks: 2, ["run", "--graph", plan, "--epochs", "2", "--out", two])
        try #require(r2.status == 0, "\(r2.stderr)")
        #expect(r2.stdout.components(separatedBy: "epoch 2/2: loss").count == 2, "rank 0 alone reports:\n\(r2.stdout)")
        #expect(r2.stdout.contains("data parallel: 2 ranks"))
        let losses = try Self.stepLosses(one)
        #expect(losses.count == 8 && losses == losses.filter(\.isFinite))
        #expect(try Self.stepLosses(two).count == losses.count)
        try Self.expectSameTraining(one, two)
        // Evaluation was sharded; rank 0 gathered every prediction.
        let p1 = try String(contentsOfFile: one + "/predictions.jsonl", encoding: .utf8)
        let p2 = try String(contentsOfFile: two + "/predictions.jsonl", encoding: .utf8)
        #expect(p1.split(separator: "\n").count == 6 && p1 == p2)
    }

    /// Batches of one sentence: rank 1 never has a share and still takes every step.
    @Test func aRankWithoutSentencesStillSteps() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan { $0.replacingOccurrences(of: "batch_size: 4", with: "batch_size: 3\n  gradient_accumulation: 2")
            .replacingOccurrences(of: "  gradient_accumulation: 1\n", with: "") }
        let one = scratch.file("one"), three = scratch.file("three")
        let r1 = try CLI.run(["run", "--graph", plan, "--epochs", "2", "--out", one])
        try #require(r1.status == 0, "\(r1.stderr)")
        // 3 ranks, batches of 3 and a last one of 1: shares of one sentence, and empty ones.
        let r3 = try MPIRun.run(ranks: 3, ["run", "--graph", plan, "--epochs", "2", "--out", three])
        try #require(r3.status == 0, "\(r3.stderr)")
        try Self.expectSameTraining(one, three)
    }

    /// The multi-machine path: TCP over loopback instead of shared memory.
    @Test func tcpLoopback() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan()
        let one = scratch.file("one"), tcp = scratch.file("tcp")
        let r1 = try CLI.run(["run", "--graph", plan, "--epochs", "2", "--out", one])
        try #require(r1.status == 0, "\(r1.stderr)")
        let r2 = try MPIRun.run(ranks: 2, mca: ["btl tcp,self", "btl_tcp_if_include lo"], ["run", "--graph", plan, "--epochs", "2", "--out", tcp])
        try #require(r2.status == 0, "\(r2.stderr)")
        try Self.expectSameTraining(one, tcp)
    }

    /// A run folder holding only `run`'s first-epoch snapshot, as a job stopped after epoch 1
    /// leaves it (the lr schedule still spans the 2 epochs it was started for).
    static func stoppedAfterEpochOne(_ run: String, into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: run + "/epoch-0001", toPath: folder + "/epoch-0001")
        try "epoch-0001\n".write(toFile: folder + "/latest", atomically: true, encoding: .utf8)
    }

    /// Batches are global, so a run continues under another rank count: a 2-rank run's first
    /// epoch continued by one process (and the other way round) trains as an uninterrupted
    /// one-process run.
    @Test func resumeWithAnotherRankCount() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan()
        let whole = scratch.file("whole"), two = scratch.file("two"), down = scratch.file("down"), up = scratch.file("up")
        try #require(try CLI.run(["run", "--graph", plan, "--epochs", "2", "--out", whole]).status == 0)
        let first = try MPIRun.run(ranks: 2, ["run", "--graph", plan, "--epochs", "2", "--out", two])
        try #require(first.status == 0, "\(first.stderr)")
        try Self.stoppedAfterEpochOne(two, into: down)
        let shrunk = try CLI.run(["run", "--graph", plan, "--resume", down])
        try #require(shrunk.status == 0, "\(shrunk.stderr)")
        try Self.expectSameTraining(whole, down)
        try Self.stoppedAfterEpochOne(whole, into: up)
        let grown = try MPIRun.run(ranks: 2, ["run", "--graph", plan, "--resume", up])
        try #require(grown.status == 0, "\(grown.stderr)")
        #expect(grown.stdout.contains("resuming from"))
        try Self.expectSameTraining(whole, up)
    }

    /// A refused `--out` (another run is there) stops every rank with rank 0's one message.
    @Test func aRefusedFolderStopsEveryRankWithOneMessage() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan()
        let out = scratch.file("taken")
        try #require(try CLI.run(["run", "--graph", plan, "--epochs", "1", "--out", out]).status == 0)
        let before = try RunComparison.metricsWithoutTimings(out)
        let r = try MPIRun.run(ranks: 2, ["run", "--graph", plan, "--epochs", "1", "--out", out])
        #expect(r.status != 0)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(errors.count == 1 && errors.first?.contains("already holds a run") == true, "\(r.stderr)")
        #expect(try RunComparison.metricsWithoutTimings(out) == before, "the run there is untouched")
    }

    /// The process of `rank` whose command line names `marker`, from /proc.
    static func rankProcess(_ rank: Int, marker: String) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  let environ = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
            let args = String(decoding: cmdline, as: UTF8.self).split(separator: "\0")
            let env = String(decoding: environ, as: UTF8.self).split(separator: "\0")
            if args.first?.hasSuffix("mtstc") == true, args.contains(where: { $0 == marker }), env.contains("OMPI_COMM_WORLD_RANK=\(rank)") {
                return pid
            }
        }
        return nil
    }

    /// kill -9 of one rank mid-run: the job stops with rank 0's one-line reason, and the last
    /// snapshot is intact (a resume verifies every file's SHA-256 and continues from it).
    @Test func aDeadRankStopsTheJobAndLeavesTheLastSnapshot() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan()
        let out = scratch.file("killed")
        let launcher = try #require(MPIRun.mpirun)
        let job = Process()
        job.executableURL = URL(fileURLWithPath: launcher)
        job.arguments = MPIRun.arguments(ranks: 2, ["run", "--graph", plan, "--epochs", "1000", "--out", out])
        let err = Pipe()
        job.standardOutput = FileHandle.nullDevice
        job.standardError = err
        try job.run()
        defer { if job.isRunning { kill(job.processIdentifier, SIGKILL) } }
        var waited = 0.0
        while RunComparison.latest(out).map({ $0 >= "epoch-0002" }) != true && waited < 120 && job.isRunning {
            usleep(100_000)
            waited += 0.1
        }
        let victim = try #require(Self.rankProcess(1, marker: out), "rank 1 of the job not found")
        kill(victim, SIGKILL)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        job.waitUntilExit()
        #expect(job.terminationStatus != 0)
        let reason = stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(reason.count == 1 && reason.first?.contains("the job was stopped by its launcher") == true, "\(stderr)")
        let latest = try #require(RunComparison.latest(out))
        #expect(reason.first?.contains(latest) == true, "the message names the last snapshot, \(latest)")
        let epoch = try #require(Int(latest.dropFirst("epoch-".count).prefix(4)))
        let resumed = try CLI.run(["run", "--graph", plan, "--resume", out, "--epochs", "\(epoch + 1)"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(RunComparison.latest(out) == String(format: "epoch-%04d", epoch + 1))
    }
}
