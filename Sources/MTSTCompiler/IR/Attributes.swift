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
    /// Optimizer-program attributes (`adamw`, `sgd`, `paramState`, `clipScale`).
    public var optimizer: OptimizerAttributes?

    public init() {}
}

/// What the optimizer program's nodes need beyond their parameter index: the method's
/// hyper-parameters (update ops), the clipping bound (`clipScale`) and which of the method's
/// state buffers a `paramState` node is. Per-parameter learning rates, weight decay and the
/// step count are not here: the runtime writes them into the `optimizerState` input each step.
public struct OptimizerAttributes: Hashable, Codable, Sendable {
    public var method: OptimizerMethod?
    /// Global gradient-norm bound (`clipScale`); 0 disables clipping.
    public var clipNorm: Double = 0
    /// Index into `method.stateNames` (`paramState`).
    public var stateSlot: Int = 0

    public init(method: OptimizerMethod? = nil, clipNorm: Double = 0, stateSlot: Int = 0) {
        self.method = method
        self.clipNorm = clipNorm
        self.stateSlot = stateSlot
    }
}

/// Layout of the update program's `optimizerState` input, which the runtime writes before each
/// step: the gradient scale (1 / accumulated micro-batches), then one row per entry of the
/// parameter table: the parameter's learning rate for this step (peak × schedule factor), its
/// weight decay, and the number of updates it has taken counting this one (AdamW's bias
/// correction), 0 when it takes no update in this step (not yet unfrozen).
public enum OptimizerState {
    public static let gradScale = 0
    public static let header = 1
    public static let lr = 0, weightDecay = 1, step = 2
    public static let rowWidth = 3

    public static func count(params: Int) -> Int { header + rowWidth * params }
    public static func index(param: Int, _ field: Int) -> Int { header + rowWidth * param + field }
}
