import Foundation
import MTSTRuntime
import Testing

/// A run killed at any moment, stopped by a full disk during any write, or interrupted with
/// Ctrl-C, then resumed, ends in exactly the folder an uninterrupted run makes.
@Suite(.serialized) struct KillResumeTests {
    /// An uninterrupted run, its duration, and the duration of a resume with nothing left to
    /// do (the start-up every run pays before its first step).
    func reference(_ scratch: Scratch, plan: String, epochs: Int) throws -> (folder: String, seconds: Double, startup: Double) {
        let folder = scratch.file("reference")
        var start = Date()
        let r = try CLI.run(["run", "--graph", plan, "--epochs", "\(epochs)", "--out", folder])
        try #require(r.status == 0, "\(r.stderr)")
        let seconds = Date().timeIntervalSince(start)
        start = Date()
        try #require(try CLI.run(continuing(folder, plan: plan, epochs: epochs)).status == 0)
        return (folder, seconds, Date().timeIntervalSince(start))
    }

    /// The command that continues `folder`: a resume once it has a snapshot, a new run before.
    func continuing(_ folder: String, plan: String, epochs: Int) -> [String] {
        ["run", "--graph", plan, "--epochs", "\(epochs)"] + (RunComparison.latest(folder) != nil ? ["--resume", folder] : ["--out", folder])
    }

    @Test func sigkillAtRandomMomentsThenResumeMatchesAnUninterruptedRun() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan()
        let epochs = 100
        let (reference, seconds, startup) = try reference(scratch, plan: plan, epochs: epochs)
        let training = max(seconds - startup, 0.01)
        let folder = scratch.file("killed")
        var rng = SplitMix64(seed: 8)  // seeded kill moments, so a failure can be replayed
        var kills = 0
        var snapshotsSeen = Set<String>()
        for _ in 0..<24 {
            let child = try Child(continuing(folder, plan: plan, epochs: epochs))
            // A quarter of the kills land during start-up (reading the snapshot, clearing
            // leftovers); the rest once steps run, soon enough that a run rarely gets far. Waiting
            // for the first step line keeps this so on a loaded machine.
            if Double.random(in: 0..<1, using: &rng) < 0.25 {
                usleep(UInt32(Double.random(in: 0...startup, using: &rng) * 1e6))
            } else if child.waitFor(" step ") {
                usleep(UInt32(Double.random(in: 0...(training * 0.15), using: &rng) * 1e6))
            }
            child.signal(SIGKILL)
            let status = child.finish().status
            if let latest = RunComparison.latest(folder) { snapshotsSeen.insert(latest) }
            if child.process.terminationReason == .exit {
                #expect(status == 0)
                break
            }
            kills += 1
        }
        let last = try CLI.run(continuing(folder, plan: plan, epochs: epochs))
        #expect(last.status == 0, "\(last.stderr)")
        #expect(kills >= 6, "too few kills landed: \(kills)")
        #expect(snapshotsSeen.count >= 4, "the kills never let the run advance: \(snapshotsSeen.sorted())")
        try RunComparison.expectSame(reference, folder)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left behind: \(leftovers)")
    }

    @Test(.enabled(if: Scratch.canMount, "needs root to mount a small tmpfs"))
    func fullDiskDuringEveryWriteThenResumeMatchesAnUninterruptedRun() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan()
        let epochs = 3
        let (reference, _, _) = try reference(scratch, plan: plan, epochs: epochs)
        let disk = try Scratch(tmpfsBytes: 2 << 20)
        try #require(disk.mounted)
        let folder = disk.file("run")
        let filler = disk.file("filler")
        var failedWrites = Set<String>()
        // Free space from nothing up to a whole run: one page at a time through the first
        // snapshot, so each of its writes is the one that hits the full disk in some trial, then
        // coarser through the next two (three snapshots are on disk before the oldest goes).
        let page = 4096
        let snapshotDir = reference + "/" + (RunComparison.latest(reference) ?? "")
        let snapshot = try FileManager.default.contentsOfDirectory(atPath: snapshotDir).reduce(page) { total, file in
            let size = (try FileManager.default.attributesOfItem(atPath: snapshotDir + "/" + file)[.size] as? Int) ?? 0
            return total + (size + page - 1) / page * page  // + one page for `latest`
        }
        let steps = Array(stride(from: 0, through: snapshot, by: page)) + Array(stride(from: snapshot, through: 3 * snapshot, by: 6 * page))
        for free in steps {
            Scratch.shell("/bin/rm", ["-rf", folder, filler])
            let fill = disk.freeBytes - free
            if fill > 0 { try #require(Scratch.shell("/usr/bin/fallocate", ["-l", "\(fill)", filler]) == 0) }
            let full = try CLI.run(continuing(folder, plan: plan, epochs: epochs))
            if full.status != 0 {
                let lines = full.stderr.split(separator: "\n")
                #expect(lines.count == 1 && full.stderr.contains("No space left on device"), "free \(free): \(full.stderr)")
                let path = lines.first?.dropFirst("error: ".count).split(separator: ":").first ?? ""
                failedWrites.insert(String(path.split(separator: "/").last ?? ""))
            }
            Scratch.shell("/bin/rm", ["-f", filler])
            let resumed = try CLI.run(continuing(folder, plan: plan, epochs: epochs))
            #expect(resumed.status == 0, "free \(free): \(resumed.stderr)")
            try RunComparison.expectSame(reference, folder)
        }
        for file in ["checkpoint.safetensors", "optimizer.safetensors", "metrics.jsonl", "predictions.jsonl", "state.json", "latest"] {
            #expect(failedWrites.contains(file), "no trial ran out of space writing \(file): \(failedWrites.sorted())")
        }
    }

    @Test func ctrlCSavesExitsWith130AndResumesExactly() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan()
        let epochs = 100  // long enough that the signal lands before the end
        let (reference, _, _) = try reference(scratch, plan: plan, epochs: epochs)
        let folder = scratch.file("interrupted")
        let child = try Child(["run", "--graph", plan, "--epochs", "\(epochs)", "--out", folder])
        #expect(child.waitFor("epoch 3/\(epochs) step 1/"))
        child.signal(SIGINT)
        let (status, stdout) = child.finish()
        #expect(status == 130, "\(stdout)")
        #expect(stdout.contains("interrupted") && stdout.contains("--resume \(folder)"), "\(stdout)")
        let latest = try #require(RunComparison.latest(folder))
        #expect(latest != "epoch-0\(epochs)")
        let resumed = try CLI.run(continuing(folder, plan: plan, epochs: epochs))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        try RunComparison.expectSame(reference, folder)
    }
}
