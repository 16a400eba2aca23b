import Foundation
@testable import MTSTKernels
import Synchronization
import Testing

@Suite struct WorkerPoolTests {
    @Test func everyChunkRunsExactlyOnce() {
        for chunks in [0, 1, 2, 3, 4, 17, 256] {
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: max(chunks, 1))
            counts.initialize(repeating: 0, count: max(chunks, 1))
            defer { counts.deallocate() }
            for _ in 0..<50 { WorkerPool.shared.run(chunks: chunks) { counts[$0] += 1 } }
            #expect((0..<chunks).allSatisfy { counts[$0] == 50 }, "\(chunks) chunks")
        }
    }

    /// The chunk count changes from job to job (small, then large, then small …), the pattern
    /// in which a worker still leaving job g could once claim a chunk that exists only in job
    /// g+1. Every job must run each of its chunks exactly once, no chunk index may be out of
    /// range, and no chunk may still be running when `run` returns.
    @Test func varyingChunkCountsRunEachChunkOnceAndFinishBeforeReturn() {
        let maxChunks = 97
        let jobs = 20_000
        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: maxChunks)
        defer { counts.deallocate() }
        let running = Atomic<Int>(0)
        let outOfRange = Atomic<Int>(0)
        var rng = SystemRandomNumberGenerator()
        var wrongCounts = 0
        var stillRunning = 0
        for job in 0..<jobs {
            // Alternate tiny and large jobs so a late worker of one meets a larger next job.
            let chunks = job % 2 == 0 ? Int.random(in: 2...3, using: &rng) : Int.random(in: 16...maxChunks, using: &rng)
            counts.initialize(repeating: 0, count: maxChunks)
            WorkerPool.shared.run(chunks: chunks) { i in
                running.add(1, ordering: .relaxed)
                if i < 0 || i >= chunks { outOfRange.add(1, ordering: .relaxed) } else { counts[i] += 1 }
                // A little work, so a chunk that started late is still running when `run` returns.
                var x = 0
                for k in 0..<(i % 7) * 50 { x &+= k }
                if x == -1 { print(x) }
                running.subtract(1, ordering: .relaxed)
            }
            if running.load(ordering: .acquiring) != 0 { stillRunning += 1 }
            if (0..<chunks).contains(where: { counts[$0] != 1 }) || (chunks..<maxChunks).contains(where: { counts[$0] != 0 }) {
                wrongCounts += 1
            }
        }
        #expect(wrongCounts == 0, "jobs in which a chunk ran other than exactly once")
        #expect(stillRunning == 0, "jobs that returned while a chunk was running")
        #expect(outOfRange.load(ordering: .relaxed) == 0, "chunk indices out of range")
    }

    /// Requests larger than one job's 16-bit chunk field are split into several jobs.
    @Test func moreChunksThanOneJobCarries() {
        let chunks = WorkerPool.maxChunksPerJob * 2 + 5
        let counts = UnsafeMutablePointer<UInt8>.allocate(capacity: chunks)
        counts.initialize(repeating: 0, count: chunks)
        defer { counts.deallocate() }
        WorkerPool.shared.run(chunks: chunks) { counts[$0] += 1 }
        #expect((0..<chunks).allSatisfy { counts[$0] == 1 })
    }

    /// Callers on several threads at once (as concurrent tests are) and a job that itself calls
    /// the pool: the second caller runs inline, nothing is lost or run twice.
    @Test func concurrentAndNestedCallersAreSafe() {
        let callers = 4, chunks = 8, rounds = 200
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: callers * chunks * chunks)
        counts.initialize(repeating: 0, count: callers * chunks * chunks)
        defer { counts.deallocate() }
        let shared = UnsafeSendablePointer(counts)
        DispatchQueue.concurrentPerform(iterations: callers) { c in
            for _ in 0..<rounds {
                WorkerPool.shared.run(chunks: chunks) { i in
                    WorkerPool.shared.run(chunks: chunks) { j in shared.pointer[(c * chunks + i) * chunks + j] += 1 }
                }
            }
        }
        #expect((0..<(callers * chunks * chunks)).allSatisfy { counts[$0] == rounds })
    }
}

private struct UnsafeSendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int>
    init(_ pointer: UnsafeMutablePointer<Int>) { self.pointer = pointer }
}
