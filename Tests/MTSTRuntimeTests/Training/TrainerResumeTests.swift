import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// A run stopped after any optimizer update (as Ctrl-C stops it) and resumed by a new process's
/// worth of state ends in exactly the files of an uninterrupted run.
@Suite(.serialized) struct TrainerResumeTests {
    static let epochs = 3

    static func trainer(_ dir: URL, plan: Plan? = nil) throws -> Trainer {
        let trainer = try Trainer(model: try Model(plan: try plan ?? PlanRoundTripTests.tinyPlan()), outDir: dir.path,
                                  progress: ProgressReporter(isTerminal: false, enabled: false))
        trainer.log = { _ in }
        return trainer
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func withoutTimings(_ folder: URL) throws -> [NSDictionary] {
        let text = try String(contentsOf: folder.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return NSDictionary(dictionary: row.filter { !EpochMetrics.timingKeys.contains($0.key) })
        }
    }

    static func expectSame(_ a: URL, _ b: URL) throws {
        let latest = try String(contentsOf: a.appendingPathComponent("latest"), encoding: .utf8)
        #expect(try String(contentsOf: b.appendingPathComponent("latest"), encoding: .utf8) == latest)
        let name = latest.trimmingCharacters(in: .newlines)
        for file in ["checkpoint.safetensors", "predictions.jsonl", "\(name)/optimizer.safetensors"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(file)) == (try Data(contentsOf: b.appendingPathComponent(file))), "\(file)")
        }
        #expect(try withoutTimings(a) == (try withoutTimings(b)))
    }

    /// The trainer polls after every update: 3 mid-epoch polls and one at the epoch's end here
    /// (4 updates per epoch), so these stop mid-epoch 1, at the end of epoch 1, mid-epoch 2 and 3.
    @Test(arguments: [1, 4, 6, 11])
    func stopAfterAnUpdateThenResumeIsExact(poll: Int) throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reference = dir.appendingPathComponent("reference"), stopped = dir.appendingPathComponent("stopped")
        #expect(try Self.trainer(reference).run(epochs: Self.epochs) == .finished)

        let first = try Self.trainer(stopped)
        var polls = 0
        first.shouldStop = {
            polls += 1
            return polls == poll
        }
        guard case .interrupted(let snapshot) = try first.run(epochs: Self.epochs) else {
            Issue.record("the run did not stop at poll \(poll)")
            return
        }
        let latest = try String(contentsOf: stopped.appendingPathComponent("latest"), encoding: .utf8)
        #expect(snapshot.hasSuffix("/" + latest.trimmingCharacters(in: .newlines)))
        #expect(try Self.trainer(stopped).run(resume: stopped.path) == .finished)
        try Self.expectSame(reference, stopped)
    }

    /// The same for SGD with momentum: its velocity buffers and update counts are the state saved.
    @Test func sgdStopThenResumeIsExact() throws {
        let plan = try OptimizerSeamTests.plan(replacing: OptimizerSeamTests.adamw, with: OptimizerSeamTests.sgd)
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reference = dir.appendingPathComponent("reference"), stopped = dir.appendingPathComponent("stopped")
        #expect(try Self.trainer(reference, plan: plan).run(epochs: Self.epochs) == .finished)
        let first = try Self.trainer(stopped, plan: plan)
        var polls = 0
        first.shouldStop = {
            polls += 1
            return polls == 6
        }
        guard case .interrupted = try first.run(epochs: Self.epochs) else {
            Issue.record("the run did not stop")
            return
        }
        let latest = try String(contentsOf: stopped.appendingPathComponent("latest"), encoding: .utf8).trimmingCharacters(in: .newlines)
        let state = try SafeTensorFile.read(path: stopped.appendingPathComponent("\(latest)/optimizer.safetensors").path)
        #expect(state.tensors.keys.allSatisfy { $0.hasPrefix("velocity.") } && !state.tensors.isEmpty)
        #expect(state.metadata[Checkpoint.updateCountsKey] != nil)
        #expect(try Self.trainer(stopped, plan: plan).run(resume: stopped.path) == .finished)
        try Self.expectSame(reference, stopped)
    }

    @Test func resumeRefusesADamagedOrForeignSnapshot() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        try Self.trainer(run).run(epochs: 2)
        func resumeError(epochs: Int? = nil, limit: Int? = nil) throws -> String {
            do {
                try Self.trainer(run).run(epochs: epochs, resume: run.path, limit: limit)
                return "resumed"
            } catch let error as UserFacingError {
                return error.description
            }
        }
        #expect(try resumeError(limit: 3).contains("--limit 3 differs"))
        #expect(try resumeError(epochs: 1).contains("past --epochs 1"))

        let optimizer = run.appendingPathComponent("epoch-0002/optimizer.safetensors")
        var bytes = try Data(contentsOf: optimizer)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: optimizer)
        #expect(try resumeError().contains("optimizer.safetensors does not match its SHA-256"))

        try "epoch-0007\n".write(to: run.appendingPathComponent("latest"), atomically: true, encoding: .utf8)
        #expect(try resumeError().contains("the latest snapshot epoch-0007 is missing"))
        try "../../etc\n".write(to: run.appendingPathComponent("latest"), atomically: true, encoding: .utf8)
        #expect(try resumeError().contains("'latest' does not name a snapshot"))
        try FileManager.default.removeItem(at: run.appendingPathComponent("latest"))
        #expect(try resumeError().contains("it holds no saved epoch"))
    }

    @Test func resumeRefusesASnapshotOfAnotherPlan() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        try Self.trainer(run).run(epochs: 1)
        var plan = try PlanRoundTripTests.tinyPlan()
        plan.trainingLoop.seed += 1
        let other = try Trainer(model: try Model(plan: plan), outDir: run.path, progress: ProgressReporter(enabled: false))
        other.log = { _ in }
        #expect(throws: TrainingError.self) { try other.run(resume: run.path) }
        do {
            try other.run(resume: run.path)
        } catch {
            #expect("\(error)".contains("trained with another plan"))
        }
    }

    @Test func snapshotNamesRoundTrip() {
        for id in [SnapshotID(epoch: 0, step: 3), SnapshotID(epoch: 3, step: 0), SnapshotID(epoch: 12345, step: 1)] {
            #expect(SnapshotID(name: id.name) == id)
        }
        #expect(SnapshotID(epoch: 2, step: 5).name == "epoch-0003-step-000005")
        #expect(SnapshotID(epoch: 2, step: 0) < SnapshotID(epoch: 2, step: 5))
        #expect(SnapshotID(epoch: 2, step: 5) < SnapshotID(epoch: 3, step: 0))
        for bad in ["epoch-", "epoch-1", "epoch-0001-step-0", "epoch--001", "epoch-0001/..", "epoch-0000-step-000001", "latest"] {
            #expect(SnapshotID(name: bad) == nil, "\(bad)")
        }
    }
}
