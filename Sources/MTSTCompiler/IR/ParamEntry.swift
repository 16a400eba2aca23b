/// How a parameter's values come into being before training.
public enum ParamInit: Hashable, Codable, Sendable {
    case normal(std: Float)
    case zeros
    case ones
}

/// One named parameter tensor. QKV packing adds a parameter `…attention.qkv.weight` whose rows are
/// the query, key and value weights: those three stay in the table as slices of it (`sliceOf`), so
/// checkpoints keep Hugging Face names while the graph reads one packed matrix.
public struct ParamEntry: Codable, Sendable, Equatable {
    public var path: String
    public var shape: [Int]
    /// Hugging Face BERT tensor name the value is loaded from and saved to, if any.
    public var checkpointName: String?
    public var initializer: ParamInit
    /// When set, this parameter's storage is `count` elements of another (packed) parameter, from `offset`.
    public var sliceOf: Int?
    public var sliceOffset: Int = 0
    /// Layer index for backbone layers (layer-wise learning rates, gradual unfreezing).
    public var layer: Int?
    public var isEmbedding: Bool = false
    public var isHead: Bool = false
    /// What the optimizer does with it, resolved once from the spec's rules.
    public var setting = ParamSetting()

    public init(path: String, shape: [Int], checkpointName: String?, initializer: ParamInit,
                layer: Int? = nil, isEmbedding: Bool = false, isHead: Bool = false) {
        self.path = path
        self.shape = shape
        self.checkpointName = checkpointName
        self.initializer = initializer
        self.layer = layer
        self.isEmbedding = isEmbedding
        self.isHead = isHead
    }

    public var count: Int { shape.reduce(1, *) }
    /// `count` for a table that came from a file: nil when a dimension is not positive or the
    /// product overflows. The plan verifier checks this before anything reads `count`.
    public var checkedCount: Int? {
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else { return nil }
        return SizeMath.product(shape)
    }
    /// Trains at some point of the run (it needs a gradient in the training graph).
    public var trains: Bool { setting.trains }
}
