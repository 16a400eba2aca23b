/// Hugging Face `DistilBertModel`: BERT's post-LayerNorm encoder under other names, with no
/// token-type embedding and its own config.json keys. The lowering is BERT's.
public enum DistilBERT: Backbone {
    public static let name = "distilbert"
    public static let modelTypes = ["distilbert"]
    public static let tokenizer = TokenizerDefaults(cls: "[CLS]", sep: "[SEP]", pad: "[PAD]", unk: "[UNK]", tokenTypes: false)
    /// DistilBERT's LayerNorm eps is fixed at 1e-12 in its code, not in config.json.
    public static let configKeys = [
        "vocab_size": "vocab_size", "hidden_size": "dim", "num_layers": "n_layers", "num_heads": "n_heads",
        "intermediate_size": "hidden_dim", "max_position_embeddings": "max_position_embeddings",
        "activation": "activation", "hidden_dropout": "dropout", "attention_dropout": "attention_dropout",
        "init_std": "initializer_range",
    ]
    public static let requiredConfig = ["sinusoidal_pos_embds": "false"]
    public static let checkpointPrefixes = ["distilbert."]
    public static let huggingFace = HuggingFaceNames(modelClass: "DistilBertModel", tokenizerClass: "DistilBertTokenizer",
                                                     maskToken: "[MASK]", pooler: false)

    /// The masked-LM and classifier heads of `DistilBertFor…` models and the position-id buffer.
    public static func ignoresCheckpointTensor(_ name: String) -> Bool {
        ["vocab_transform.", "vocab_layer_norm.", "vocab_projector.", "pre_classifier.", "classifier.", "qa_outputs."]
            .contains { name.hasPrefix($0) } || name.hasSuffix("position_ids")
    }

    public static func embeddingParameters(_ m: ModelConfig) -> [ParamEntry] {
        let h = m.hidden
        let e = "backbone.embeddings"
        return [
            Describe.embeddingTable("word_embeddings", rows: m.vocabSize, m),
            Describe.embeddingTable("position_embeddings", rows: m.maxPositions, m),
        ] + Describe.layerNorm("\(e).norm", h, "embeddings.LayerNorm", embedding: true)
    }

    static let layerNames = BERT.LayerNames(
        query: "attention.q_lin", key: "attention.k_lin", value: "attention.v_lin", attentionOutput: "attention.out_lin",
        attentionNorm: "sa_layer_norm", intermediate: "ffn.lin1", output: "ffn.lin2", outputNorm: "output_layer_norm")

    public static func layerParameters(_ i: Int, _ m: ModelConfig) -> [ParamEntry] {
        BERT.encoderLayerParameters(i, m, names: layerNames, prefix: "transformer.layer.\(i).")
    }

    public static func lower(_ l: inout Lowering) throws -> BackboneOutput {
        try BERT.lowerEncoder(&l, tokenTypes: false)
    }
}
