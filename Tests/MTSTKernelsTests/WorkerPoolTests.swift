import Foundation
@testable import MTSTKernels
import Testing

@Suite struct WorkerPoolTests {
    @Test func everyChunkRunsExactlyOnce() {
        for chunks in [1, 2, 3, 4, 17, 256] {
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: chunks)
            counts.initialize(repeating: 0, count: chunks)
            defer { counts.deallocate() }
            for _ in 0..<50 { WorkerPool.shared.run(chunks: chunks) { counts[$0] += 1 } }
            #expect((0..<chunks).allSatisfy { counts[$0] == 50 }, "\(chunks) chunks")
        }
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
