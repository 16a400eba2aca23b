/// Hugging Face `MPNetModel`: word and position embeddings (positions start at row
/// padding_idx + 1 = 2, as in RoBERTa; no token types), LayerNorm, then BERT's post-LayerNorm
/// layers under MPNet's names, whose attention adds a relative position bias shared by all
/// layers: one `[buckets, heads]` table indexed by T5's bidirectional buckets of key − query.
extension Lowering {
    /// MPNet's `relative_position_bucket` is called with max_distance 128 and 32 buckets, whatever
    /// the config says (the config only sizes the table; the spec insists on 32).
    static let mpnetMaxDistance = 128
    static let mpnetPositionOffset = 2

    mutating func buildMPNet() throws {
        let m = model
        let h = m.hidden
        let ids = try input(.tokenIds, Shape(.tokens))
        let positions = try input(.positions, Shape(.tokens))
        let mask = try input(.mask, Shape(.batch, .seq))

        let o = "backbone"
        let word = try param("backbone.embeddings.word_embeddings.weight", [m.vocabSize, h],
                             hf: "embeddings.word_embeddings.weight", .normal(std: m.initStd), origin: o)
        let pos = try param("backbone.embeddings.position_embeddings.weight", [m.maxPositions, h],
                            hf: "embeddings.position_embeddings.weight", .normal(std: m.initStd), origin: o)
        // Grouped with the embeddings: like them it encodes positions and sits below layer 0, so
        // freezing, layer-wise decay and gradual unfreezing treat it as the embeddings.
        let table = try param("backbone.embeddings.relative_attention_bias.weight", [m.relativeAttentionBuckets, m.heads],
                              hf: "encoder.relative_attention_bias.weight", .normal(std: m.initStd), origin: o)
        let e0 = try op(.gather, [word, ids], "backbone.embeddings.word", origin: o)
        let offset = m.positionOffset
        let e1 = try op(.gather, [pos, positions], "backbone.embeddings.position", origin: o) { $0.idOffset = offset }
        let sum = try op(.add, [e0, e1], "backbone.embeddings.sum", origin: o)
        var x = try layerNorm(sum, "backbone.embeddings.norm", hf: "embeddings.LayerNorm", layer: nil, origin: o)
        x = try dropout(x, m.hiddenDropout, "backbone.embeddings.dropout", origin: o)
        for i in 0..<m.layers {
            x = try encoderLayer(x, mask: mask, index: i, names: .mpnet, relativeBias: table)
        }
        try buildHeads(x, mask: mask)
    }
}
