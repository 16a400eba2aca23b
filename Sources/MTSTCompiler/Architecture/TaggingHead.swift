/// One label per token (the first word piece of each word carries it): dropout and a linear
/// layer over the backbone's last hidden state, trained with cross-entropy.
public enum TaggingHead: Head {
    public static let kind = TaskHead.Kind.tagging
    public static let rows = Dim.tokens

    public static func parameters(name: String, classes: Int, _ m: ModelConfig) -> [ParamEntry] {
        linearParameters(name: name, classes: classes, m)
    }

    public static func lower(_ head: TaskHead, _ features: HeadFeatures, _ l: inout Lowering) throws -> NodeID {
        try lowerLinear(head, features.tokens, &l)
    }

    public static func loss(_ head: TaskHead, logits: NodeID, _ l: inout Lowering) throws -> NodeID {
        try crossEntropy(head, logits: logits, &l)
    }
}
