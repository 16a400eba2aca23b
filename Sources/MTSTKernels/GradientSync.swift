// The run-time side of the compiler-scheduled gradient all-reduce: the `allReduceStart` and
// `allReduceWait` nodes of a training program call this object (handed to the executor), which
// holds the transport, the requests in flight per bucket and what they cost. With one rank it
// does nothing at all, so a single-process run pays one branch per communication node.

/// The requests and timings of one model's gradient buckets, shared by every training program
/// (the phases too) of that model.
public final class GradientSync: @unchecked Sendable {
    public var collectives: any Collectives
    /// False on the micro-batches that only accumulate (gradient accumulation): the nodes then
    /// leave the gradients alone, as DDP's `no_sync`, and the step's last micro-batch sums the
    /// whole accumulated gradient once.
    public var enabled = true
    /// Each start completes before it returns (the all-reduce without any overlap): how the bench
    /// measures what the communication costs on its own.
    public var blocking = false
    /// False under ZeRO stage 1: the optimizer reduce-scatters the gradients itself, so the
    /// bucket nodes leave them alone.
    public var replicated = true
    /// The update program's clipping sums the squared norms over ranks (`globalSum`): under ZeRO
    /// each rank has the norms of its own parameters only.
    public var sumsNormsAcrossRanks = false
    /// The first failure of a collective since the last `takeFailure()`; the nodes cannot throw,
    /// so the trainer asks after every run. Later nodes do nothing once it is set.
    public private(set) var failure: CollectiveError?
    /// Seconds spent inside the start and wait calls, and what travelled, since `resetTimes()`.
    public private(set) var startSeconds = 0.0
    public private(set) var waitSeconds = 0.0
    public private(set) var bytes = 0
    public private(set) var allReduces = 0
    private var pending: [Int: [CollectiveRequest]] = [:]

    public init(collectives: any Collectives = SingleProcess.shared) {
        self.collectives = collectives
    }

    /// True when the nodes communicate at all.
    @inline(__always)
    public var isActive: Bool { enabled && replicated && collectives.size > 1 && failure == nil }

    /// `x` summed over ranks (blocking); NaN after a failure, which makes the optimizer skip the step.
    public func globalSum(_ x: Double) -> Double {
        guard failure == nil else { return .nan }
        var value = x
        do {
            try collectives.allReduceSum(&value, count: 1)
        } catch {
            failure = error
            return .nan
        }
        return value
    }

    /// A bucket's gradient buffers became final: start summing them across ranks. `ranges` are
    /// the buffers as (start, count); ranges that touch are sent as one.
    public func start(bucket: Int, ranges: [(UnsafeMutablePointer<Float>, Int)]) {
        guard isActive else { return }
        let clock = ContinuousClock()
        let began = clock.now
        var requests: [CollectiveRequest] = []
        do {
            for (pointer, count) in Self.merged(ranges) {
                requests.append(try collectives.startAllReduceSum(pointer, count: count))
                bytes += count * MemoryLayout<Float>.stride
                allReduces += 1
            }
            if blocking {
                for r in requests { try collectives.wait(r) }
                requests = []
            }
        } catch {
            failure = error
        }
        if !requests.isEmpty { pending[bucket] = requests }
        startSeconds += Self.seconds(clock.now - began)
    }

    /// Some bucket is in flight (the executor then calls `progress` between nodes).
    @inline(__always)
    public var hasPending: Bool { !pending.isEmpty }

    /// Drives the transport between nodes while buckets travel; not timed as communication (a
    /// test call takes microseconds).
    public func progress() { collectives.progress() }

    /// Blocks until the bucket's sums have arrived; after it the gradients are the global ones.
    public func wait(bucket: Int) {
        guard let requests = pending.removeValue(forKey: bucket), !requests.isEmpty else { return }
        let clock = ContinuousClock()
        let began = clock.now
        do {
            for r in requests where failure == nil { try collectives.wait(r) }
        } catch {
            failure = error
        }
        waitSeconds += Self.seconds(clock.now - began)
    }

    /// The failure of the last runs, cleared.
    public func takeFailure() -> CollectiveError? {
        defer { failure = nil; pending = [:] }
        return failure
    }

    public func resetTimes() {
        startSeconds = 0
        waitSeconds = 0
        bytes = 0
        allReduces = 0
    }

    /// Adjacent ranges joined, in order; the gradient buffers are one allocation, so a bucket of
    /// neighbouring parameters goes out as one message.
    static func merged(_ ranges: [(UnsafeMutablePointer<Float>, Int)]) -> [(UnsafeMutablePointer<Float>, Int)] {
        let sorted = ranges.sorted { $0.0 < $1.0 }
        var result: [(UnsafeMutablePointer<Float>, Int)] = []
        for (p, n) in sorted {
            if let last = result.last, last.0 + last.1 == p {
                result[result.count - 1].1 += n
            } else {
                result.append((p, n))
            }
        }
        return result
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
