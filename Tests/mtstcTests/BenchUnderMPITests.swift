import Foundation
import MTSTKernels
import Testing

/// `mpirun -np 2 mtstc bench --train --json`: the batch is the global batch, every rank runs
/// the same steps, and rank 0 alone prints the global rate, with the ranks and threads it ran.
@Suite(.serialized, .enabled(if: MPIRun.available, "mpirun not installed: skipped (Scripts/test.sh installs openmpi-bin)"))
struct BenchUnderMPITests {
    @Test func rankZeroPrintsTheGlobalRate() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = dir.appendingPathComponent("tiny.plan").path
        #expect(try CLI.run(["compile", "Graphs/tiny.yaml", "-o", plan]).status == 0)
        let bench = ["bench", "--graph", plan, "--batch", "4", "--seq", "16", "--train", "--seconds", "0.2", "--iterations", "3", "--json"]
        for (ranks, threads) in [(2, nil), (2, 1), (3, nil)] as [(Int, Int?)] {
            let r = try MPIRun.run(ranks: ranks, bench + (threads.map { ["--threads", "\($0)"] } ?? []))
            #expect(r.status == 0, "\(r.stderr)")
            let lines = r.stdout.split(separator: "\n")
            #expect(lines.count == 1, "one line from rank 0, got: \(r.stdout)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
            #expect(json["ranks"] as? Int == ranks)
            let used = try #require(json["threads"] as? Int)
            if let threads {
                #expect(used == threads)
            } else {
                // The host's cores shared out, or fewer where mpirun bound the rank to fewer cores.
                #expect(used >= 1 && used <= max(1, ComputeThreads.hostCores / ranks), "\(used) threads")
            }
            let iterations = try #require(json["iterations"] as? Int), seconds = try #require(json["seconds"] as? Double)
            #expect(iterations >= 3 && seconds >= 0.2)
            let rate = try #require(json["sentences_per_second"] as? Double)
            #expect(abs(rate - Double(4 * iterations) / seconds) <= 1e-9 * rate, "the global batch per step")
        }
    }
}
