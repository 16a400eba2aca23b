/// The model a spec describes, reduced to what lowering needs. Kept in the plan so the runtime
/// knows sizes, heads and labels without the YAML.
public struct ModelConfig: Codable, Sendable, Equatable {
    /// `bert` or `mpnet` (config.json's `model_type`).
    public var architecture: String = "bert"
    public var vocabSize: Int
    public var hidden: Int
    public var layers: Int
    public var heads: Int
    public var intermediate: Int
    public var maxPositions: Int
    /// Row of the position table the first token reads (MPNet, like RoBERTa, starts at
    /// padding_idx + 1 = 2); 0 for BERT.
    public var positionOffset: Int = 0
    /// Rows of MPNet's relative attention bias table (`relative_attention_num_buckets`); 0 for BERT.
    public var relativeAttentionBuckets: Int = 0
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
    public enum Kind: String, Codable, Sendable { case classification, tagging }
    public var name: String
    public var kind: Kind
    public var dropout: Float
    public var labels: [String]
    public var lossWeight: Float
    /// For classification heads: read the normalized sentence embedding (true) or the pooled
    /// vector before normalization (false).
    public var normalizedInput: Bool = true

    public init(name: String, kind: Kind, dropout: Float, labels: [String], lossWeight: Float) {
        self.name = name
        self.kind = kind
        self.dropout = dropout
        self.labels = labels
        self.lossWeight = lossWeight
    }
}
