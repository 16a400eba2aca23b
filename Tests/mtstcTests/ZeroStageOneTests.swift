import Foundation
import Testing

/// `distributed: {zero: 1}` under `mpirun -np 2`: each rank keeps half of the AdamW moments, and
/// the run still trains the model one process trains (the data-parallel tolerance), writes the
/// whole optimizer state in its snapshots (gathered from both ranks), and resumes on one rank.
@Suite(.serialized, .enabled(if: MPIRun.available, "mpirun not installed: skipped (Scripts/test.sh installs openmpi-bin)"))
struct ZeroStageOneTests {
    @Test func twoRanksWithShardedOptimizerTrainAsOneProcess() throws {
        let scratch = try Scratch()
        let plan = try scratch.tinyPlan(name: "zero.plan") { $0 + "distributed: {zero: 1}\n" }
        let one = scratch.file("one"), two = scratch.file("two")
        let r1 = try CLI.run(["run", "--graph", plan, "--epochs", "2", "--out", one])
        try #require(r1.status == 0, "\(r1.stderr)")
        let r2 = try MPIRun.run(ranks: 2, ["run", "--graph", plan, "--epochs", "2", "--out", two])
        try #require(r2.status == 0, "\(r2.stderr)")
        try DataParallelTests.expectSameTraining(one, two)
        // The snapshot holds every parameter's moments, as one process writes them.
        func optimizerState(_ run: String) throws -> Data {
            let latest = try String(contentsOfFile: run + "/latest", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            return try Data(contentsOf: URL(fileURLWithPath: run + "/" + latest + "/optimizer.safetensors"))
        }
        let o1 = try optimizerState(one), o2 = try optimizerState(two)
        #expect(o1.count == o2.count && o1.count > 10_000)
        // Resuming the two-rank run on one rank reads the gathered state.
        let resumed = try CLI.run(["run", "--graph", plan, "--epochs", "3", "--resume", two])
        #expect(resumed.status == 0, "\(resumed.stderr)")
    }
}
