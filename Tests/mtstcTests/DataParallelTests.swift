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
}
