/// ZeRO stage 1's split of the optimizer across `size` ranks: each rank owns a contiguous run of
/// root parameters in table order, balanced by gradient floats, and keeps and updates the
/// optimizer state of those alone. Contiguous in both the gradient layout (so one
/// reduce-scatter leaves each rank the summed gradients it updates) and the value layout (so one
/// all-gather hands every rank the updated weights); a frozen parameter inside a rank's value
/// run travels with it unchanged. Decided at load from the rank count, so a plan runs on any
/// number of ranks and a resumed run may use another.
public struct ZeroPartition: Sendable, Equatable {
    public let rank: Int
    public let size: Int
    /// Floats of the gradient (and optimizer-state) layout per rank, in rank order.
    public let gradientCounts: [Int]
    /// Floats of the value layout per rank, in rank order.
    public let valueCounts: [Int]
    /// Owner rank of every parameter (a slice: its root's); -1 for parameters that never train.
    public let owner: [Int]

    public init(layout: ParamLayout, params: [ParamEntry], rank: Int, size: Int) {
        precondition(size >= 1 && (0..<size).contains(rank), "rank \(rank) of \(size)")
        self.rank = rank
        self.size = size
        var owner = Array(repeating: -1, count: params.count)
        var gradientStart = Array(repeating: layout.trainable, count: size + 1)
        var valueStart = Array(repeating: layout.values, count: size + 1)
        gradientStart[0] = 0
        valueStart[0] = 0
        var current = 0
        for (i, p) in params.enumerated() where p.sliceOf == nil && layout.trainOffsets[i] >= 0 {
            // Balanced by where the parameter starts; monotone in table order, so runs stay contiguous.
            let r = min(size - 1, Int((Double(layout.trainOffsets[i]) * Double(size) / Double(max(layout.trainable, 1))).rounded(.down)))
            while current < r {
                current += 1
                gradientStart[current] = layout.trainOffsets[i]
                valueStart[current] = layout.offsets[i]
            }
            owner[i] = r
        }
        for (i, p) in params.enumerated() { if let root = p.sliceOf { owner[i] = owner[root] } }
        self.owner = owner
        gradientCounts = (0..<size).map { gradientStart[$0 + 1] - gradientStart[$0] }
        valueCounts = (0..<size).map { valueStart[$0 + 1] - valueStart[$0] }
    }

    /// This rank's run of the gradient layout: the optimizer state it allocates.
    public var ownedGradients: Range<Int> {
        let start = gradientCounts[..<rank].reduce(0, +)
        return start..<(start + gradientCounts[rank])
    }

    public func owns(_ param: Int) -> Bool { owner[param] == rank }
}
