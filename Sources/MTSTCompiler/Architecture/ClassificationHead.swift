/// One label per sentence: dropout and a linear layer over the sentence embedding (or the pooled
/// vector before normalization, `input: pooled`), trained with cross-entropy.
public enum ClassificationHead: Head {
    public static let kind = TaskHead.Kind.classification
    public static let rows = Dim.batch

    public static func parameters(name: String, classes: Int, _ m: ModelConfig) -> [ParamEntry] {
        linearParameters(name: name, classes: classes, m)
    }

    public static func lower(_ head: TaskHead, _ features: HeadFeatures, _ l: inout Lowering) throws -> NodeID {
        try lowerLinear(head, head.normalizedInput ? features.embedding : features.pooled, &l)
    }

    public static func loss(_ head: TaskHead, logits: NodeID, _ l: inout Lowering) throws -> NodeID {
        try crossEntropy(head, logits: logits, &l)
    }
}
