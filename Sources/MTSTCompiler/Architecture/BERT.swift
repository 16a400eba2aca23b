/// Hugging Face `BertModel` (and MiniLM, which is a BERT): learned word, position and token-type
/// embeddings, a post-LayerNorm encoder with exact GELU. Its encoder layer and embedding
/// lowering are shared by the BERT-shaped backbones that differ only in names (`DistilBERT`).
public enum BERT: Backbone {
    public static let name = "bert"
    public static let modelTypes = ["bert"]
    public static let tokenizer = TokenizerDefaults.wordPiece
    public static let configKeys = [
        "vocab_size": "vocab_size", "hidden_size": "hidden_size", "num_layers": "num_hidden_layers",
        "num_heads": "num_attention_heads", "intermediate_size": "intermediate_size",
        "max_position_embeddings": "max_position_embeddings", "type_vocab_size": "type_vocab_size",
        "layer_norm_eps": "layer_norm_eps", "activation": "hidden_act", "hidden_dropout": "hidden_dropout_prob",
        "attention_dropout": "attention_probs_dropout_prob", "init_std": "initializer_range",
    ]
    public static let requiredConfig = ["position_embedding_type": "\"absolute\""]
    public static let checkpointPrefixes = ["bert."]
    public static let huggingFace = HuggingFaceNames(modelClass: "BertModel", tokenizerClass: "BertTokenizer", maskToken: "[MASK]", pooler: true)

    /// The pooler, the pre-training heads (`cls.`) and the position-id buffer.
    public static func ignoresCheckpointTensor(_ name: String) -> Bool {
        name.hasPrefix("pooler.") || name.hasSuffix("position_ids") || name.hasPrefix("cls.")
    }

    public static func embeddingParameters(_ m: ModelConfig) -> [ParamEntry] {
        let h = m.hidden
        let e = "backbone.embeddings"
        return [
            Describe.embeddingTable("word_embeddings", rows: m.vocabSize, m),
            Describe.embeddingTable("position_embeddings", rows: m.maxPositions, m),
            Describe.embeddingTable("token_type_embeddings", rows: m.typeVocabSize, m),
        ] + Describe.layerNorm("\(e).norm", h, "embeddings.LayerNorm", embedding: true)
    }

    public static func layerParameters(_ i: Int, _ m: ModelConfig) -> [ParamEntry] {
        encoderLayerParameters(i, m, names: .bert, prefix: "encoder.layer.\(i).")
    }

    public static func lower(_ l: inout Lowering) throws -> BackboneOutput {
        try lowerEncoder(&l, tokenTypes: true)
    }

    /// Checkpoint names of a BERT encoder layer's tensors, by their part in the layer.
    public struct LayerNames: Sendable {
        public var query, key, value, attentionOutput, attentionNorm, intermediate, output, outputNorm: String
        public init(query: String, key: String, value: String, attentionOutput: String, attentionNorm: String,
                    intermediate: String, output: String, outputNorm: String) {
            (self.query, self.key, self.value, self.attentionOutput) = (query, key, value, attentionOutput)
            (self.attentionNorm, self.intermediate, self.output, self.outputNorm) = (attentionNorm, intermediate, output, outputNorm)
        }

        public static let bert = LayerNames(
            query: "attention.self.query", key: "attention.self.key", value: "attention.self.value",
            attentionOutput: "attention.output.dense", attentionNorm: "attention.output.LayerNorm",
            intermediate: "intermediate.dense", output: "output.dense", outputNorm: "output.LayerNorm")
    }

    /// A post-LayerNorm encoder layer's parameters under mtstc paths, named in the checkpoint
    /// `prefix` + the part's name in `names`.
    public static func encoderLayerParameters(_ i: Int, _ m: ModelConfig, names: LayerNames, prefix: String) -> [ParamEntry] {
        let checkpoint = { (part: String) in prefix + part }
        let h = m.hidden
        let p = "backbone.layers[\(i)]"
        let std = m.initStd
        return Describe.dense("\(p).attention.query", out: h, in: h, checkpoint(names.query), std: std, layer: i)
            + Describe.dense("\(p).attention.key", out: h, in: h, checkpoint(names.key), std: std, layer: i)
            + Describe.dense("\(p).attention.value", out: h, in: h, checkpoint(names.value), std: std, layer: i)
            + Describe.dense("\(p).attention.output", out: h, in: h, checkpoint(names.attentionOutput), std: std, layer: i)
            + Describe.layerNorm("\(p).attention.norm", h, checkpoint(names.attentionNorm), layer: i)
            + Describe.dense("\(p).ffn.intermediate", out: m.intermediate, in: h, checkpoint(names.intermediate), std: std, layer: i)
            + Describe.dense("\(p).ffn.output", out: h, in: m.intermediate, checkpoint(names.output), std: std, layer: i)
            + Describe.layerNorm("\(p).ffn.norm", h, checkpoint(names.outputNorm), layer: i)
    }

    /// Embeddings (word + position [+ token type]) → LayerNorm → dropout, then the layers.
    public static func lowerEncoder(_ l: inout Lowering, tokenTypes: Bool) throws -> BackboneOutput {
        let m = l.model
        guard m.hidden % m.heads == 0 else {
            throw GraphError.shape(node: "backbone", op: .attentionProbs, origin: "backbone.hidden_size",
                                   message: "hidden size \(m.hidden) is not divisible by \(m.heads) heads")
        }
        let ids = try l.input(.tokenIds, Shape(.tokens))
        let types = tokenTypes ? try l.input(.tokenTypes, Shape(.tokens)) : nil
        let positions = try l.input(.positions, Shape(.tokens))
        let mask = try l.input(.mask, Shape(.batch, .seq))

        let o = "backbone"
        let word = try l.param("backbone.embeddings.word_embeddings.weight", origin: o)
        let pos = try l.param("backbone.embeddings.position_embeddings.weight", origin: o)
        let typeTable = try types.map { _ in try l.param("backbone.embeddings.token_type_embeddings.weight", origin: o) }
        let e0 = try l.op(.gather, [word, ids], "backbone.embeddings.word", origin: o, .gather(idOffset: 0))
        let e1 = try l.op(.gather, [pos, positions], "backbone.embeddings.position", origin: o, .gather(idOffset: 0))
        var e2: NodeID?
        if let types, let typeTable {
            e2 = try l.op(.gather, [typeTable, types], "backbone.embeddings.token_type", origin: o, .gather(idOffset: 0))
        }
        var sum = try l.op(.add, [e0, e1], "backbone.embeddings.sum", origin: o)
        if let e2 {
            sum = try l.op(.add, [sum, e2], "backbone.embeddings.sum_types", origin: o)
        }
        var x = try l.layerNorm(sum, "backbone.embeddings.norm", origin: o)
        x = try l.dropout(x, m.hiddenDropout, "backbone.embeddings.dropout", origin: o)
        for i in 0..<m.layers {
            x = try encoderLayer(&l, x, mask: mask, index: i)
        }
        return BackboneOutput(tokens: x, mask: mask)
    }

    /// A relative position bias table `[buckets, heads]` the attention adds to its scores (MPNet).
    public struct RelativeBias: Sendable {
        public var table: NodeID
        public var buckets: Int
        public var maxDistance: Int
        public init(table: NodeID, buckets: Int, maxDistance: Int) {
            (self.table, self.buckets, self.maxDistance) = (table, buckets, maxDistance)
        }
    }

    /// Self-attention → dropout → residual → LayerNorm → dense → GELU → dense → dropout →
    /// residual → LayerNorm, as `BertLayer` computes it; with `relativeBias`, as `MPNetLayer`.
    public static func encoderLayer(_ l: inout Lowering, _ x: NodeID, mask: NodeID, index i: Int,
                                    relativeBias: RelativeBias? = nil) throws -> NodeID {
        let m = l.model
        let p = "backbone.layers[\(i)]"
        let o = "backbone"
        let q = try l.dense(x, "\(p).attention.query", origin: o)
        let k = try l.dense(x, "\(p).attention.key", origin: o)
        let v = try l.dense(x, "\(p).attention.value", origin: o)
        let scale = 1 / Float(m.headDim).squareRoot()
        let attention = AttentionAttributes(heads: m.heads, headDim: m.headDim, scale: scale)
        var probs: NodeID
        if let r = relativeBias {
            var withBias = attention
            withBias.relativeBuckets = r.buckets
            withBias.relativeMaxDistance = r.maxDistance
            probs = try l.op(.attentionProbs, [q, k, mask, r.table], "\(p).attention.probs", origin: o, .attention(withBias))
        } else {
            probs = try l.op(.attentionProbs, [q, k, mask], "\(p).attention.probs", origin: o, .attention(attention))
        }
        probs = try l.dropout(probs, m.attentionDropout, "\(p).attention.probs_dropout", origin: o)
        let context = try l.op(.attentionContext, [probs, v], "\(p).attention.context", origin: o, .attention(attention))
        var attnOut = try l.dense(context, "\(p).attention.output", origin: o)
        attnOut = try l.dropout(attnOut, m.hiddenDropout, "\(p).attention.dropout", origin: o)
        let res1 = try l.op(.add, [attnOut, x], "\(p).attention.residual", origin: o)
        let h1 = try l.layerNorm(res1, "\(p).attention.norm", origin: o)

        let inter = try l.dense(h1, "\(p).ffn.intermediate", origin: o)
        let act = try l.op(.gelu, [inter], "\(p).ffn.gelu", origin: o)
        var out = try l.dense(act, "\(p).ffn.output", origin: o)
        out = try l.dropout(out, m.hiddenDropout, "\(p).ffn.dropout", origin: o)
        let res2 = try l.op(.add, [out, h1], "\(p).ffn.residual", origin: o)
        return try l.layerNorm(res2, "\(p).ffn.norm", origin: o)
    }
}
