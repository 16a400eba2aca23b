/// The largest batch and sequence the compiled graph accepts; the arena is planned for these.
public struct CompileOptions: Sendable, Equatable {
    public var maxBatch: Int
    public var maxSeq: Int
    /// `compile.quantize`: also compile an int8 inference program (nil: fp32 only).
    public var quantize: QuantizeSpec?

    static let keys = ["max_batch", "max_seq", "quantize"]
}
