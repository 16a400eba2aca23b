/// Turns a model description into the forward op graph: the backbone's lowering, the pooling
/// stage, then each task head and its loss — each part from `Architecture/`. The graph is
/// unfused: passes fuse it. Parameters are declared only through `param(_:)`, which takes
/// shape, checkpoint name and initialiser from `ModelDescription`, so the lowering cannot use a
/// parameter the description does not list.
public struct Lowering {
    public enum Mode: String, Codable, Sendable {
        /// No dropout, no labels: embeddings and logits.
        case inference
        /// Dropout active, labels as inputs, weighted losses summed into `loss`.
        case training
    }

    public let model: ModelConfig
    public let mode: Mode
    public internal(set) var graph: Graph
    /// The description's entries by path.
    let described: [String: ParamEntry]

    public static func lower(_ model: ModelConfig, mode: Mode, maxBatch: Int, maxSeq: Int) throws -> Graph {
        let backbone = try ModelDescription.backbone(of: model)
        let params = try ModelDescription.parameters(model)
        var l = Lowering(model: model, mode: mode, graph: Graph(maxBatch: maxBatch, maxSeq: maxSeq),
                         described: Dictionary(params.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a }))
        try l.build(backbone)
        return l.graph
    }

    mutating func build(_ backbone: any Backbone.Type) throws {
        let out = try backbone.lower(&self)
        graph.outputs["tokens"] = out.tokens
        let (pooled, embedding) = try Pooling.lower(out, &self)
        graph.outputs["embedding"] = embedding
        let features = HeadFeatures(tokens: out.tokens, pooled: pooled, embedding: embedding, mask: out.mask)

        var losses: [NodeID] = []
        for head in model.taskHeads {
            let part = Architectures.head(for: head)
            let logits = try part.lower(head, features, &self)
            if part.predicts { graph.outputs["logits.\(head.name)"] = logits }
            guard mode == .training else { continue }
            let loss = try part.loss(head, logits: logits, &self)
            graph.outputs["loss.\(head.name)"] = loss
            // A head weighted 0 is reported but outside the loss: no gradient reaches it, so it
            // gets no optimizer update (no weight decay, no momentum) either.
            guard head.lossWeight != 0 else { continue }
            losses.append(head.lossWeight == 1 ? loss
                          : try op(.scale, [loss], "heads.\(head.name).weighted_loss", origin: "heads.\(head.name)", .scale(factor: head.lossWeight)))
        }
        if mode == .training, var total = losses.first {
            for (i, l) in losses.dropFirst().enumerated() {
                total = try op(.add, [total, l], "loss.sum\(i)", origin: "losses")
            }
            graph.outputs["loss"] = total
        }
    }

    public mutating func input(_ kind: InputKind, _ shape: Shape) throws -> NodeID {
        try graph.add(.input, [], attrs: .input(kind, shape: shape), name: kind.description, origin: "tokenizer")
    }

    /// The described parameter at `path`.
    public mutating func param(_ path: String, origin: String) throws -> NodeID {
        guard let entry = described[path] else {
            throw GraphError.shape(node: path, op: .param, origin: origin,
                                   message: "the lowering uses a parameter the \(model.architecture) description does not list")
        }
        guard entry.checkedCount != nil else {
            throw GraphError.shape(node: path, op: .param, origin: origin, message: "shape \(entry.shape) has no element count that fits in 64 bits")
        }
        return try graph.addParam(entry, origin: origin)
    }

    public mutating func op(_ kind: OpKind, _ inputs: [NodeID], _ name: String, origin: String,
                            _ attrs: Attributes = .none) throws -> NodeID {
        try graph.add(kind, inputs, attrs: attrs, name: name, origin: origin)
    }

    /// Dropout in training graphs; the identity otherwise.
    public mutating func dropout(_ x: NodeID, _ p: Float, _ name: String, origin: String) throws -> NodeID {
        guard mode == .training, p > 0 else { return x }
        let stream = UInt64(graph.nodes.count)
        return try op(.dropout, [x], name, origin: origin, .dropout(p: p, stream: stream))
    }

    /// `x·Wᵀ + b` with the described `<path>.weight [out, in]` and `<path>.bias [out]`.
    public mutating func dense(_ x: NodeID, _ path: String, origin: String) throws -> NodeID {
        let w = try param("\(path).weight", origin: origin)
        let b = try param("\(path).bias", origin: origin)
        let y = try op(.matmul, [x, w], "\(path).matmul", origin: origin, .matmul(transB: true))
        return try op(.biasAdd, [y, b], "\(path).bias_add", origin: origin)
    }

    /// LayerNorm with the described `<path>.weight` and `<path>.bias`.
    public mutating func layerNorm(_ x: NodeID, _ path: String, origin: String) throws -> NodeID {
        let g = try param("\(path).weight", origin: origin)
        let b = try param("\(path).bias", origin: origin)
        let eps = model.layerNormEps
        return try op(.layerNorm, [x, g, b], path, origin: origin, .layerNorm(eps: eps))
    }
}
