/// The model a spec describes, reduced to what lowering needs. Kept in the plan so the runtime
/// knows sizes, heads and labels without the YAML.
public struct ModelConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int
    public var hidden: Int
    public var layers: Int
    public var heads: Int
    public var intermediate: Int
    public var maxPositions: Int
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var hiddenDropout: Float
    public var attentionDropout: Float
    public var initStd: Float
    /// Seeds the random initialisation of every parameter the weights file does not supply
    /// (`backbone.init_seed`); separate from the training seed, which drives shuffling and dropout.
    public var initSeed: UInt64
    public var pooling: PoolMode
    public var normalize: NormMode
    public var taskHeads: [TaskHead]

    public init(vocabSize: Int, hidden: Int, layers: Int, heads: Int, intermediate: Int, maxPositions: Int,
                typeVocabSize: Int, layerNormEps: Float, hiddenDropout: Float, attentionDropout: Float,
                initStd: Float, initSeed: UInt64 = 0, pooling: PoolMode, normalize: NormMode, taskHeads: [TaskHead]) {
        self.vocabSize = vocabSize
        self.hidden = hidden
        self.layers = layers
        self.heads = heads
        self.intermediate = intermediate
        self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.hiddenDropout = hiddenDropout
        self.attentionDropout = attentionDropout
        self.initStd = initStd
        self.initSeed = initSeed
        self.pooling = pooling
        self.normalize = normalize
        self.taskHeads = taskHeads
    }

    public var headDim: Int { hidden / heads }
}

public enum PoolMode: String, Codable, Sendable { case mean, cls, max }
public enum NormMode: String, Codable, Sendable { case l2, layerNorm = "layernorm", none }

public struct TaskHead: Codable, Sendable, Equatable {
    /// Parameter paths of a CRF head's scores: transitions [C, C] (from, to), start [C], end [C].
    public static func crfParamPaths(_ head: String) -> (transitions: String, start: String, end: String) {
        ("heads.\(head).crf.transitions", "heads.\(head).crf.start", "heads.\(head).crf.end")
    }

    public enum Kind: String, Codable, Sendable { case classification, tagging }
    public var name: String
    public var kind: Kind
    public var dropout: Float
    public var labels: [String]
    public var lossWeight: Float
    /// For classification heads: read the normalized sentence embedding (true) or the pooled
    /// vector before normalization (false).
    public var normalizedInput: Bool = true
    /// Tagging heads: a linear-chain CRF (parameters `heads.<name>.crf.*`) scores the logits;
    /// the loss is its negative log-likelihood and predictions are its Viterbi paths.
    public var crf: Bool = false

    public init(name: String, kind: Kind, dropout: Float, labels: [String], lossWeight: Float) {
        self.name = name
        self.kind = kind
        self.dropout = dropout
        self.labels = labels
        self.lossWeight = lossWeight
    }

    enum CodingKeys: String, CodingKey { case name, kind, dropout, labels, lossWeight, normalizedInput, crf }

    /// `crf` is optional in the plan: plans written before CRF heads existed decode unchanged.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decode(Kind.self, forKey: .kind)
        dropout = try c.decode(Float.self, forKey: .dropout)
        labels = try c.decode([String].self, forKey: .labels)
        lossWeight = try c.decode(Float.self, forKey: .lossWeight)
        normalizedInput = try c.decode(Bool.self, forKey: .normalizedInput)
        crf = try c.decodeIfPresent(Bool.self, forKey: .crf) ?? false
    }
}
