/// The whole parameter list of a model: the backbone's, the pooling stage's, then each head's in
/// spec order — the list the lowering declares, in its order. The spec validator, the optimizer
/// rules, the size checks and the docs read it from here.
public enum ModelDescription {
    public static func parameters(_ m: ModelConfig) throws -> [ParamEntry] {
        try backbone(of: m).parameters(m) + tail(m, heads: m.taskHeads.map { ($0.name, $0.kind, $0.labels.count) })
    }

    /// The parameters of the model a spec describes. A head's output size comes from
    /// `headClasses[name]`, else its explicit label list, else 0 (labels collected from data are
    /// not known before the data is read).
    public static func parameters(for spec: Spec, headClasses: [String: Int] = [:]) -> [ParamEntry] {
        let m = ModelConfig(spec: spec)
        return spec.backbone.architecture.parameters(m) + tail(m, heads: heads(spec, headClasses))
    }

    /// Refuses a model whose parameter list could not be built: more tensors than
    /// `PlanLimits.maxParams` (a billion layers would fill memory listing them) or element
    /// counts past 64 bits. Describes layer 0 once and multiplies, so it costs nothing for any size.
    public static func checkSize(of spec: Spec) throws(SpecError) {
        let b = spec.backbone
        let (layer, rest) = parts(spec, [:])
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
        let (layer, rest) = parts(spec, headClasses)
        guard let perLayer = SizeMath.sum(layer.map(elements)), let others = SizeMath.sum(rest.map(elements)),
              let layers = SizeMath.multiply(perLayer, spec.backbone.numLayers) else { return nil }
        return SizeMath.add(layers, others).flatMap { $0 < Int.max / 16 ? $0 : nil }
    }

    /// Element count of a described tensor, `Int.max` when it overflows.
    public static func elements(_ p: ParamEntry) -> Int { SizeMath.product(p.shape) ?? Int.max }

    static func backbone(of m: ModelConfig) throws -> any Backbone.Type {
        guard let backbone = Architectures.backbone(named: m.architecture) else {
            throw GraphError.shape(node: "backbone", op: .param, origin: "backbone.architecture",
                                   message: "unknown architecture '\(m.architecture)' (known: \(Architectures.backboneNames.joined(separator: ", ")))")
        }
        return backbone
    }

    /// Layer 0's parameters, and every parameter outside the layers.
    private static func parts(_ spec: Spec, _ headClasses: [String: Int]) -> (layer: [ParamEntry], rest: [ParamEntry]) {
        let m = ModelConfig(spec: spec)
        let backbone = spec.backbone.architecture
        return (backbone.layerParameters(0, m), backbone.embeddingParameters(m) + tail(m, heads: heads(spec, headClasses)))
    }

    private static func heads(_ spec: Spec, _ headClasses: [String: Int]) -> [(String, TaskHead.Kind, Int)] {
        spec.heads.map { head in
            var classes = headClasses[head.name] ?? 0
            if headClasses[head.name] == nil, case .list(let labels) = head.labels { classes = labels.count }
            return (head.name, head.kind, classes)
        }
    }

    private static func tail(_ m: ModelConfig, heads: [(name: String, kind: TaskHead.Kind, classes: Int)]) -> [ParamEntry] {
        Pooling.parameters(m) + heads.flatMap { Architectures.head($0.kind).parameters(name: $0.name, classes: $0.classes, m) }
    }
}
