import MTSTCompiler
import MTSTKernels

/// Data parallelism with one-process semantics. Every rank reads the same data and forms the
/// same global batches (`training.batch_size` is the global batch); each computes a contiguous
/// share of every batch, balanced by token count, with the loss divided by the global batch's
/// counts and dropout drawn by global element index (`ShardLayout`). Summing the ranks'
/// gradients then gives the one-process gradient, and since every rank steps the optimizer on
/// it, the weights stay identical everywhere. With one rank none of this runs.
public struct DataParallel {
    public let collectives: any Collectives
    public var rank: Int { collectives.rank }
    public var size: Int { collectives.size }
    /// Whether there is anyone to talk to; a one-rank run takes the one-process path untouched.
    public var isDistributed: Bool { collectives.size > 1 }

    public init(_ collectives: any Collectives) { self.collectives = collectives }

    /// Contiguous shares of sentences with `lengths` tokens, one per rank, balanced by tokens:
    /// a sentence goes to the rank whose equal part of the token total holds its middle token.
    /// A rank gets an empty share when the batch has fewer sentences than ranks (or one
    /// sentence dwarfs the rest).
    public static func shares(lengths: [Int], ranks: Int) -> [Range<Int>] {
        precondition(ranks >= 1, "DataParallel.shares: at least one rank")
        let total = lengths.reduce(0, +)
        var owner: [Int] = []
        var before = 0
        for n in lengths {
            // 2·middle·ranks / (2·total), in integers: the same on every machine.
            let r = total > 0 ? (2 * before + n) * ranks / (2 * total) : 0
            owner.append(min(max(r, owner.last ?? 0), ranks - 1))
            before += n
        }
        return (0..<ranks).map { r in
            let lo = owner.firstIndex { $0 >= r } ?? lengths.count
            let hi = owner.firstIndex { $0 > r } ?? lengths.count
            return lo..<max(lo, hi)
        }
    }

    /// This rank's part of a global batch and where it sits. A batch of pairs is not split:
    /// the contrastive loss scores every anchor against every positive of the batch, so rank 0
    /// computes it whole and the others nothing.
    public func share(of batch: [EncodedExample]) -> (examples: ArraySlice<EncodedExample>, shard: ShardLayout?) {
        guard isDistributed else { return (batch[...], nil) }
        if batch.first?.positive != nil { return rank == 0 ? (batch[...], nil) : (batch[0..<0], nil) }
        let lengths = batch.map(\.ids.count)
        let range = Self.shares(lengths: lengths, ranks: size)[rank]
        let shard = ShardLayout(firstSentence: range.lowerBound, firstToken: lengths[..<range.lowerBound].reduce(0, +),
                                globalBatch: batch.count, globalSeq: max(1, lengths.max() ?? 1),
                                globalTokens: lengths.reduce(0, +))
        return (batch[range], shard)
    }

    /// Sets each mean loss's denominator to the global batch's count: this rank's counts
    /// (zeros when it has no share) summed over the ranks. Call after feeding, before running.
    public func setLossDenominators(_ executor: Executor, hasShare: Bool) throws(CollectiveError) {
        guard isDistributed else { return }
        var counts = hasShare ? executor.labelCounts().map(Double.init) : Array(repeating: 0, count: executor.lossLabelNodes.count)
        try counts.withUnsafeMutableBufferPointer { p throws(CollectiveError) in
            if let base = p.baseAddress { try collectives.allReduceSum(base, count: p.count) }
        }
        executor.lossDenominators = Dictionary(zip(executor.lossLabelNodes, counts.map { Int($0) }), uniquingKeysWith: { a, _ in a })
    }

    /// Sums per-rank values (the losses of a step) over the ranks.
    public func sum(_ values: [Double]) throws(CollectiveError) -> [Double] {
        guard isDistributed else { return values }
        var v = values
        try v.withUnsafeMutableBufferPointer { p throws(CollectiveError) in
            if let base = p.baseAddress { try collectives.allReduceSum(base, count: p.count) }
        }
        return v
    }

    /// The gradient exchange: a blocking all-reduce of the whole gradient buffer after the
    /// last backward pass of an update, before the optimizer reads it. Frozen parameters have
    /// no slot in the buffer and so never travel. The one function a compiler-scheduled
    /// exchange (bucketed, overlapping backward) replaces.
    public func reduceGradients(_ store: ParamStore) throws(CollectiveError) {
        guard isDistributed, store.grads.count > 0 else { return }
        try collectives.allReduceSum(store.grads.pointer, count: store.grads.count)
    }
}

/// Another rank (rank 0) stopped the job and said why; this rank stops without repeating it.
public struct PeerStopped: Error, CustomStringConvertible {
    public var description: String { "another rank stopped the job" }
}

extension DataParallel {
    /// Shares the outcome of work only rank 0 does (preparing the run folder): rank 0 gets its
    /// own result back, error included; the others its value or `PeerStopped`.
    func agree<T>(_ result: Result<T, any Error>) throws -> T {
        guard isDistributed else { return try result.get() }
        let failed = try sum([rank == 0 ? (result.isSuccess ? 0 : 1) : 0])[0] > 0
        if failed && rank != 0 { throw PeerStopped() }
        return try result.get()
    }
}

private extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
