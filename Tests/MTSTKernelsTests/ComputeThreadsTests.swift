import Foundation
@testable import MTSTKernels
import Synchronization
import Testing

@Suite struct ComputeThreadsTests {
    @Test func defaultSharesTheCoresBetweenTheRanksOnTheHost() {
        #expect(ComputeThreads.defaultCount(cores: 2, hostCores: 2, localRanks: 1) == 2)
        #expect(ComputeThreads.defaultCount(cores: 2, hostCores: 2, localRanks: 2) == 1)
        #expect(ComputeThreads.defaultCount(cores: 16, hostCores: 16, localRanks: 4) == 4)
        #expect(ComputeThreads.defaultCount(cores: 16, hostCores: 16, localRanks: 3) == 5)
        #expect(ComputeThreads.defaultCount(cores: 2, hostCores: 2, localRanks: 8) == 1, "oversubscribed ranks still get one thread")
        #expect(ComputeThreads.defaultCount(cores: 1, hostCores: 16, localRanks: 2) == 1, "a rank bound to one core")
        #expect(ComputeThreads.defaultCount(cores: 1, hostCores: 2, localRanks: 1) == 1, "taskset -c 1")
    }

    @Test func oversubscriptionIsNamed() {
        #expect(ComputeThreads.oversubscription(threads: 1, localRanks: 1) == nil)
        #expect(ComputeThreads.oversubscription(threads: ComputeThreads.cores + 1, localRanks: 1)
                == "\(ComputeThreads.cores + 1) threads on \(ComputeThreads.cores) cores")
        let h = ComputeThreads.hostCores
        #expect(ComputeThreads.oversubscription(threads: h, localRanks: 2) == "2 ranks × \(h) threads on \(h) cores")
    }

    @Test func localRanksComeFromOpenMPIsEnvironment() {
        #expect(ComputeThreads.localRanks(environment: [:]) == 1)
        #expect(ComputeThreads.localRanks(environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "4"]) == 4)
        #expect(ComputeThreads.localRanks(environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "0"]) == 1)
        #expect(ComputeThreads.localRanks(environment: ["OMPI_COMM_WORLD_LOCAL_SIZE": "x"]) == 1)
    }

    @Test func outOfRangeCountsAreRefused() {
        for n in [0, -1, ComputeThreads.maximum + 1, Int.max] {
            #expect(throws: ThreadCountError.outOfRange(n)) { try ComputeThreads.set(n) }
        }
    }

    /// Once a kernel has run, the pool has its size: asking for another is an error, asking
    /// for the same is not.
    @Test func countIsFixedByTheFirstKernel() throws {
        Kernels.parallelRanges(1 << 20, work: 1 << 20) { _ in }
        let inForce = ComputeThreads.current
        try ComputeThreads.set(inForce)
        let other = inForce == 1 ? 2 : 1
        #expect(throws: ThreadCountError.alreadyFixed(requested: other, inForce: inForce)) { try ComputeThreads.set(other) }
        #expect(ComputeThreads.current == inForce)
    }

    /// The pool runs exactly `current` threads: chunks that each wait (briefly) for all to have
    /// started see that many distinct threads. Other tests use the pool concurrently, and a job
    /// that finds it busy runs inline on one thread, so a few attempts are allowed; a pool of
    /// the wrong size never passes.
    @Test func poolRunsAsManyThreadsAsTheCount() {
        let n = ComputeThreads.current
        #expect(ComputeThreads.poolSize == n)
        var most = 0
        for _ in 0..<50 where most != n {
            let started = Atomic<Int>(0)
            let threads = Mutex(Set<pthread_t>())
            WorkerPool.shared.run(chunks: n) { _ in
                started.add(1, ordering: .relaxed)
                let deadline = Date().addingTimeInterval(0.2)
                while started.load(ordering: .relaxed) < n, Date() < deadline {}
                threads.withLock { _ = $0.insert(pthread_self()) }
            }
            most = max(most, threads.withLock { $0.count })
        }
        #expect(most == n)
    }
}
