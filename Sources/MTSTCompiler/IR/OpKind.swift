/// Every operation the compiler knows. Adding a case forces, through exhaustive switches, an
/// `OpDef` (shape rule, kernel, gradient rule) in `Ops/OpTable.swift` and a gradient check in the tests.
public enum OpKind: String, Codable, Sendable, CaseIterable {
    // Sources
    case input, param, constant
    // Forward
    case gather, add, scale, biasAdd, matmul, linear, gelu, biasGelu
    case layerNorm, skipLayerNorm
    case attentionProbs, attentionContext
    case meanPool, clsPool, maxPool, l2Normalize
    case dropout, crossEntropy, crf
    // Inference-only (the quantized program `compile --quantize int8` builds)
    case int8Linear
    // Backward-only (the gradient rules of the ops above build these)
    case geluGrad, biasGeluGrad, layerNormGrad, layerNormGammaGrad, sumRows
    case attentionContextGradProbs, attentionContextGradV, softmaxGrad
    case attentionScoresGradQ, attentionScoresGradK, relativeBiasGrad
    case meanPoolGrad, clsPoolGrad, maxPoolGrad, l2NormalizeGrad
    case dropoutGrad, crossEntropyGrad, embeddingGrad, concatColumns
    case crfEmissionsGrad, crfTransitionsGrad, crfStartGrad, crfEndGrad
    case gradAccumulate
    // Optimizer program: update nodes over the parameters' gradient and optimizer-state buffers
    case gradient, paramState
    case gradSquaredNorm, clipScale, adamw, sgd
    // Communication (training programs): the gradient buckets' all-reduce, placed by `GradientBucketPass`
    case allReduceStart, allReduceWait
}

/// What feeds an `input` node at run time.
public enum InputKind: Hashable, Codable, Sendable, CustomStringConvertible {
    case tokenIds, tokenTypes, positions, mask
    case labels(head: String)
    /// A contrastive head's column mask `[B]`: 0 where a row may be chosen as the positive (the
    /// positives of a pairs batch), `candidateExcluded` where it may not (the anchors).
    case candidates(head: String)
    /// The optimizer program's per-step values, laid out as `OptimizerState`.
    case optimizerState

    public var description: String {
        switch self {
        case .tokenIds: "token_ids"
        case .tokenTypes: "token_types"
        case .positions: "positions"
        case .mask: "mask"
        case .labels(let head): "labels.\(head)"
        case .candidates(let head): "candidates.\(head)"
        case .optimizerState: "optimizer_state"
        }
    }
}

public extension InputKind {
    /// Added to the scaled similarity of a column that is not a candidate: softmax then gives it
    /// weight e^(−10⁴) = 0 in float, and the value stays finite for `--check-numerics`.
    static let candidateExcluded: Float = -1e4
}
