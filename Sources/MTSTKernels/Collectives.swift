// The collective operations data-parallel training needs, behind one protocol, so that kernels
// (the compiler-scheduled all-reduce nodes) and the trainer call them without knowing the
// transport. `SingleProcess` is the one-rank case every plain `mtstc run` uses; the Open MPI
// implementation lives in the runtime.

/// A failed collective: a rank died, the transport broke. Carries the transport's own message.
public struct CollectiveError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A started non-blocking collective; `Collectives.wait` completes it.
public struct CollectiveRequest: Hashable, Sendable {
    public let id: Int
    public init(id: Int) { self.id = id }
}

public protocol Collectives: AnyObject, Sendable {
    /// This process's rank in `0..<size`.
    var rank: Int { get }
    var size: Int { get }
    /// Sums `count` values across ranks, in place, blocking.
    func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws(CollectiveError)
    func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws(CollectiveError)
    /// Starts an in-place float sum and returns at once; the buffer must not be touched until
    /// `wait` has returned for it.
    func startAllReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws(CollectiveError) -> CollectiveRequest
    func wait(_ request: CollectiveRequest) throws(CollectiveError)
    /// `buffer` holds `counts.reduce(0, +)` floats, slice r at offset `counts[..<r].sum`. Afterwards
    /// this rank's slice holds the sum over ranks of that slice; the other slices are undefined.
    func reduceScatterSum(_ buffer: UnsafeMutablePointer<Float>, counts: [Int]) throws(CollectiveError)
    /// Each rank contributes its own slice of `buffer` (same layout as `reduceScatterSum`);
    /// afterwards every rank holds every slice.
    func allGather(_ buffer: UnsafeMutablePointer<Float>, counts: [Int]) throws(CollectiveError)
    /// Copies `count` bytes from `root` to every rank.
    func broadcast(_ bytes: UnsafeMutableRawPointer, count: Int, root: Int) throws(CollectiveError)
    func barrier() throws(CollectiveError)
    /// Lets started non-blocking operations advance without waiting for them: transports that
    /// move data only inside library calls (Open MPI's non-blocking collectives without a
    /// progress thread) otherwise do all the work in `wait`. The executor calls it between the
    /// nodes of a training program while a gradient bucket is in flight.
    func progress()
}

public extension Collectives {
    func progress() {}
}

/// One process, no communication: every collective is the identity.
public final class SingleProcess: Collectives {
    public static let shared = SingleProcess()
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws(CollectiveError) {}
    public func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws(CollectiveError) {}
    public func startAllReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws(CollectiveError) -> CollectiveRequest {
        CollectiveRequest(id: 0)
    }
    public func wait(_ request: CollectiveRequest) throws(CollectiveError) {}
    public func reduceScatterSum(_ buffer: UnsafeMutablePointer<Float>, counts: [Int]) throws(CollectiveError) {}
    public func allGather(_ buffer: UnsafeMutablePointer<Float>, counts: [Int]) throws(CollectiveError) {}
    public func broadcast(_ bytes: UnsafeMutableRawPointer, count: Int, root: Int) throws(CollectiveError) {}
    public func barrier() throws(CollectiveError) {}
}

/// Splits a sliced collective (`reduceScatterSum`, `allGather`: slice r of `counts[r]` floats at
/// offset `counts[..<r].sum`) into consecutive chunks of at most `chunk` floats, so that no
/// single call hands the transport more than a chunk: Open MPI's `MPI_Reduce_scatter` allocates a
/// temporary as large as the whole buffer it is given, which under ZeRO stage 1 on bert-base
/// (a 416 MiB gradient buffer) cost more than the sharded optimizer state saved.
///
/// Each chunk is a window `[start, start + counts.sum)` of the buffer with, per rank, the part of
/// that rank's slice that falls inside it (zero for ranks whose slice misses the window). The
/// parts are contiguous and in rank order, as `MPI_Reduce_scatter` requires, so running the
/// collective on every chunk in turn computes exactly what one call on the whole buffer does:
/// every value is still reduced once over the same ranks. Every rank derives the same chunks
/// from the same `counts`, so all ranks make the same calls in the same order.
public struct CollectiveChunk: Equatable, Sendable {
    /// Offset of the window in the whole buffer, in floats.
    public let start: Int
    /// Per rank, the floats of its slice inside the window.
    public let counts: [Int]
    /// Per rank, where that part starts inside the window.
    public var displacements: [Int] {
        var d: [Int] = []
        var at = 0
        for c in counts { d.append(at); at += c }
        return d
    }

    public init(start: Int, counts: [Int]) {
        self.start = start
        self.counts = counts
    }

    /// The chunks of a buffer sliced by `counts`, in buffer order; none when it is empty.
    public static func split(_ counts: [Int], chunk: Int) -> [CollectiveChunk] {
        precondition(chunk > 0, "chunk must hold at least one value")
        var sliceStarts: [Int] = []
        var total = 0
        for c in counts { sliceStarts.append(total); total += c }
        var chunks: [CollectiveChunk] = []
        var start = 0
        while start < total {
            let end = start + min(chunk, total - start)
            let parts = counts.indices.map { r in max(0, min(end, sliceStarts[r] + counts[r]) - max(start, sliceStarts[r])) }
            chunks.append(CollectiveChunk(start: start, counts: parts))
            start = end
        }
        return chunks
    }
}
