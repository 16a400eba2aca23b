extension ModelConfig {
    /// The model a spec describes, with the label sets of `labels: from_data` heads filled in.
    static func from(_ spec: Spec, labels fromData: [String: [String]]) throws -> ModelConfig {
        let b = spec.backbone
        let heads = try spec.heads.map { h -> TaskHead in
            let labels: [String]
            switch h.labels {
            case .list(let l): labels = l
            case .fromData:
                guard let l = fromData[h.name], !l.isEmpty else {
                    let files = (spec.data?.train ?? []).map(\.path.value).joined(separator: ", ")
                    let what = h.kind == .classification ? "a sentence label" : "tags"
                    throw CompileError.located(spec.location(of: "heads.\(h.name).labels"),
                                               "heads.\(h.name).labels: from_data, but no example of data.train (\(files)) has \(what) routed to this head; list the labels here or add a source that has them")
                }
                labels = l
            }
            var head = TaskHead(name: h.name, kind: h.kind, dropout: h.dropout, labels: labels, lossWeight: h.lossWeight)
            head.normalizedInput = h.input != .pooled
            return head
        }
        return ModelConfig(vocabSize: b.vocabSize, hidden: b.hiddenSize, layers: b.numLayers, heads: b.numHeads,
                           intermediate: b.intermediateSize, maxPositions: b.maxPositionEmbeddings,
                           typeVocabSize: b.typeVocabSize, layerNormEps: b.layerNormEps, hiddenDropout: b.hiddenDropout,
                           attentionDropout: b.attentionDropout, initStd: b.initStd, initSeed: b.initSeed,
                           pooling: spec.pooling, normalize: spec.normalize, taskHeads: heads)
    }
}
