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
    public enum Kind: String, Codable, Sendable { case classification, tagging, contrastive }
    public var name: String
    public var kind: Kind
    public var dropout: Float
    public var labels: [String]
    public var lossWeight: Float
    /// For classification and contrastive heads: read the normalized sentence embedding (true) or
    /// the pooled vector before normalization (false).
    public var normalizedInput: Bool = true
    /// For contrastive heads: the factor on cosine similarities (MultipleNegativesRankingLoss's scale).
    public var scale: Float = 20

    /// Contrastive heads have no classifier: no parameters, no logits, no labels to predict.
    public var hasClassifier: Bool { kind != .contrastive }

    public init(name: String, kind: Kind, dropout: Float, labels: [String], lossWeight: Float) {
        self.name = name
        self.kind = kind
        self.dropout = dropout
        self.labels = labels
        self.lossWeight = lossWeight
    }
}

public extension TaskHead.Kind {
    init(_ kind: HeadSpec.Kind) {
        switch kind {
        case .classification: self = .classification
        case .tagging: self = .tagging
        case .contrastive: self = .contrastive
        }
    }
}
