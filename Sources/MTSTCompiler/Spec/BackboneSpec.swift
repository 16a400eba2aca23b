/// The encoder: its architecture, shapes, regularisation and where its weights come from.
public struct BackboneSpec: Sendable {
    /// `backbone.architecture`, else the config.json's `model_type`, else BERT.
    public var architecture: any Backbone.Type
    /// Resolved path of the Hugging Face config.json the shapes were read from, if any.
    public var config: Located<String>?
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numLayers: Int
    public var numHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var activation: Activation
    public var hiddenDropout: Float
    public var attentionDropout: Float
    /// Resolved safetensors path; nil means seeded random initialisation.
    public var weights: Located<String>?
    public var initSeed: UInt64
    public var initStd: Float

    public var headDim: Int { hiddenSize / numHeads }

    public enum Activation: String, Sendable, CaseIterable, Codable {
        /// Exact erf GELU, as BERT and MiniLM were trained with.
        case gelu
    }

    static let keys = [
        "architecture", "config", "vocab_size", "hidden_size", "num_layers", "num_heads", "intermediate_size",
        "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "activation",
        "hidden_dropout", "attention_dropout", "weights", "init_seed", "init_std",
    ]
}

extension BackboneSpec {
    static func decode(_ field: Field, specPath: String) throws(SpecError) -> BackboneSpec {
        let map = try field.map(allowed: keys)
        let config: HFConfig?
        if let path = map.optional("config") {
            let resolved = path.located(SpecPaths.resolve(try path.string(), relativeTo: specPath))
            config = try HFConfig(resolved)
        } else {
            config = nil
        }
        let architecture = try decodeArchitecture(map, config: config)
        var source = Source(map: map, config: config, keys: architecture.configKeys)

        let vocabSize = try source.positiveInt("vocab_size")
        let hiddenSize = try source.positiveInt("hidden_size")
        let numLayers = try source.positiveInt("num_layers")
        let numHeads = try source.positiveInt("num_heads")
        let intermediateSize = try source.positiveInt("intermediate_size")
        let maxPositions = try source.positiveInt("max_position_embeddings")
        let typeVocabSize: Int
        if architecture.tokenizer.tokenTypes {
            typeVocabSize = try source.positiveInt("type_vocab_size", default: 2)
        } else if let field = map.optional("type_vocab_size") {
            throw field.bad("\(architecture.name) has no token types; remove type_vocab_size")
        } else {
            typeVocabSize = 0
        }
        let eps = try source.double("layer_norm_eps", default: 1e-12) { $0 > 0 ? nil : "must be > 0" }
        let activation = try source.activation()
        let dropoutRule: (Double) -> String? = { $0 >= 0 && $0 < 1 ? nil : "must be in [0, 1)" }
        let hiddenDropout = try source.double("hidden_dropout", default: 0.1, dropoutRule)
        let attentionDropout = try source.double("attention_dropout", default: 0.1, dropoutRule)
        let initStd = try source.double("init_std", default: 0.02) { $0 > 0 ? nil : "must be > 0" }
        let initSeed = try map.optional("init_seed").map { f throws(SpecError) in UInt64(try f.nonNegativeInt()) } ?? 0
        let weights = try map.optional("weights").map { f throws(SpecError) in
            f.located(SpecPaths.resolve(try f.string(), relativeTo: specPath))
        }
        if let config {
            try checkConfig(config, architecture)
        }

        guard hiddenSize % numHeads == 0 else {
            throw .badValue(at: source.location("hidden_size"), keyPath: "backbone.hidden_size",
                            message: "\(hiddenSize)\(source.origin("hidden_size")) is not divisible by num_heads \(numHeads)")
        }
        return BackboneSpec(
            architecture: architecture, config: config?.source, vocabSize: vocabSize, hiddenSize: hiddenSize, numLayers: numLayers,
            numHeads: numHeads, intermediateSize: intermediateSize, maxPositionEmbeddings: maxPositions,
            typeVocabSize: typeVocabSize, layerNormEps: Float(eps), activation: activation,
            hiddenDropout: Float(hiddenDropout), attentionDropout: Float(attentionDropout),
            weights: weights, initSeed: initSeed, initStd: Float(initStd))
    }

    /// `backbone.architecture`, else the config's `model_type`, else the default; an unknown
    /// name lists the known ones.
    private static func decodeArchitecture(_ map: FieldMap, config: HFConfig?) throws(SpecError) -> any Backbone.Type {
        let known = Architectures.backboneNames.joined(separator: ", ")
        if let field = map.optional("architecture") {
            let name = try field.string()
            guard let backbone = Architectures.backbone(named: name) else {
                throw field.bad("unknown architecture '\(name.escapingControlCharacters)' (known: \(known))")
            }
            if let config, let type = try config.string("model_type"), !backbone.modelTypes.contains(type) {
                throw field.bad("\(name) does not match the config's model_type '\(type.escapingControlCharacters)' (\(config.file))")
            }
            return backbone
        }
        if let config, let type = try config.string("model_type") {
            guard let backbone = Architectures.backbone(modelType: type) else {
                throw config.error("model_type '\(type.escapingControlCharacters)' is not supported (known: \(known))")
            }
            return backbone
        }
        return Architectures.defaultBackbone
    }

    /// Config fields we do not model must still agree with what the executor computes.
    private static func checkConfig(_ config: HFConfig, _ architecture: any Backbone.Type) throws(SpecError) {
        for (key, value) in architecture.requiredConfig.sorted(by: { $0.key < $1.key }) {
            if let found = config.values[key], found.text != value {
                throw config.error("\(key) \(found.text) is not supported by \(architecture.name) (only \(value))")
            }
        }
    }

    /// Looks a backbone value up in the spec first, then the config, then the default, and
    /// records where it came from.
    private struct Source {
        let map: FieldMap
        let config: HFConfig?
        /// Spec key → the architecture's config.json key.
        let keys: [String: String]
        var fromConfig: Set<String> = []

        init(map: FieldMap, config: HFConfig?, keys: [String: String]) {
            self.map = map
            self.config = config
            self.keys = keys
        }

        func location(_ key: String) -> SourceLocation {
            map.owner.table.entries["backbone.\(key)"] ?? map.owner.location
        }

        func origin(_ key: String) -> String {
            guard fromConfig.contains(key), let config else { return "" }
            return " (from \(config.file))"
        }

        mutating func positiveInt(_ key: String, default fallback: Int? = nil) throws(SpecError) -> Int {
            if let field = map.optional(key) { return try field.positiveInt() }
            let configKey = keys[key] ?? key
            if let config, keys[key] != nil, let value = try config.int(configKey) {
                guard value > 0 else { throw config.error("'\(configKey)' must be a positive integer, got \(value)") }
                note(key, config)
                return value
            }
            if let fallback { return fallback }
            throw missing(key, configKey)
        }

        mutating func double(_ key: String, default fallback: Double,
                             _ rule: (Double) -> String?) throws(SpecError) -> Double {
            if let field = map.optional(key) {
                let value = try field.double()
                if let problem = rule(value) { throw field.bad("\(problem), got \(value)") }
                return value
            }
            if let config, let configKey = keys[key], let value = try config.double(configKey) {
                if let problem = rule(value) { throw config.error("'\(configKey)' \(problem), got \(value)") }
                note(key, config)
                return value
            }
            return fallback
        }

        mutating func activation() throws(SpecError) -> Activation {
            if let field = map.optional("activation") { return try field.choice(Activation.self, what: "activation") }
            if let config, let configKey = keys["activation"], let name = try config.string(configKey) {
                guard let value = Activation(rawValue: name) else {
                    throw config.error("\(configKey) '\(name)' is not supported (only gelu, the exact erf form)")
                }
                note("activation", config)
                return value
            }
            return .gelu
        }

        private mutating func note(_ key: String, _ config: HFConfig) {
            fromConfig.insert(key)
            map.owner.table.record("backbone.\(key)", config.source.location)
        }

        private func missing(_ key: String, _ configKey: String) -> SpecError {
            if let config, keys[key] != nil {
                return config.error("has no '\(configKey)'; add it there or set backbone.\(key) in the spec")
            }
            return .missingKey(at: map.owner.keyLocation ?? map.owner.location, keyPath: "backbone.\(key)")
        }
    }
}
