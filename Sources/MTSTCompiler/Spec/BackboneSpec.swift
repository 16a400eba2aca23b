/// The BERT encoder: shapes, regularisation and where its weights come from.
public struct BackboneSpec: Sendable {
    /// `bert` or `mpnet`: `backbone.architecture`, else the config's `model_type`, else `bert`.
    public var architecture: String = "bert"
    /// MPNet's relative attention bias table rows (`relative_attention_num_buckets`); 0 for BERT.
    public var relativeAttentionBuckets: Int = 0
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
    /// Row of the position table the first token reads: 2 for MPNet (padding_idx + 1), 0 for BERT.
    public var positionOffset: Int { architecture == "mpnet" ? 2 : 0 }
    public var specialTokens: SpecialTokens { architecture == "mpnet" ? .mpnet : .bert }

    public enum Activation: String, Sendable, CaseIterable, Codable {
        /// Exact erf GELU, as BERT and MiniLM were trained with.
        case gelu
    }

    static let keys = [
        "config", "vocab_size", "hidden_size", "num_layers", "num_heads", "intermediate_size",
        "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "activation",
        "hidden_dropout", "attention_dropout", "weights", "init_seed", "init_std",
        "architecture", "relative_attention_buckets",
    ]

    static let architectures = ["bert", "mpnet"]
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
        var source = Source(map: map, config: config)
        let architecture = try decodeArchitecture(map, config: config)
        let mpnet = architecture == "mpnet"

        let vocabSize = try source.positiveInt("vocab_size", config: "vocab_size")
        let hiddenSize = try source.positiveInt("hidden_size", config: "hidden_size")
        let numLayers = try source.positiveInt("num_layers", config: "num_hidden_layers")
        let numHeads = try source.positiveInt("num_heads", config: "num_attention_heads")
        let intermediateSize = try source.positiveInt("intermediate_size", config: "intermediate_size")
        let maxPositions = try source.positiveInt("max_position_embeddings", config: "max_position_embeddings")
        if mpnet, let field = map.optional("type_vocab_size") {
            throw field.bad("mpnet has no token types; remove type_vocab_size")
        }
        let typeVocabSize = mpnet ? 0 : try source.positiveInt("type_vocab_size", config: "type_vocab_size", default: 2)
        if !mpnet, let field = map.optional("relative_attention_buckets") {
            throw field.bad("only mpnet has a relative attention bias; remove relative_attention_buckets")
        }
        let buckets = mpnet ? try source.positiveInt("relative_attention_buckets", config: "relative_attention_num_buckets", default: 32) : 0
        // transformers' MPNet calls its bucket function with 32 buckets whatever the config says:
        // another table size would leave rows unused or read past the ones the function reaches.
        if mpnet, buckets != 32 {
            throw .badValue(at: source.location("relative_attention_buckets"), keyPath: "backbone.relative_attention_buckets",
                            message: "\(buckets)\(source.origin("relative_attention_buckets")) is not supported: MPNet's attention uses 32 buckets")
        }
        let eps = try source.double("layer_norm_eps", config: "layer_norm_eps", default: 1e-12) { $0 > 0 ? nil : "must be > 0" }
        let activation = try source.activation()
        let dropoutRule: (Double) -> String? = { $0 >= 0 && $0 < 1 ? nil : "must be in [0, 1)" }
        let hiddenDropout = try source.double("hidden_dropout", config: "hidden_dropout_prob", default: 0.1, dropoutRule)
        let attentionDropout = try source.double("attention_dropout", config: "attention_probs_dropout_prob",
                                                 default: 0.1, dropoutRule)
        let initStd = try source.double("init_std", config: "initializer_range", default: 0.02) { $0 > 0 ? nil : "must be > 0" }
        let initSeed = try map.optional("init_seed").map { f throws(SpecError) in UInt64(try f.nonNegativeInt()) } ?? 0
        let weights = try map.optional("weights").map { f throws(SpecError) in
            f.located(SpecPaths.resolve(try f.string(), relativeTo: specPath))
        }
        if let config {
            try checkArchitecture(config, architecture)
        }
        // MPNet's positions start at row 2 of the table (padding_idx + 1).
        if mpnet, maxPositions <= 2 {
            throw .badValue(at: source.location("max_position_embeddings"), keyPath: "backbone.max_position_embeddings",
                            message: "\(maxPositions)\(source.origin("max_position_embeddings")) leaves no position: MPNet's positions start at row 2")
        }

        guard hiddenSize % numHeads == 0 else {
            throw .badValue(at: source.location("hidden_size"), keyPath: "backbone.hidden_size",
                            message: "\(hiddenSize)\(source.origin("hidden_size")) is not divisible by num_heads \(numHeads)")
        }
        return BackboneSpec(
            architecture: architecture, relativeAttentionBuckets: buckets, config: config?.source, vocabSize: vocabSize, hiddenSize: hiddenSize, numLayers: numLayers,
            numHeads: numHeads, intermediateSize: intermediateSize, maxPositionEmbeddings: maxPositions,
            typeVocabSize: typeVocabSize, layerNormEps: Float(eps), activation: activation,
            hiddenDropout: Float(hiddenDropout), attentionDropout: Float(attentionDropout),
            weights: weights, initSeed: initSeed, initStd: Float(initStd))
    }

    /// `backbone.architecture`, else the config's `model_type`, else bert.
    private static func decodeArchitecture(_ map: FieldMap, config: HFConfig?) throws(SpecError) -> String {
        if let field = map.optional("architecture") {
            let name = try field.string()
            guard architectures.contains(name) else {
                throw field.bad("unknown architecture '\(name.escapingControlCharacters)' (known: \(architectures.joined(separator: ", ")))")
            }
            if let config, let type = try config.string("model_type"), type != name {
                throw field.bad("\(name) does not match the config's model_type '\(type.escapingControlCharacters)' (\(config.file))")
            }
            return name
        }
        if let config, let type = try config.string("model_type") {
            guard architectures.contains(type) else {
                throw config.error("model_type '\(type.escapingControlCharacters)' is not supported (known: \(architectures.joined(separator: ", ")))")
            }
            return type
        }
        return "bert"
    }

    /// Config fields we do not model must still agree with what the executor computes.
    private static func checkArchitecture(_ config: HFConfig, _ architecture: String) throws(SpecError) {
        if architecture == "bert", let positions = try config.string("position_embedding_type"), positions != "absolute" {
            throw config.error("position_embedding_type '\(positions)' is not supported (only absolute)")
        }
    }

    /// Looks a backbone value up in the spec first, then the config, then the default, and
    /// records where it came from.
    private struct Source {
        let map: FieldMap
        let config: HFConfig?
        var fromConfig: Set<String> = []

        init(map: FieldMap, config: HFConfig?) {
            self.map = map
            self.config = config
        }

        func location(_ key: String) -> SourceLocation {
            map.owner.table.entries["backbone.\(key)"] ?? map.owner.location
        }

        func origin(_ key: String) -> String {
            guard fromConfig.contains(key), let config else { return "" }
            return " (from \(config.file))"
        }

        mutating func positiveInt(_ key: String, config configKey: String, default fallback: Int? = nil) throws(SpecError) -> Int {
            if let field = map.optional(key) { return try field.positiveInt() }
            if let config, let value = try config.int(configKey) {
                guard value > 0 else { throw config.error("'\(configKey)' must be a positive integer, got \(value)") }
                note(key, config)
                return value
            }
            if let fallback { return fallback }
            throw missing(key, configKey)
        }

        mutating func double(_ key: String, config configKey: String, default fallback: Double,
                             _ rule: (Double) -> String?) throws(SpecError) -> Double {
            if let field = map.optional(key) {
                let value = try field.double()
                if let problem = rule(value) { throw field.bad("\(problem), got \(value)") }
                return value
            }
            if let config, let value = try config.double(configKey) {
                if let problem = rule(value) { throw config.error("'\(configKey)' \(problem), got \(value)") }
                note(key, config)
                return value
            }
            return fallback
        }

        mutating func activation() throws(SpecError) -> Activation {
            if let field = map.optional("activation") { return try field.choice(Activation.self, what: "activation") }
            if let config, let name = try config.string("hidden_act") {
                guard let value = Activation(rawValue: name) else {
                    throw config.error("hidden_act '\(name)' is not supported (only gelu, the exact erf form)")
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
            if let config {
                return config.error("has no '\(configKey)'; add it there or set backbone.\(key) in the spec")
            }
            return .missingKey(at: map.owner.keyLocation ?? map.owner.location, keyPath: "backbone.\(key)")
        }
    }
}
