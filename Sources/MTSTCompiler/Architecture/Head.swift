/// A task head: its parameters, its lowering from the backbone's features to its outputs, its
/// loss, and the labels that loss reads. One type per head kind (`ClassificationHead.swift`,
/// `TaggingHead.swift`, `ContrastiveHead.swift`), listed once in `Architectures.heads`.
public protocol Head: Sendable {
    static var kind: TaskHead.Kind { get }
    /// A linear-chain CRF over the logits (`crf: true`), else a per-row softmax.
    static var crf: Bool { get }
    /// Rows of the head's logits and of the labels its loss reads: one per sentence (`.batch`)
    /// or one per token (`.tokens`).
    static var rows: Dim { get }
    /// The head's parameters, in the order its lowering declares them. `classes` may be 0 while
    /// labels collected from data are not known yet.
    static func parameters(name: String, classes: Int, _ m: ModelConfig) -> [ParamEntry]
    /// Adds the head's ops; returns its logits (`logits.<name>`), or for a head that does not
    /// predict (`predicts` false) the features its loss reads.
    static func lower(_ head: TaskHead, _ features: HeadFeatures, _ l: inout Lowering) throws -> NodeID
    /// Adds the label input and the loss (training graphs only); returns the unweighted loss.
    static func loss(_ head: TaskHead, logits: NodeID, _ l: inout Lowering) throws -> NodeID
    /// Whether the head has logits, one class per row, that `predict` reads (default true). A
    /// head without (`ContrastiveHead`) only shapes the embedding through its loss.
    static var predicts: Bool { get }
}

public extension Head {
    static var predicts: Bool { true }
}

/// What the backbone and the pooling stage offer a head.
public struct HeadFeatures: Sendable {
    /// Last hidden state, `[B·T, hidden]`.
    public var tokens: NodeID
    /// Pooled sentence vector before normalization, `[B, hidden]`.
    public var pooled: NodeID
    /// The sentence embedding (pooled, then normalized), `[B, hidden]`.
    public var embedding: NodeID
    public var mask: NodeID
}

extension Head {
    public static var crf: Bool { false }

    /// `heads.<name>.weight [classes, hidden]`, `heads.<name>.bias [classes]`, saved under those names.
    static func linearParameters(name: String, classes: Int, _ m: ModelConfig) -> [ParamEntry] {
        Describe.dense("heads.\(name)", out: classes, in: m.hidden, "heads.\(name)", std: m.initStd)
    }

    /// Dropout, then a linear layer to one logit per label.
    static func lowerLinear(_ head: TaskHead, _ features: NodeID, _ l: inout Lowering) throws -> NodeID {
        let origin = "heads.\(head.name)"
        let dropped = try l.dropout(features, head.dropout, "heads.\(head.name).dropout", origin: origin)
        return try l.dense(dropped, "heads.\(head.name)", origin: origin)
    }

    /// Mean cross-entropy of the logits against one class id per row.
    static func crossEntropy(_ head: TaskHead, logits: NodeID, _ l: inout Lowering) throws -> NodeID {
        let labels = try l.input(.labels(head: head.name), Shape(rows))
        return try l.op(.crossEntropy, [logits, labels], "heads.\(head.name).loss", origin: "heads.\(head.name)")
    }
}
