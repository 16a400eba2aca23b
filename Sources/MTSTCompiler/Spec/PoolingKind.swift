/// How per-token features become one sentence vector.
public enum PoolingKind: String, Sendable, CaseIterable, Codable {
    /// Average over real (non-padding) tokens, as sentence-transformers does.
    case mean
    /// The [CLS] token's features.
    case cls
    /// Element-wise maximum over real tokens.
    case max
}
