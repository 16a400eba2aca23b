import MTSTKernels

/// The static attributes of a node: one payload per op family, so an op reads only its own
/// fields and a plan stores only what each node uses. `Case` names the payload an op expects;
/// `Graph.inferShape` checks it before the shape rule runs, so kernels can rely on it.
public enum Attributes: Hashable, Codable, Sendable {
    case none
    /// `input`: what the runtime feeds and its shape, fixed by the lowering.
    case input(InputKind, shape: Shape)
    /// `param`, `gradient`, `gradAccumulate`: index into the parameter table.
    case param(Int)
    /// `constant`: the fill value.
    case constant(value: Float)
    /// `scale`: the factor (loss weights).
    case scale(factor: Float)
    case matmul(transA: Bool = false, transB: Bool = false)
    /// `gather`, `embeddingGrad`: ids index the table from this row on (MPNet's positions
    /// start at row 2); 0 for plain lookups.
    case gather(idOffset: Int)
    /// `layerNorm`, `skipLayerNorm` and their gradients.
    case layerNorm(eps: Float)
    case l2Normalize(eps: Float)
    /// The attention ops and their gradients.
    case attention(AttentionAttributes)
    /// `dropout`, `dropoutGrad`: the rate and the site's stream id, distinct per site so every
    /// site draws its own mask from the step seed.
    case dropout(p: Float, stream: UInt64)
    /// `concatColumns`: width of every part, in input order.
    case concat(widths: [Int])
    /// `paramState`, `gradSquaredNorm`, `adamw`, `sgd`: the parameter, the optimizer method and,
    /// for `paramState`, which of the method's state buffers the node is.
    case optimizer(param: Int, OptimizerAttributes)
    /// `clipScale`: the global gradient-norm bound; 0 disables clipping.
    case clip(norm: Double)
    /// `int8Linear`: what the int8 GEMM applies to its dequantized output.
    case int8Linear(epilogue: Int8Epilogue)

    /// `allReduceStart`, `allReduceWait`: the gradient bucket (its index in completion order).
    case bucket(Int)

    /// The payload kinds, for the op table's `attributes` property and error messages.
    public enum Case: String, Sendable {
        case none, input, param, constant, scale, matmul, gather, layerNorm, l2Normalize, attention, dropout, concat, optimizer, clip, int8Linear, bucket
    }

    public var kind: Case {
        switch self {
        case .none: .none
        case .input: .input
        case .param: .param
        case .constant: .constant
        case .scale: .scale
        case .matmul: .matmul
        case .gather: .gather
        case .layerNorm: .layerNorm
        case .l2Normalize: .l2Normalize
        case .attention: .attention
        case .dropout: .dropout
        case .concat: .concat
        case .optimizer: .optimizer
        case .clip: .clip
        case .int8Linear: .int8Linear
        case .bucket: .bucket
        }
    }

    public static func attention(heads: Int, headDim: Int, scale: Float) -> Attributes {
        .attention(AttentionAttributes(heads: heads, headDim: headDim, scale: scale))
    }

    /// The parameter a node refers to (`param`, parameter state, `gradAccumulate`, optimizer ops).
    public var param: Int? {
        switch self {
        case .param(let p), .optimizer(let p, _): p
        default: nil
        }
    }
    public var input: (kind: InputKind, shape: Shape)? { if case let .input(k, s) = self { (k, s) } else { nil } }
    public var inputKind: InputKind? { input?.kind }
    public var attention: AttentionAttributes? {
        get { if case .attention(let a) = self { a } else { nil } }
        set { if let newValue { self = .attention(newValue) } }
    }
    public var matmul: (transA: Bool, transB: Bool)? { if case let .matmul(a, b) = self { (a, b) } else { nil } }
    public var idOffset: Int? { if case .gather(let o) = self { o } else { nil } }
    public var layerNormEps: Float? { if case .layerNorm(let e) = self { e } else { nil } }
    public var l2Eps: Float? { if case .l2Normalize(let e) = self { e } else { nil } }
    public var dropout: (p: Float, stream: UInt64)? { if case let .dropout(p, s) = self { (p, s) } else { nil } }
    public var widths: [Int]? { if case .concat(let w) = self { w } else { nil } }
    public var optimizer: OptimizerAttributes? { if case let .optimizer(_, o) = self { o } else { nil } }
    public var clipNorm: Double? { if case .clip(let n) = self { n } else { nil } }
    public var bucket: Int? { if case .bucket(let b) = self { b } else { nil } }
    public var constantValue: Float? { if case .constant(let v) = self { v } else { nil } }
    public var scaleFactor: Float? { if case .scale(let v) = self { v } else { nil } }
    public var int8Epilogue: Int8Epilogue? { if case .int8Linear(let e) = self { e } else { nil } }
}

extension Attributes: CustomStringConvertible {
    /// What `Graph.dump` prints after a node's inputs.
    public var description: String {
        switch self {
        case .none: ""
        case .input(let k, _): "\(k)"
        case .param(let p): "param=\(p)"
        case .constant(let v): "value=\(v)"
        case .scale(let v): "factor=\(v)"
        case let .matmul(a, b): "\(a ? "T" : "N")\(b ? "T" : "N")"
        case .gather(let o): o == 0 ? "" : "offset=\(o)"
        case .layerNorm(let e), .l2Normalize(let e): "eps=\(e)"
        case .attention(let a):
            "heads=\(a.heads) d=\(a.headDim) q@\(a.qOffset) k@\(a.kOffset) v@\(a.vOffset)"
                + (a.relativeBuckets > 0 ? " rel=\(a.relativeBuckets)/\(a.relativeMaxDistance)" : "")
        case .dropout(let p, _): "p=\(p)"
        case .concat(let w): "widths=\(w)"
        case let .optimizer(p, o):
            "param=\(p)" + (o.method.map { " \($0.name.rawValue)" } ?? "") + (o.stateSlot > 0 ? " slot=\(o.stateSlot)" : "")
        case .clip(let n): "clip=\(n)"
        case .int8Linear(let e): "epilogue=\(e.rawValue)"
        case .bucket(let b): "bucket=\(b)"
        }
    }
}

/// Heads, head size and softmax scale of an attention; Q, K and V are read at column offsets of
/// their inputs (non-zero once QKV is packed).
public struct AttentionAttributes: Hashable, Codable, Sendable {
    public var heads: Int
    public var headDim: Int
    public var scale: Float
    public var qOffset = 0, kOffset = 0, vOffset = 0
    /// Relative position bias (MPNet): buckets of the `[buckets, heads]` table read as
    /// `attentionProbs`' fourth input (and written by `relativeBiasGrad`), and the distance
    /// past which buckets stop growing. 0 when the attention has no relative bias.
    public var relativeBuckets = 0, relativeMaxDistance = 0

    public init(heads: Int, headDim: Int, scale: Float, qOffset: Int = 0, kOffset: Int = 0, vOffset: Int = 0,
                relativeBuckets: Int = 0, relativeMaxDistance: Int = 0) {
        self.heads = heads
        self.headDim = headDim
        self.scale = scale
        self.qOffset = qOffset
        self.kOffset = kOffset
        self.vOffset = vOffset
        self.relativeBuckets = relativeBuckets
        self.relativeMaxDistance = relativeMaxDistance
    }
}

/// What the optimizer program's per-parameter nodes (the `.optimizer` payload, beside the
/// parameter index) need: the method and its hyper-parameters (update ops) and which of the
/// method's state buffers a `paramState` node is. The clipping bound is `clipScale`'s own
/// `.clip(norm:)` payload. Per-parameter learning rates, weight decay and the step count are
/// not here: the runtime writes them into the `optimizerState` input each step.
public struct OptimizerAttributes: Hashable, Codable, Sendable {
    public var method: OptimizerMethod?
    /// Index into `method.stateNames` (`paramState`).
    public var stateSlot: Int = 0

    public init(method: OptimizerMethod? = nil, stateSlot: Int = 0) {
        self.method = method
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
