/// The largest batch and sequence the compiled graph accepts; the arena is planned for these.
public struct CompileOptions: Sendable, Equatable {
    public var maxBatch: Int
    public var maxSeq: Int

    static let keys = ["max_batch", "max_seq"]
}
