/// Hugging Face `MPNetModel` (all-mpnet-base-v2): word and position embeddings with no token
/// types, positions from row padding_idx + 1 = 2 (as RoBERTa), LayerNorm, then BERT's
/// post-LayerNorm layers under MPNet's names, whose attention adds a relative position bias:
/// one `[32, heads]` table shared by all layers, indexed by T5's bidirectional buckets of
/// key − query (`attentionProbs`' optional fourth input, `Kernels+RelativeBias.swift`).
public enum MPNet: Backbone {
    public static let name = "mpnet"
    public static let modelTypes = ["mpnet"]
    /// `MPNetTokenizer`'s defaults: BERT's WordPiece, `<s> … </s>`, `<pad>`, and BERT's `[UNK]`.
    public static let tokenizer = TokenizerDefaults(cls: "<s>", sep: "</s>", pad: "<pad>", unk: "[UNK]", tokenTypes: false)
    public static let configKeys = [
        "vocab_size": "vocab_size", "hidden_size": "hidden_size", "num_layers": "num_hidden_layers",
        "num_heads": "num_attention_heads", "intermediate_size": "intermediate_size",
        "max_position_embeddings": "max_position_embeddings", "layer_norm_eps": "layer_norm_eps",
        "activation": "hidden_act", "hidden_dropout": "hidden_dropout_prob",
        "attention_dropout": "attention_probs_dropout_prob", "init_std": "initializer_range",
    ]
    /// `MPNetEncoder.compute_position_bias` calls the bucket function with 32 buckets and max
    /// distance 128 whatever the config says, so a table of another size would not be read as
    /// `transformers` reads it.
    public static let requiredConfig = ["relative_attention_num_buckets": "32"]
    public static let checkpointPrefixes = ["mpnet."]
    /// `padding_idx` (the pad token id) is where `transformers` starts positions from (+ 1):
    /// mtstc's position offset 2 is pad id 1.
    public static let huggingFace = HuggingFaceNames(
        modelClass: "MPNetModel", tokenizerClass: "MPNetTokenizer", maskToken: "<mask>",
        fixedConfig: ["pad_token_id": "1", "bos_token_id": "0", "eos_token_id": "2"], pooler: true)
    public static let positionOffset = 2
    public static let relativeBuckets = 32
    public static let relativeMaxDistance = 128

    /// The pooler, the masked-LM and classifier heads of `MPNetFor…` models and the position-id buffer.
    public static func ignoresCheckpointTensor(_ name: String) -> Bool {
        name.hasPrefix("pooler.") || name.hasPrefix("lm_head.") || name.hasPrefix("classifier.")
            || name.hasPrefix("qa_outputs.") || name.hasSuffix("position_ids")
    }

    /// The relative bias table is listed with the embeddings: like the position table it encodes
    /// positions and feeds layer 0, so `backbone.embeddings.*` rules, layer-wise decay (one step
    /// below layer 0) and gradual unfreezing treat it as they treat the embeddings.
    public static func embeddingParameters(_ m: ModelConfig) -> [ParamEntry] {
        let h = m.hidden
        let e = "backbone.embeddings"
        return [
            Describe.embeddingTable("word_embeddings", rows: m.vocabSize, m),
            Describe.embeddingTable("position_embeddings", rows: m.maxPositions, m),
            Describe.tensor("\(e).relative_attention_bias.weight", [relativeBuckets, m.heads], "encoder.relative_attention_bias.weight",
                            .normal(std: m.initStd), embedding: true),
        ] + Describe.layerNorm("\(e).norm", h, "embeddings.LayerNorm", embedding: true)
    }

    static let layerNames = BERT.LayerNames(
        query: "attention.attn.q", key: "attention.attn.k", value: "attention.attn.v", attentionOutput: "attention.attn.o",
        attentionNorm: "attention.LayerNorm", intermediate: "intermediate.dense", output: "output.dense", outputNorm: "output.LayerNorm")

    public static func layerParameters(_ i: Int, _ m: ModelConfig) -> [ParamEntry] {
        BERT.encoderLayerParameters(i, m, names: layerNames, prefix: "encoder.layer.\(i).")
    }

    public static func lower(_ l: inout Lowering) throws -> BackboneOutput {
        let m = l.model
        guard m.hidden % m.heads == 0 else {
            throw GraphError.shape(node: "backbone", op: .attentionProbs, origin: "backbone.hidden_size",
                                   message: "hidden size \(m.hidden) is not divisible by \(m.heads) heads")
        }
        let ids = try l.input(.tokenIds, Shape(.tokens))
        let positions = try l.input(.positions, Shape(.tokens))
        let mask = try l.input(.mask, Shape(.batch, .seq))
        let o = "backbone"
        let word = try l.param("backbone.embeddings.word_embeddings.weight", origin: o)
        let pos = try l.param("backbone.embeddings.position_embeddings.weight", origin: o)
        let table = try l.param("backbone.embeddings.relative_attention_bias.weight", origin: o)
        let e0 = try l.op(.gather, [word, ids], "backbone.embeddings.word", origin: o, .gather(idOffset: 0))
        let e1 = try l.op(.gather, [pos, positions], "backbone.embeddings.position", origin: o, .gather(idOffset: positionOffset))
        let sum = try l.op(.add, [e0, e1], "backbone.embeddings.sum", origin: o)
        var x = try l.layerNorm(sum, "backbone.embeddings.norm", origin: o)
        x = try l.dropout(x, m.hiddenDropout, "backbone.embeddings.dropout", origin: o)
        let bias = BERT.RelativeBias(table: table, buckets: relativeBuckets, maxDistance: relativeMaxDistance)
        for i in 0..<m.layers {
            x = try BERT.encoderLayer(&l, x, mask: mask, index: i, relativeBias: bias)
        }
        return BackboneOutput(tokens: x, mask: mask)
    }
}
