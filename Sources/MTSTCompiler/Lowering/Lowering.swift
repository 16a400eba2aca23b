/// Turns a model description into the forward op graph, op by op, exactly as Hugging Face's
/// `BertModel` computes it (post-LayerNorm encoder, exact GELU), followed by pooling, the
/// sentence normalization and the task heads. The graph is unfused: passes fuse it.
public struct Lowering {
    public enum Mode: String, Codable, Sendable {
        /// No dropout, no labels: embeddings and logits.
        case inference
        /// Dropout active, labels as inputs, weighted losses summed into `loss`.
        case training
    }

    let model: ModelConfig
    let mode: Mode
    var graph: Graph

    public static func lower(_ model: ModelConfig, mode: Mode, maxBatch: Int, maxSeq: Int) throws -> Graph {
        var l = Lowering(model: model, mode: mode, graph: Graph(maxBatch: maxBatch, maxSeq: maxSeq))
        try l.build()
        return l.graph
    }

    mutating func input(_ kind: InputKind, _ shape: Shape) throws -> NodeID {
        try graph.add(.input, [], attrs: .input(kind, shape: shape), name: kind.description, origin: "tokenizer")
    }

    mutating func param(_ path: String, _ shape: [Int], hf: String?, _ initializer: ParamInit,
                        layer: Int? = nil, origin: String) throws -> NodeID {
        var e = ParamEntry(path: path, shape: shape, checkpointName: hf, initializer: initializer, layer: layer)
        e.isEmbedding = path.hasPrefix("backbone.embeddings.")
        e.isHead = path.hasPrefix("heads.")
        guard e.checkedCount != nil else {
            throw GraphError.shape(node: path, op: .param, origin: origin, message: "shape \(shape) has no element count that fits in 64 bits")
        }
        return try graph.addParam(e, origin: origin)
    }

    mutating func op(_ kind: OpKind, _ inputs: [NodeID], _ name: String, origin: String,
                     _ attrs: Attributes = .none) throws -> NodeID {
        try graph.add(kind, inputs, attrs: attrs, name: name, origin: origin)
    }

    mutating func dropout(_ x: NodeID, _ p: Float, _ name: String, origin: String) throws -> NodeID {
        guard mode == .training, p > 0 else { return x }
        let stream = UInt64(graph.nodes.count)
        return try op(.dropout, [x], name, origin: origin, .dropout(p: p, stream: stream))
    }

    /// `x·Wᵀ + b` with weights `[out, in]` named as Hugging Face names them.
    mutating func dense(_ x: NodeID, _ path: String, out: Int, in width: Int, hf: String, layer: Int?, origin: String) throws -> NodeID {
        let w = try param("\(path).weight", [out, width], hf: "\(hf).weight", .normal(std: model.initStd), layer: layer, origin: origin)
        let b = try param("\(path).bias", [out], hf: "\(hf).bias", .zeros, layer: layer, origin: origin)
        let y = try op(.matmul, [x, w], "\(path).matmul", origin: origin, .matmul(transB: true))
        return try op(.biasAdd, [y, b], "\(path).bias_add", origin: origin)
    }

    mutating func layerNorm(_ x: NodeID, _ path: String, hf: String, layer: Int?, origin: String) throws -> NodeID {
        let h = model.hidden
        let g = try param("\(path).weight", [h], hf: "\(hf).weight", .ones, layer: layer, origin: origin)
        let b = try param("\(path).bias", [h], hf: "\(hf).bias", .zeros, layer: layer, origin: origin)
        let eps = model.layerNormEps
        return try op(.layerNorm, [x, g, b], path, origin: origin, .layerNorm(eps: eps))
    }

    mutating func build() throws {
        let m = model
        let h = m.hidden
        guard h % m.heads == 0 else {
            throw GraphError.shape(node: "backbone", op: .attentionProbs, origin: "backbone.hidden_size",
                                   message: "hidden size \(h) is not divisible by \(m.heads) heads")
        }
        let ids = try input(.tokenIds, Shape(.tokens))
        let types = try input(.tokenTypes, Shape(.tokens))
        let positions = try input(.positions, Shape(.tokens))
        let mask = try input(.mask, Shape(.batch, .seq))

        let o = "backbone"
        let word = try param("backbone.embeddings.word_embeddings.weight", [m.vocabSize, h],
                             hf: "embeddings.word_embeddings.weight", .normal(std: m.initStd), origin: o)
        let pos = try param("backbone.embeddings.position_embeddings.weight", [m.maxPositions, h],
                            hf: "embeddings.position_embeddings.weight", .normal(std: m.initStd), origin: o)
        let type = try param("backbone.embeddings.token_type_embeddings.weight", [m.typeVocabSize, h],
                             hf: "embeddings.token_type_embeddings.weight", .normal(std: m.initStd), origin: o)
        let e0 = try op(.gather, [word, ids], "backbone.embeddings.word", origin: o)
        let e1 = try op(.gather, [pos, positions], "backbone.embeddings.position", origin: o)
        let e2 = try op(.gather, [type, types], "backbone.embeddings.token_type", origin: o)
        let sum = try op(.add, [try op(.add, [e0, e1], "backbone.embeddings.sum", origin: o), e2],
                         "backbone.embeddings.sum_types", origin: o)
        var x = try layerNorm(sum, "backbone.embeddings.norm", hf: "embeddings.LayerNorm", layer: nil, origin: o)
        x = try dropout(x, m.hiddenDropout, "backbone.embeddings.dropout", origin: o)

        for i in 0..<m.layers {
            x = try encoderLayer(x, mask: mask, index: i)
        }
        graph.outputs["tokens"] = x

        var pooled: NodeID
        let rawPooled: NodeID
        switch m.pooling {
        case .mean: pooled = try op(.meanPool, [x, mask], "pooling.mean", origin: "pooling")
        case .cls: pooled = try op(.clsPool, [x], "pooling.cls", origin: "pooling")
        case .max: pooled = try op(.maxPool, [x, mask], "pooling.max", origin: "pooling")
        }
        rawPooled = pooled
        switch m.normalize {
        case .l2: pooled = try op(.l2Normalize, [pooled], "pooling.l2_normalize", origin: "normalize", .l2Normalize(eps: 1e-12))
        case .layerNorm: pooled = try layerNorm(pooled, "pooling.norm", hf: "pooling.norm", layer: nil, origin: "normalize")
        case .none: break
        }
        graph.outputs["embedding"] = pooled

        var losses: [NodeID] = []
        for head in m.taskHeads {
            let origin = "heads.\(head.name)"
            let features = head.kind == .tagging ? x : head.normalizedInput ? pooled : rawPooled
            let dropped = try dropout(features, head.dropout, "heads.\(head.name).dropout", origin: origin)
            let logits = try dense(dropped, "heads.\(head.name)", out: head.labels.count, in: h,
                                   hf: "heads.\(head.name)", layer: nil, origin: origin)
            graph.outputs["logits.\(head.name)"] = logits
            guard mode == .training else { continue }
            let labels = try input(.labels(head: head.name), Shape(head.kind == .classification ? .batch : .tokens))
            let loss = try op(.crossEntropy, [logits, labels], "heads.\(head.name).loss", origin: origin)
            graph.outputs["loss.\(head.name)"] = loss
            losses.append(head.lossWeight == 1 ? loss
                          : try op(.scale, [loss], "heads.\(head.name).weighted_loss", origin: origin, .scale(factor: head.lossWeight)))
        }
        if mode == .training, var total = losses.first {
            for (i, l) in losses.dropFirst().enumerated() {
                total = try op(.add, [total, l], "loss.sum\(i)", origin: "losses")
            }
            graph.outputs["loss"] = total
        }
    }

    mutating func encoderLayer(_ x: NodeID, mask: NodeID, index i: Int) throws -> NodeID {
        let m = model
        let h = m.hidden
        let p = "backbone.layers[\(i)]"
        let hf = "encoder.layer.\(i)"
        let o = "backbone"
        let q = try dense(x, "\(p).attention.query", out: h, in: h, hf: "\(hf).attention.self.query", layer: i, origin: o)
        let k = try dense(x, "\(p).attention.key", out: h, in: h, hf: "\(hf).attention.self.key", layer: i, origin: o)
        let v = try dense(x, "\(p).attention.value", out: h, in: h, hf: "\(hf).attention.self.value", layer: i, origin: o)
        let scale = 1 / Float(m.headDim).squareRoot()
        let attention = Attributes.attention(heads: m.heads, headDim: m.headDim, scale: scale)
        var probs = try op(.attentionProbs, [q, k, mask], "\(p).attention.probs", origin: o, attention)
        probs = try dropout(probs, m.attentionDropout, "\(p).attention.probs_dropout", origin: o)
        let context = try op(.attentionContext, [probs, v], "\(p).attention.context", origin: o, attention)
        var attnOut = try dense(context, "\(p).attention.output", out: h, in: h, hf: "\(hf).attention.output.dense", layer: i, origin: o)
        attnOut = try dropout(attnOut, m.hiddenDropout, "\(p).attention.dropout", origin: o)
        let res1 = try op(.add, [attnOut, x], "\(p).attention.residual", origin: o)
        let h1 = try layerNorm(res1, "\(p).attention.norm", hf: "\(hf).attention.output.LayerNorm", layer: i, origin: o)

        let inter = try dense(h1, "\(p).ffn.intermediate", out: m.intermediate, in: h, hf: "\(hf).intermediate.dense", layer: i, origin: o)
        let act = try op(.gelu, [inter], "\(p).ffn.gelu", origin: o)
        var out = try dense(act, "\(p).ffn.output", out: h, in: m.intermediate, hf: "\(hf).output.dense", layer: i, origin: o)
        out = try dropout(out, m.hiddenDropout, "\(p).ffn.dropout", origin: o)
        let res2 = try op(.add, [out, h1], "\(p).ffn.residual", origin: o)
        return try layerNorm(res2, "\(p).ffn.norm", hf: "\(hf).output.LayerNorm", layer: i, origin: o)
    }
}
