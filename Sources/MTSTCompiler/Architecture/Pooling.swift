/// The sentence-embedding stage between the backbone and the heads: pooling (`pooling:`), then
/// the normalization (`normalize:`), whose LayerNorm variant has parameters of its own.
public enum Pooling {
    public static func parameters(_ m: ModelConfig) -> [ParamEntry] {
        m.normalize == .layerNorm ? Describe.layerNorm("pooling.norm", m.hidden, "pooling.norm") : []
    }

    /// Returns the pooled vector and the normalized sentence embedding.
    static func lower(_ backbone: BackboneOutput, _ l: inout Lowering) throws -> (pooled: NodeID, embedding: NodeID) {
        let x = backbone.tokens
        let mask = backbone.mask
        let pooled: NodeID
        switch l.model.pooling {
        case .mean: pooled = try l.op(.meanPool, [x, mask], "pooling.mean", origin: "pooling")
        case .cls: pooled = try l.op(.clsPool, [x], "pooling.cls", origin: "pooling")
        case .max: pooled = try l.op(.maxPool, [x, mask], "pooling.max", origin: "pooling")
        }
        let embedding: NodeID
        switch l.model.normalize {
        case .l2: embedding = try l.op(.l2Normalize, [pooled], "pooling.l2_normalize", origin: "normalize", .l2Normalize(eps: 1e-12))
        case .layerNorm: embedding = try l.layerNorm(pooled, "pooling.norm", origin: "normalize")
        case .none: embedding = pooled
        }
        return (pooled, embedding)
    }
}
