/// A trainable tensor as the optimizer rules see it: its path and where it sits in the model.
public struct ParamInfo: Sendable, Equatable {
    /// e.g. `backbone.layers[3].attention.query.weight`.
    public var path: String
    /// Backbone layer index, nil outside the encoder layers.
    public var layer: Int?
    public var isEmbedding: Bool
    public var isHead: Bool
    /// Number of elements.
    public var count: Int

    public init(path: String, layer: Int? = nil, isEmbedding: Bool = false, isHead: Bool = false, count: Int) {
        self.path = path
        self.layer = layer
        self.isEmbedding = isEmbedding
        self.isHead = isHead
        self.count = count
    }

    /// Every parameter of the model a spec describes, with the paths graph lowering uses, in a
    /// fixed order: embeddings, layers 0…L−1, pooling, heads in spec order. A head's output size comes from `headClasses[name]`, else its explicit label
    /// list, else 0 (labels collected from data are not known before the data is read).
    public static func canonical(for spec: Spec, headClasses: [String: Int] = [:]) -> [ParamInfo] {
        let b = spec.backbone
        let h = b.hiddenSize
        var params: [ParamInfo] = []
        func add(_ path: String, _ count: Int, layer: Int? = nil, embedding: Bool = false, head: Bool = false) {
            params.append(ParamInfo(path: path, layer: layer, isEmbedding: embedding, isHead: head, count: count))
        }
        add("backbone.embeddings.word_embeddings.weight", b.vocabSize * h, embedding: true)
        add("backbone.embeddings.position_embeddings.weight", b.maxPositionEmbeddings * h, embedding: true)
        add("backbone.embeddings.token_type_embeddings.weight", b.typeVocabSize * h, embedding: true)
        add("backbone.embeddings.norm.weight", h, embedding: true)
        add("backbone.embeddings.norm.bias", h, embedding: true)
        for i in 0..<b.numLayers {
            let layer = "backbone.layers[\(i)]"
            for name in ["query", "key", "value", "output"] {
                add("\(layer).attention.\(name).weight", h * h, layer: i)
                add("\(layer).attention.\(name).bias", h, layer: i)
            }
            add("\(layer).attention.norm.weight", h, layer: i)
            add("\(layer).attention.norm.bias", h, layer: i)
            add("\(layer).ffn.intermediate.weight", h * b.intermediateSize, layer: i)
            add("\(layer).ffn.intermediate.bias", b.intermediateSize, layer: i)
            add("\(layer).ffn.output.weight", b.intermediateSize * h, layer: i)
            add("\(layer).ffn.output.bias", h, layer: i)
            add("\(layer).ffn.norm.weight", h, layer: i)
            add("\(layer).ffn.norm.bias", h, layer: i)
        }
        if spec.normalize == .layerNorm {
            add("pooling.norm.weight", h)
            add("pooling.norm.bias", h)
        }
        for head in spec.heads {
            var classes = headClasses[head.name] ?? 0
            if headClasses[head.name] == nil, case .list(let labels) = head.labels { classes = labels.count }
            add("heads.\(head.name).weight", h * classes, head: true)
            add("heads.\(head.name).bias", classes, head: true)
        }
        return params
    }
}
