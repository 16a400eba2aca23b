/// Where every activation lives in the one arena buffer, planned for the declared maximum batch
/// and sequence length. Nodes without storage (parameters, gradient accumulations) have offset -1.
public struct ArenaLayout: Codable, Sendable, Equatable {
    /// Offset and size of every node's output 0.
    public var offsets: [Int]
    public var sizes: [Int]
    /// Offsets and sizes of outputs 1, 2, … per node (empty for single-output nodes).
    public var extraOffsets: [[Int]]
    public var extraSizes: [[Int]]
    /// Peak bytes of the arena: what the executor allocates once.
    public var bytes: Int
    /// What one buffer per activation would take.
    public var naiveBytes: Int
    /// Nodes that write over a dying input instead of taking new space.
    public var inPlace: Int

    public static let alignment = 64

    public init(offsets: [Int], sizes: [Int], extraOffsets: [[Int]]? = nil, extraSizes: [[Int]]? = nil,
                bytes: Int, naiveBytes: Int, inPlace: Int) {
        self.offsets = offsets
        self.sizes = sizes
        self.extraOffsets = extraOffsets ?? Array(repeating: [], count: offsets.count)
        self.extraSizes = extraSizes ?? Array(repeating: [], count: offsets.count)
        self.bytes = bytes
        self.naiveBytes = naiveBytes
        self.inPlace = inPlace
    }

    public func offset(of value: ValueRef) -> Int {
        value.output == 0 ? offsets[value.node] : extraOffsets[value.node][value.output - 1]
    }

    public func size(of value: ValueRef) -> Int {
        value.output == 0 ? sizes[value.node] : extraSizes[value.node][value.output - 1]
    }
}
