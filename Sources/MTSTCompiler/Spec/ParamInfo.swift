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
    /// Element counts that overflow saturate at `Int.max`; `checkSize` reports them first.
    public static func canonical(for spec: Spec, headClasses: [String: Int] = [:]) -> [ParamInfo] {
        embeddingParams(spec) + (0..<spec.backbone.numLayers).flatMap { layerParams($0, spec) } + tailParams(spec, headClasses)
    }

    /// Refuses a model whose parameter list could not be built: more tensors than
    /// `PlanLimits.maxParams` (a billion layers would fill memory listing them) or element
    /// counts past 64 bits. Counts layer 0 once and multiplies, so it costs nothing for any size.
    public static func checkSize(of spec: Spec) throws(SpecError) {
        let b = spec.backbone
        let layer = layerParams(0, spec)
        let rest = embeddingParams(spec) + tailParams(spec, [:])
        let tensors = SizeMath.multiply(b.numLayers, layer.count).flatMap { SizeMath.add($0, rest.count) }
        guard let tensors, tensors <= PlanLimits.maxParams else {
            throw .badValue(at: spec.location(of: "backbone.num_layers"), keyPath: "backbone.num_layers",
                            message: "\(b.numLayers) layers make \(tensors.map(String.init) ?? "more than 2^63") parameter tensors; at most \(PlanLimits.maxParams) are supported")
        }
        guard totalElements(spec) != nil else {
            throw .badValue(at: spec.location(of: "backbone.hidden_size"), keyPath: "backbone.hidden_size",
                            message: "the parameter sizes (hidden \(b.hiddenSize), intermediate \(b.intermediateSize), vocabulary \(b.vocabSize)) overflow 64-bit element counts")
        }
    }

    /// Elements of all parameters (heads with labels from data count 0), nil on overflow.
    public static func totalElements(_ spec: Spec, headClasses: [String: Int] = [:]) -> Int? {
        let layer = SizeMath.sum(layerParams(0, spec).map(\.count))
        let rest = SizeMath.sum((embeddingParams(spec) + tailParams(spec, headClasses)).map(\.count))
        guard let layer, let rest, let layers = SizeMath.multiply(layer, spec.backbone.numLayers) else { return nil }
        return SizeMath.add(layers, rest).flatMap { $0 < Int.max / 16 ? $0 : nil }
    }

    private static func product(_ factors: Int...) -> Int { SizeMath.product(factors) ?? Int.max }

    static func embeddingParams(_ spec: Spec) -> [ParamInfo] {
        let b = spec.backbone
        let h = b.hiddenSize
        return [
            ParamInfo(path: "backbone.embeddings.word_embeddings.weight", isEmbedding: true, count: product(b.vocabSize, h)),
            ParamInfo(path: "backbone.embeddings.position_embeddings.weight", isEmbedding: true, count: product(b.maxPositionEmbeddings, h)),
            ParamInfo(path: "backbone.embeddings.token_type_embeddings.weight", isEmbedding: true, count: product(b.typeVocabSize, h)),
            ParamInfo(path: "backbone.embeddings.norm.weight", isEmbedding: true, count: h),
            ParamInfo(path: "backbone.embeddings.norm.bias", isEmbedding: true, count: h),
        ]
    }

    static func layerParams(_ i: Int, _ spec: Spec) -> [ParamInfo] {
        let b = spec.backbone
        let h = b.hiddenSize
        let layer = "backbone.layers[\(i)]"
        var params: [ParamInfo] = []
        func add(_ path: String, _ count: Int) { params.append(ParamInfo(path: path, layer: i, count: count)) }
        for name in ["query", "key", "value", "output"] {
            add("\(layer).attention.\(name).weight", product(h, h))
            add("\(layer).attention.\(name).bias", h)
        }
        add("\(layer).attention.norm.weight", h)
        add("\(layer).attention.norm.bias", h)
        add("\(layer).ffn.intermediate.weight", product(h, b.intermediateSize))
        add("\(layer).ffn.intermediate.bias", b.intermediateSize)
        add("\(layer).ffn.output.weight", product(b.intermediateSize, h))
        add("\(layer).ffn.output.bias", h)
        add("\(layer).ffn.norm.weight", h)
        add("\(layer).ffn.norm.bias", h)
        return params
    }

    static func tailParams(_ spec: Spec, _ headClasses: [String: Int]) -> [ParamInfo] {
        let h = spec.backbone.hiddenSize
        var params: [ParamInfo] = []
        if spec.normalize == .layerNorm {
            params.append(ParamInfo(path: "pooling.norm.weight", count: h))
            params.append(ParamInfo(path: "pooling.norm.bias", count: h))
        }
        for head in spec.heads where head.kind != .contrastive {
            var classes = headClasses[head.name] ?? 0
            if headClasses[head.name] == nil, case .list(let labels) = head.labels { classes = labels.count }
            params.append(ParamInfo(path: "heads.\(head.name).weight", isHead: true, count: product(h, classes)))
            params.append(ParamInfo(path: "heads.\(head.name).bias", isHead: true, count: classes))
        }
        return params
    }
}
