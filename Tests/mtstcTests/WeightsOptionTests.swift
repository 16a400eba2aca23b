import Foundation
import Testing

/// `--weights` of `predict` and `embed` takes a run folder, a snapshot folder or a checkpoint.
@Suite struct WeightsOptionTests {
    @Test func aRunFolderASnapshotAndACheckpointAllWork() throws {
        let scratch = try Scratch(tmpfsBytes: nil)
        let plan = try scratch.tinyPlan()
        let out = scratch.file("run")
        let run = try CLI.run(["run", "--graph", plan, "--epochs", "2", "--out", out])
        try #require(run.status == 0, "\(run.stderr)")
        let text = "show me flights from boston to denver"
        func output(_ command: String, _ weights: String) throws -> String {
            let r = try CLI.run([command, "--graph", plan, "--weights", weights, text])
            #expect(r.status == 0, "\(command) --weights \(weights): \(r.stderr)")
            return r.stdout
        }
        for command in ["predict", "embed"] {
            let latest = try output(command, out + "/epoch-0002/checkpoint.safetensors")
            #expect(!latest.isEmpty)
            #expect(try output(command, out) == latest)
            #expect(try output(command, out + "/epoch-0002") == latest)
            #expect(try output(command, out + "/checkpoint.safetensors") == latest)
        }
        let first = try output("embed", out + "/epoch-0001")
        #expect(first != (try output("embed", out)))
        let untrained = try CLI.run(["embed", "--graph", plan, text])
        #expect(untrained.status == 0 && untrained.stdout != first)
    }
}
