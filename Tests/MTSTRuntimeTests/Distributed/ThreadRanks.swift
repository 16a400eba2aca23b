import Foundation
import MTSTKernels

/// N ranks as threads of one process, sharing memory: a real `Collectives` (sums in rank order,
/// so every rank gets the same bits), for tests that need several ranks without `mpirun`.
/// Non-blocking starts complete at once. The sliced collectives go in `CollectiveChunk`s of
/// `sliceChunk` floats, as `MPICollectives` does.
final class ThreadGroup: @unchecked Sendable {
    let size: Int
    let sliceChunk: Int
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var posted: [UnsafeMutableRawPointer?]

    init(size: Int, sliceChunk: Int = Int.max) {
        self.size = size
        self.sliceChunk = sliceChunk
        posted = Array(repeating: nil, count: size)
    }

    /// Every rank posts its buffer, then all wait for each other.
    func exchange(_ rank: Int, _ pointer: UnsafeMutableRawPointer?) -> [UnsafeMutableRawPointer?] {
        condition.lock()
        posted[rank] = pointer
        let all = barrierLocked()
        condition.unlock()
        return all
    }

    func barrier() {
        condition.lock()
        _ = barrierLocked()
        condition.unlock()
    }

    private func barrierLocked() -> [UnsafeMutableRawPointer?] {
        let gen = generation
        arrived += 1
        if arrived == size {
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == gen { condition.wait() }
        }
        return posted
    }

    /// Runs `body(rank)` on one thread per rank and returns when all are done.
    func run(_ body: @escaping @Sendable (ThreadRank) throws -> Void) rethrows {
        let done = DispatchGroup()
        let errors = NSLock()
        nonisolated(unsafe) var failure: Error?
        for r in 0..<size {
            done.enter()
            let thread = Thread {
                do { try body(ThreadRank(group: self, rank: r)) } catch {
                    errors.lock(); failure = failure ?? error; errors.unlock()
                }
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        if let failure { preconditionFailure("rank failed: \(failure)") }
    }
}

final class ThreadRank: Collectives, @unchecked Sendable {
    let group: ThreadGroup
    let rank: Int
    var size: Int { group.size }
    init(group: ThreadGroup, rank: Int) {
        self.group = group
        self.rank = rank
    }

    private func sum<T: FloatingPoint>(_ buffer: UnsafeMutablePointer<T>, range: Range<Int>) {
        let all = group.exchange(rank, UnsafeMutableRawPointer(buffer))
        var total = [T](repeating: 0, count: range.count)
        for r in 0..<size {
            let p = all[r]!.assumingMemoryBound(to: T.self)
            for (k, i) in range.enumerated() { total[k] += p[i] }
        }
        group.barrier()  // everyone has read before anyone writes
        for (k, i) in range.enumerated() { buffer[i] = total[k] }
        group.barrier()
    }

    func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws(CollectiveError) { sum(buffer, range: 0..<count) }
    func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws(CollectiveError) { sum(buffer, range: 0..<count) }
    func startAllReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws(CollectiveError) -> CollectiveRequest {
        sum(buffer, range: 0..<count)
        return CollectiveRequest(id: 0)
    }
    func wait(_ request: CollectiveRequest) throws(CollectiveError) {}

    private func slice(_ counts: [Int], _ r: Int) -> Range<Int> {
        let start = counts[..<r].reduce(0, +)
        return start..<(start + counts[r])
    }

    func reduceScatterSum(_ buffer: UnsafeMutablePointer<Float>, counts: [Int]) throws(CollectiveError) {
        for chunk in CollectiveChunk.split(counts, chunk: group.sliceChunk) {
            sum(buffer + chunk.start, range: slice(chunk.counts, rank))
        }
    }

    func allGather(_ buffer: UnsafeMutablePointer<Float>, counts: [Int]) throws(CollectiveError) {
        for chunk in CollectiveChunk.split(counts, chunk: group.sliceChunk) {
            let window = buffer + chunk.start
            let all = group.exchange(rank, UnsafeMutableRawPointer(window))
            for r in 0..<size where r != rank {
                let p = all[r]!.assumingMemoryBound(to: Float.self)
                for i in slice(chunk.counts, r) { window[i] = p[i] }
            }
            group.barrier()
        }
    }

    func broadcast(_ bytes: UnsafeMutableRawPointer, count: Int, root: Int) throws(CollectiveError) {
        let all = group.exchange(rank, bytes)
        if rank != root { bytes.copyMemory(from: all[root]!, byteCount: count) }
        group.barrier()
    }

    func barrier() throws(CollectiveError) { group.barrier() }
}
