import Foundation
import Synchronization

// One set of worker threads for every parallel kernel, GEMMs included.
//
// Before, element-wise kernels went through Dispatch and GEMMs through the BLAS's own threads.
// On two cores the two pools fought: after each GEMM, OpenBLAS's worker keeps spinning (with
// sched_yield) for a while, exactly when the next LayerNorm or GELU wants that core for its
// Dispatch thread, and every Dispatch hand-off paid a futex wake. Now the BLAS runs
// single-threaded, GEMMs are split into per-core blocks here, and one worker per extra core
// spins briefly between jobs (a training step issues hundreds of them, microseconds apart)
// before it sleeps. ggml's thread pool follows the same pattern.

/// A fixed pool: the calling thread plus `coreCount − 1` workers. Jobs are `chunks` independent
/// calls `body(i)`, claimed dynamically, so a core the VM stalls does not hold the others up.
///
/// Everything a worker needs to decide whether a chunk exists lives in one atomic word, the
/// ticket: `generation << 32 | chunks << 16 | next`. A claim is one compare-and-swap on that
/// word, so it succeeds only for an unclaimed chunk of the job the worker read. (An earlier
/// version kept `chunks` in a plain field written before the new ticket: a worker still
/// looping on job g could compare g's next index against g+1's larger chunk count, claim a
/// "chunk" of g that did not exist, and run g+1's body with it before g+1 was published; the
/// chunk then ran twice and the caller could return while it was still running.)
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(workers: Kernels.coreCount - 1)

    /// Most chunks one job can carry in the ticket's 16-bit field; `run` splits larger requests.
    static let maxChunksPerJob = 0xFFFF

    private let ticket = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    /// One caller at a time; a second (a concurrent test, a nested call) runs its job inline.
    private let busy = Atomic<Bool>(false)
    // Written by the caller before it publishes the ticket (release), read by a worker only after
    // a successful claim on that ticket (acquire). The caller cannot replace it before every
    // chunk of the job has finished, and a claim succeeds only for an unfinished chunk.
    private nonisolated(unsafe) var body: ((Int) -> Void)?
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private nonisolated(unsafe) var sleepers = 0
    let workers: Int

    /// Spins of an idle worker before it sleeps: tens of microseconds, longer than the gap between
    /// two kernels of a step, far shorter than anything a user would notice as a busy core.
    private static let spinLimit = 1 << 16

    private init(workers: Int) {
        self.workers = max(0, workers)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        for _ in 0..<self.workers {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.name = "mtstc-kernels"
            thread.start()
        }
    }

    /// Runs `body(0) … body(chunks − 1)` across the pool and returns when all have finished.
    func run(chunks: Int, _ body: (Int) -> Void) {
        guard chunks > 1, workers > 0, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for i in 0..<max(chunks, 0) { body(i) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        var first = 0
        while first < chunks {
            let count = min(Self.maxChunksPerJob, chunks - first)
            let offset = first
            runJob(chunks: count) { body(offset + $0) }
            first += count
        }
    }

    private func runJob(chunks: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            self.body = body
            finished.store(0, ordering: .relaxed)
            // 32 bits of generation, wrapping: a worker only ever compares it for equality.
            let generation = ((ticket.load(ordering: .relaxed) >> 32) + 1) & 0xFFFF_FFFF
            ticket.store(generation << 32 | chunks << 16, ordering: .releasing)
            pthread_mutex_lock(mutex)
            if sleepers > 0 { pthread_cond_broadcast(wake) }
            pthread_mutex_unlock(mutex)
            work(generation)
            while finished.load(ordering: .acquiring) < chunks {}
            self.body = nil
        }
    }

    /// Claims and runs chunks of `generation` until none is left.
    private func work(_ generation: Int) {
        while true {
            let t = ticket.load(ordering: .acquiring)
            let next = t & 0xFFFF
            guard t >> 32 == generation, next < (t >> 16) & 0xFFFF else { return }
            if ticket.compareExchange(expected: t, desired: t + 1, ordering: .acquiringAndReleasing).exchanged {
                body?(next)
                finished.add(1, ordering: .releasing)
            }
        }
    }

    private func workerLoop() {
        var seen = 0
        var spins = 0
        while true {
            let generation = ticket.load(ordering: .acquiring) >> 32
            if generation != seen {
                work(generation)
                seen = generation
                spins = 0
                continue
            }
            spins += 1
            guard spins > Self.spinLimit else { continue }
            pthread_mutex_lock(mutex)
            sleepers += 1
            while ticket.load(ordering: .acquiring) >> 32 == seen { pthread_cond_wait(wake, mutex) }
            sleepers -= 1
            pthread_mutex_unlock(mutex)
            spins = 0
        }
    }
}
