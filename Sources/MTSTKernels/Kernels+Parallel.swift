import Foundation

extension Kernels {
    /// Threads the kernels use (the worker pool's size): `ComputeThreads`' count, fixed by the
    /// first read. Every parallel kernel and the worker pool read it, so it cannot change later.
    static let coreCount = ComputeThreads.fix()

    /// Below this many scalar operations a thread hand-off costs more than it saves.
    static let parallelThreshold = 1 << 15

    /// Runs `body` over `0..<count`, split into at most 2·cores contiguous ranges run concurrently
    /// when `work` (an estimate of scalar operations) is large enough; otherwise in one call on
    /// the calling thread. Range bounds are multiples of `granularity` (except the end), so
    /// SIMD blocks never straddle two ranges and results do not depend on the split.
    /// `body` must only write memory that belongs to its own range.
    @inline(__always)
    static func parallelRanges(_ count: Int, work: Int, granularity: Int = 1, _ body: (Range<Int>) -> Void) {
        let units = (count + granularity - 1) / granularity
        let chunks = min(2 * coreCount, units)
        guard work >= parallelThreshold, chunks > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        let perChunk = (units + chunks - 1) / chunks * granularity
        WorkerPool.shared.run(chunks: chunks) { i in
            let start = i * perChunk
            let end = min(count, start + perChunk)
            if start < end { body(start..<end) }
        }
    }
}
