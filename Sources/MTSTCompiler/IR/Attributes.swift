/// The static attributes of a node: one payload per op family, so an op reads only its own
/// fields and a plan stores only what each node uses. `Case` names the payload an op expects;
/// `Graph.inferShape` checks it before the shape rule runs, so kernels can rely on it.
public enum Attributes: Hashable, Codable, Sendable {
    case none
    /// `input`: what the runtime feeds and its shape, fixed by the lowering.
    case input(InputKind, shape: Shape)
    /// `param`, `gradient`, `moment1`, `moment2`, `gradAccumulate`: index into the parameter table.
    case param(Int)
    /// `constant`: the fill value.
    case constant(value: Float)
    /// `scale`: the factor (loss weights).
    case scale(factor: Float)
    case matmul(transA: Bool = false, transB: Bool = false)
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
    /// `gradSquaredNorm`, `adamw`: the parameter and its AdamW settings.
    case optimizer(param: Int, OptimizerAttributes)
    /// `clipScale`: the global gradient-norm bound; 0 disables clipping.
    case clip(norm: Double)

    /// The payload kinds, for the op table's `attributes` property and error messages.
    public enum Case: String, Sendable {
        case none, input, param, constant, scale, matmul, layerNorm, l2Normalize, attention, dropout, concat, optimizer, clip
    }

    public var kind: Case {
        switch self {
        case .none: .none
        case .input: .input
        case .param: .param
        case .constant: .constant
        case .scale: .scale
        case .matmul: .matmul
        case .layerNorm: .layerNorm
        case .l2Normalize: .l2Normalize
        case .attention: .attention
        case .dropout: .dropout
        case .concat: .concat
        case .optimizer: .optimizer
        case .clip: .clip
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
    public var layerNormEps: Float? { if case .layerNorm(let e) = self { e } else { nil } }
    public var l2Eps: Float? { if case .l2Normalize(let e) = self { e } else { nil } }
    public var dropout: (p: Float, stream: UInt64)? { if case let .dropout(p, s) = self { (p, s) } else { nil } }
    public var widths: [Int]? { if case .concat(let w) = self { w } else { nil } }
    public var optimizer: OptimizerAttributes? { if case let .optimizer(_, o) = self { o } else { nil } }
    public var clipNorm: Double? { if case .clip(let n) = self { n } else { nil } }
    public var constantValue: Float? { if case .constant(let v) = self { v } else { nil } }
    public var scaleFactor: Float? { if case .scale(let v) = self { v } else { nil } }
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
        case .layerNorm(let e), .l2Normalize(let e): "eps=\(e)"
        case .attention(let a): "heads=\(a.heads) d=\(a.headDim) q@\(a.qOffset) k@\(a.kOffset) v@\(a.vOffset)"
        case .dropout(let p, _): "p=\(p)"
        case .concat(let w): "widths=\(w)"
        case .optimizer(let p, _): "param=\(p)"
        case .clip(let n): "clip=\(n)"
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

    public init(heads: Int, headDim: Int, scale: Float, qOffset: Int = 0, kOffset: Int = 0, vOffset: Int = 0) {
        self.heads = heads
        self.headDim = headDim
        self.scale = scale
        self.qOffset = qOffset
        self.kOffset = kOffset
        self.vOffset = vOffset
    }
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

    public init() {}
}

/// Slots of the optimizer program's `optimizerState` input, written by the runtime before each step.
public enum OptimizerState {
    public static let lrFactor = 0, gradScale = 1, epoch = 2, update = 3, updatesPerEpoch = 4
    public static let count = 8
}
