/// What happens to the pooled sentence vector before the classification heads see it.
public enum NormalizeKind: String, Sendable, CaseIterable, Codable {
    /// Unit length, so dot products are cosine similarities.
    case l2
    /// A trainable LayerNorm (`pooling.norm.{weight,bias}`).
    case layerNorm = "layernorm"
    case none
}
