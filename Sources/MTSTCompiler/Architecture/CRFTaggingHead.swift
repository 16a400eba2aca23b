/// A tagging head (`type: tagging`, `crf: true`) whose logits are the emission scores of a
/// linear-chain CRF: the loss is the gold path's negative log-likelihood (`crf` op, mean over
/// sentences), predictions are Viterbi paths (`Model.predict`). The chain of a sentence is the
/// rows the softmax tagging head scores: the words' first pieces.
public enum CRFTaggingHead: Head {
    public static let kind = TaskHead.Kind.tagging
    public static let crf = true
    public static let rows = Dim.tokens

    /// Paths of the CRF's scores: transitions [C, C] (row = previous tag, column = next tag),
    /// start [C] and end [C]. The runtime's Viterbi reads them from the parameter store by path.
    public static func scorePaths(_ head: String) -> (transitions: String, start: String, end: String) {
        ("heads.\(head).crf.transitions", "heads.\(head).crf.start", "heads.\(head).crf.end")
    }

    /// The linear layer's, then the CRF's scores, zero-initialised (every path equally likely)
    /// and saved under their paths.
    public static func parameters(name: String, classes: Int, _ m: ModelConfig) -> [ParamEntry] {
        let p = scorePaths(name)
        return linearParameters(name: name, classes: classes, m) + [
            Describe.tensor(p.transitions, [classes, classes], p.transitions, .zeros),
            Describe.tensor(p.start, [classes], p.start, .zeros),
            Describe.tensor(p.end, [classes], p.end, .zeros),
        ]
    }

    /// Declares the CRF's scores in both programs (their parameter tables must agree), though
    /// only the training graph's loss reads them.
    public static func lower(_ head: TaskHead, _ features: HeadFeatures, _ l: inout Lowering) throws -> NodeID {
        let logits = try lowerLinear(head, features.tokens, &l)
        _ = try scores(head, &l)
        return logits
    }

    public static func loss(_ head: TaskHead, logits: NodeID, _ l: inout Lowering) throws -> NodeID {
        let labels = try l.input(.labels(head: head.name), Shape(rows))
        return try l.op(.crf, [logits, labels] + scores(head, &l), "heads.\(head.name).loss", origin: "heads.\(head.name)")
    }

    /// The transition, start and end parameter nodes, declared on first use.
    static func scores(_ head: TaskHead, _ l: inout Lowering) throws -> [NodeID] {
        let p = scorePaths(head.name)
        return try [p.transitions, p.start, p.end].map { path in
            let declared = l.graph.nodes.first { $0.kind == .param && l.graph.params[$0.attrs.param ?? -1].path == path }
            return try declared?.id ?? l.param(path, origin: "heads.\(head.name)")
        }
    }
}
