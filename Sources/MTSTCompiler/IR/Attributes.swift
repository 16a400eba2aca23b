/// The static attributes of a node. One flat struct rather than an enum payload per op keeps
/// nodes trivially `Codable` and lets passes copy a node and change one field.
public struct Attributes: Hashable, Codable, Sendable {
    public var input: InputKind?
    /// Shape of an `input` node, fixed by the lowering (token rows, mask, labels).
    public var declaredShape: Shape?
    /// Index into the graph's parameter table (`param`, `gradAccumulate`).
    public var param: Int?
    public var value: Float = 0            // constant fill, scale factor
    public var eps: Float = 0              // layer norms, l2 normalize
    public var transA = false, transB = false
    public var heads = 0, headDim = 0
    public var attentionScale: Float = 1
    /// Column offsets of Q, K and V inside their input (non-zero once QKV is packed).
    public var qOffset = 0, kOffset = 0, vOffset = 0
    /// Relative position bias (MPNet): buckets of the `[buckets, heads]` table read as
    /// `attentionProbs`' fourth input, and the distance past which buckets stop growing.
    /// 0 when the attention has no relative bias.
    public var relativeBuckets = 0, relativeMaxDistance = 0
    /// `gather`: ids index the table from this row on (MPNet's positions start at row 2).
    public var idOffset = 0
    public var dropout: Float = 0
    /// Distinct per dropout site so that every site draws its own mask from the step seed.
    public var stream: UInt64 = 0
    /// `concatColumns`: width of every part, in input order.
    public var widths: [Int] = []
    /// The node writes into (adds onto) the gradient buffer of parameter `param` instead of an
    /// arena slot: a weight gradient GEMM with beta = 1, a bias gradient's column sums, an
    /// embedding gradient's scatter. Set by `FuseGradAccumulatePass`.
    public var accumulatesGrad = false
    /// AdamW settings of one parameter (`adamw`, `gradSquaredNorm`, `clipScale`).
    public var optimizer: OptimizerAttributes?

    public init() {}
}

public struct OptimizerAttributes: Hashable, Codable, Sendable {
    public var lr: Double = 0
    public var weightDecay: Double = 0
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var eps: Double = 1e-8
    /// The epoch from which the parameter trains (gradual unfreezing); before it, its
    /// gradient is dropped and its weights and moments stay as they are.
    public var fromEpoch: Int = 0
    /// Global gradient-norm bound (`clipScale`); 0 disables clipping.
    public var clipNorm: Double = 0

    public init() {}
}

/// Slots of the optimizer program's `optimizerState` input, written by the runtime before each step.
public enum OptimizerState {
    public static let lrFactor = 0, gradScale = 1, epoch = 2, update = 3, updatesPerEpoch = 4
    public static let count = 8
}
