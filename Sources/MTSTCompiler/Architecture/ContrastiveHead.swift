/// sentence-transformers' MultipleNegativesRankingLoss (in-batch negatives) on the sentence
/// embedding, from existing ops. No parameters and no logits: it trains the backbone from
/// (anchor, positive) pairs.
///
/// A pairs batch holds n anchors in rows 0..<n and their positives in rows n..<2n. Every row is
/// scored against every row (`[B, B]`, cheap beside the encoder); the runtime's column mask
/// `candidates.<name>` (`InputKind.candidateExcluded` on anchor columns, 0 on positives) leaves
/// only the positives as candidates, and the labels give anchor i the target n + i and every
/// other row −1 (ignored). So the cross-entropy is the mean over anchors of
/// −log softmax_j(scale · cos(a_i, p_j))[i]. On a batch of another task all labels are −1 and
/// the loss is 0, which is what lets it train jointly with the other heads.
public enum ContrastiveHead: Head {
    public static let kind = TaskHead.Kind.contrastive
    public static let rows = Dim.batch
    public static let predicts = false

    public static func parameters(name: String, classes: Int, _ m: ModelConfig) -> [ParamEntry] { [] }

    /// The vector the loss compares: the embedding (default) or the pooled vector.
    public static func lower(_ head: TaskHead, _ features: HeadFeatures, _ l: inout Lowering) throws -> NodeID {
        head.normalizedInput ? features.embedding : features.pooled
    }

    public static func loss(_ head: TaskHead, logits features: NodeID, _ l: inout Lowering) throws -> NodeID {
        let (p, origin) = ("heads.\(head.name)", "heads.\(head.name)")
        let unit = try l.op(.l2Normalize, [features], "\(p).normalize", origin: origin, .l2Normalize(eps: 1e-12))
        let cosine = try l.op(.matmul, [unit, unit], "\(p).cosine", origin: origin, .matmul(transB: true))
        let scale = head.scale
        let scores = try l.op(.scale, [cosine], "\(p).scores", origin: origin, .scale(factor: scale))
        let candidates = try l.input(.candidates(head: head.name), Shape(rows))
        let masked = try l.op(.biasAdd, [scores, candidates], "\(p).candidate_scores", origin: origin)
        let labels = try l.input(.labels(head: head.name), Shape(rows))
        return try l.op(.crossEntropy, [masked, labels], "\(p).loss", origin: origin)
    }
}
