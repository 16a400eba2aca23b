import CMPI
import Foundation
import MTSTKernels
import Synchronization

/// `Collectives` over Open MPI's C API, on `MPI_COMM_WORLD`. Created once per process (MPI can
/// be initialised only once): `MPI_Init_thread` with funnelled threads (only the trainer's
/// thread calls MPI; the kernels' worker threads never do), errors returned instead of aborting
/// so that each becomes a `CollectiveError` with MPI's own message, and `MPI_Finalize` when the
/// process exits.
public final class MPICollectives: Collectives, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    /// Started non-blocking operations (their `MPI_Request` handles as bit patterns) by request
    /// id; the lock only guards the table.
    private let pending = Mutex<(next: Int, requests: [Int: Int])>((1, [:]))

    /// Initialises MPI. Call at most once per process (`Distributed.start` does).
    public init() throws(CollectiveError) {
        var provided: Int32 = 0
        try Self.check(MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided), "MPI_Init_thread")
        atexit { MPICollectives.finalize() }
        try Self.check(MPI_Comm_set_errhandler(cmpi_comm_world(), cmpi_errors_return()), "MPI_Comm_set_errhandler")
        var r: Int32 = 0, n: Int32 = 0
        try Self.check(MPI_Comm_rank(cmpi_comm_world(), &r), "MPI_Comm_rank")
        try Self.check(MPI_Comm_size(cmpi_comm_world(), &n), "MPI_Comm_size")
        rank = Int(r)
        size = Int(n)
    }

    /// Ends MPI if it was started and not yet ended; idempotent.
    public static func finalize() {
        var initialized: Int32 = 0, finalized: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&finalized)
        if initialized != 0 && finalized == 0 { MPI_Finalize() }
    }

    static func check(_ code: Int32, _ call: String) throws(CollectiveError) {
        guard code != cmpi_success() else { return }
        var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
        var length: Int32 = 0
        let message = MPI_Error_string(code, &text, &length) == cmpi_success()
            ? String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : "error \(code)"
        throw CollectiveError("\(call) failed: \(message)")
    }

    /// MPI counts are 32-bit: larger buffers go in pieces.
    private static let chunk = Int(Int32.max) / 2

    private func allReduce(_ buffer: UnsafeMutableRawPointer, count: Int, stride: Int, type: MPI_Datatype) throws(CollectiveError) {
        var done = 0
        while done < count {
            let n = min(Self.chunk, count - done)
            try Self.check(MPI_Allreduce(cmpi_in_place(), buffer + done * stride, Int32(n), type, cmpi_sum(), cmpi_comm_world()),
                           "MPI_Allreduce")
            done += n
        }
    }

    public func allReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws(CollectiveError) {
        try allReduce(buffer, count: count, stride: 4, type: cmpi_float())
    }

    public func allReduceSum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws(CollectiveError) {
        try allReduce(buffer, count: count, stride: 8, type: cmpi_double())
    }

    public func startAllReduceSum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws(CollectiveError) -> CollectiveRequest {
        guard count <= Self.chunk else { throw CollectiveError("MPI_Iallreduce: \(count) values exceed one request's \(Self.chunk)") }
        var request: MPI_Request? = cmpi_request_null()
        try Self.check(MPI_Iallreduce(cmpi_in_place(), buffer, Int32(count), cmpi_float(), cmpi_sum(), cmpi_comm_world(), &request),
                       "MPI_Iallreduce")
        return pending.withLock { table in
            let id = table.next
            table.next += 1
            table.requests[id] = Int(bitPattern: request)
            return CollectiveRequest(id: id)
        }
    }

    public func wait(_ request: CollectiveRequest) throws(CollectiveError) {
        guard let started = pending.withLock({ $0.requests.removeValue(forKey: request.id) }) else {
            throw CollectiveError("MPI_Wait: request \(request.id) was never started or is already complete")
        }
        var r = MPI_Request(bitPattern: started)
        try Self.check(MPI_Wait(&r, cmpi_status_ignore()), "MPI_Wait")
    }

    /// Checks a sliced collective's counts: one per rank, non-negative, each chunk's within 32 bits.
    private func validate(_ counts: [Int], _ call: String) throws(CollectiveError) {
        guard counts.count == size else { throw CollectiveError("\(call): \(counts.count) slices for \(size) ranks") }
        guard counts.allSatisfy({ $0 >= 0 }), sliceChunk > 0, sliceChunk <= Int(Int32.max) else {
            throw CollectiveError("\(call): slice sizes must be non-negative and each chunk below 2³¹")
        }
    }

    /// Floats per call of the sliced collectives (8 MiB). Open MPI's `MPI_Reduce_scatter` copies
    /// its whole input into a temporary of the same size (and its all-gather may too), so one call
    /// on bert-base's 416 MiB of gradients grew each rank by more than ZeRO stage 1 saves. A few
    /// MiB bounds that temporary at under 2% of bert-base's gradients, while one chunk still
    /// takes milliseconds to move, far above a call's microseconds of latency.
    public static let defaultSliceChunk = 2 * 1024 * 1024
    /// The chunk `reduceScatterSum` and `allGather` use; tests shrink it so that slices straddle
    /// chunks. Every rank must use the same value.
    public var sliceChunk = MPICollectives.defaultSliceChunk

    public func reduceScatterSum(_ buffer: UnsafeMutablePointer<Float>, counts: [Int]) throws(CollectiveError) {
        try validate(counts, "MPI_Reduce_scatter")
        let chunks = CollectiveChunk.split(counts, chunk: sliceChunk)
        // The result goes to a separate buffer: MPI_IN_PLACE would leave it at the window's
        // offset 0, not at this rank's part. One chunk's part at most.
        let result = UnsafeMutablePointer<Float>.allocate(capacity: max(chunks.map { $0.counts[rank] }.max() ?? 0, 1))
        defer { result.deallocate() }
        for chunk in chunks {
            let c = chunk.counts.map { Int32($0) }
            let window = buffer + chunk.start
            try Self.check(MPI_Reduce_scatter(window, result, c, cmpi_float(), cmpi_sum(), cmpi_comm_world()), "MPI_Reduce_scatter")
            (window + chunk.displacements[rank]).update(from: result, count: chunk.counts[rank])
        }
    }

    public func allGather(_ buffer: UnsafeMutablePointer<Float>, counts: [Int]) throws(CollectiveError) {
        try validate(counts, "MPI_Allgatherv")
        for chunk in CollectiveChunk.split(counts, chunk: sliceChunk) {
            let c = chunk.counts.map { Int32($0) }, d = chunk.displacements.map { Int32($0) }
            try Self.check(MPI_Allgatherv(cmpi_in_place(), 0, cmpi_datatype_null(), buffer + chunk.start, c, d, cmpi_float(),
                                          cmpi_comm_world()), "MPI_Allgatherv")
        }
    }

    public func broadcast(_ bytes: UnsafeMutableRawPointer, count: Int, root: Int) throws(CollectiveError) {
        var done = 0
        while done < count {
            let n = min(Self.chunk, count - done)
            try Self.check(MPI_Bcast(bytes + done, Int32(n), cmpi_byte(), Int32(root), cmpi_comm_world()), "MPI_Bcast")
            done += n
        }
    }

    /// Tests every started request once, so Open MPI's non-blocking collectives (which advance
    /// only inside MPI calls here: no progress thread) move while the backward pass computes.
    /// A completed request becomes `MPI_REQUEST_NULL`, which `wait` then returns at once for.
    public func progress() {
        pending.withLock { table in
            for (id, handle) in table.requests where handle != Int(bitPattern: cmpi_request_null()) {
                var r = MPI_Request(bitPattern: handle)
                var done: Int32 = 0
                guard MPI_Test(&r, &done, cmpi_status_ignore()) == cmpi_success() else { continue }
                table.requests[id] = Int(bitPattern: r)
            }
        }
    }

    public func barrier() throws(CollectiveError) {
        try Self.check(MPI_Barrier(cmpi_comm_world()), "MPI_Barrier")
    }
}
