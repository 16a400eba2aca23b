import Foundation
import MTSTDistributed
import MTSTKernels
import Testing

/// Every operation of `MPICollectives` on 3 real ranks: this test binary runs its own probe
/// under `mpirun` (the probe only runs when `MTSTC_MPI_PROBE` is set, which the launcher passes
/// on with `-x`), and each rank checks the results it got.
@Suite(.enabled(if: MPIRun.available, "mpirun not installed: skipped (Scripts/test.sh installs openmpi-bin)"))
struct MPICollectivesTests {
    @Test func everyCollectiveOnThreeRanks() throws {
        let launcher = try #require(MPIRun.mpirun)
        let binary = ProcessInfo.processInfo.arguments[0]
        let job = Process()
        job.executableURL = URL(fileURLWithPath: launcher)
        job.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", "3", "-x", "MTSTC_MPI_PROBE=1", binary,
                         "--testing-library", "swift-testing", "--filter", "MPICollectivesProbe"]
        job.environment = ProcessInfo.processInfo.environment.merging(["MTSTC_MPI_PROBE": "1"]) { $1 }
        let out = Pipe()
        job.standardOutput = out
        job.standardError = out
        try job.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        job.waitUntilExit()
        #expect(job.terminationStatus == 0, "\(text)")
        #expect(text.components(separatedBy: "probe passed on rank").count == 4, "\(text)")
    }
}

/// Runs inside each rank of `MPICollectivesTests`; skipped in a normal test run.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["MTSTC_MPI_PROBE"] == "1", "runs only under mpirun (MPICollectivesTests)"))
struct MPICollectivesProbe {
    static func pointer(_ a: inout [Float], _ body: (UnsafeMutablePointer<Float>) throws -> Void) rethrows {
        try a.withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }

    @Test func probe() throws {
        let c = try Distributed.start()
        #expect(c is MPICollectives && c.size == 3)
        let r = c.rank, n = c.size
        var f: [Float] = (0..<5).map { i in Float(r * 10 + i) }
        try Self.pointer(&f) { try c.allReduceSum($0, count: 5) }
        let sums: [Float] = (0..<5).map { i in Float(30 + 3 * i) }
        #expect(f == sums)
        var d = [Double(r) + 0.5]
        try d.withUnsafeMutableBufferPointer { p in try c.allReduceSum(p.baseAddress!, count: 1) }
        #expect(d == [4.5])

        // Non-blocking: started, other work, then waited; a second wait is an error.
        var g = [Float](repeating: Float(r + 1), count: 1000)
        var request = CollectiveRequest(id: -1)
        try Self.pointer(&g) { request = try c.startAllReduceSum($0, count: 1000) }
        try c.barrier()
        try c.wait(request)
        var waitedTwice = false
        do { try c.wait(request) } catch { waitedTwice = true }
        #expect(waitedTwice)
        #expect(g.allSatisfy { $0 == 6 })

        // Uneven slices, one empty: rank r ends with the sum of its own slice.
        let counts = [3, 0, 2]
        var rs: [Float] = (0..<5).map { i in Float(i + r) }
        try Self.pointer(&rs) { try c.reduceScatterSum($0, counts: counts) }
        let offset = counts[..<r].reduce(0, +)
        let mySlice = Array(rs[offset..<(offset + counts[r])])
        let expected: [Float] = (offset..<(offset + counts[r])).map { i in Float(3 * i + 3) }
        #expect(mySlice == expected)

        var ag = [Float](repeating: -1, count: 5)
        for i in offset..<(offset + counts[r]) { ag[i] = Float(100 * r + i) }
        try Self.pointer(&ag) { try c.allGather($0, counts: counts) }
        #expect(ag == [0, 1, 2, 203, 204])

        // The same in chunks of 2 floats: rank 0's slice straddles two chunks, one chunk holds
        // parts of two slices.
        let mpi = try #require(c as? MPICollectives)
        mpi.sliceChunk = 2
        var rsChunked: [Float] = (0..<5).map { i in Float(i + r) }
        try Self.pointer(&rsChunked) { try c.reduceScatterSum($0, counts: counts) }
        #expect(Array(rsChunked[offset..<(offset + counts[r])]) == expected)
        var agChunked = [Float](repeating: -1, count: 5)
        for i in offset..<(offset + counts[r]) { agChunked[i] = Float(100 * r + i) }
        try Self.pointer(&agChunked) { try c.allGather($0, counts: counts) }
        #expect(agChunked == [0, 1, 2, 203, 204])
        mpi.sliceChunk = MPICollectives.defaultSliceChunk

        var bytes: [UInt8] = r == 1 ? Array("from one".utf8) : Array(repeating: 0, count: 8)
        try bytes.withUnsafeMutableBytes { p in try c.broadcast(p.baseAddress!, count: 8, root: 1) }
        #expect(String(decoding: bytes, as: UTF8.self) == "from one")

        var x: [Float] = [0]
        var refused = false
        do { try Self.pointer(&x) { try c.allGather($0, counts: [1]) } } catch { refused = true }
        #expect(refused, "slices for 1 rank among 3")
        try c.barrier()
        print("probe passed on rank \(r) of \(n)")
    }
}
