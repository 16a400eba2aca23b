/// Where every activation lives in the one arena buffer, planned for the declared maximum batch
/// and sequence length. Nodes without storage (parameters, gradient accumulations) have offset -1.
public struct ArenaLayout: Codable, Sendable, Equatable {
    public var offsets: [Int]
    public var sizes: [Int]
    /// Peak bytes of the arena: what the executor allocates once.
    public var bytes: Int
    /// What one buffer per activation would take.
    public var naiveBytes: Int
    /// Nodes that write over a dying input instead of taking new space.
    public var inPlace: Int

    public static let alignment = 64

    public init(offsets: [Int], sizes: [Int], bytes: Int, naiveBytes: Int, inPlace: Int) {
        self.offsets = offsets
        self.sizes = sizes
        self.bytes = bytes
        self.naiveBytes = naiveBytes
        self.inPlace = inPlace
    }
}
