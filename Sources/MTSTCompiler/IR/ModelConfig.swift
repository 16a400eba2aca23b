/// The model a spec describes, reduced to what lowering needs. Kept in the plan so the runtime
/// knows sizes, heads and labels without the YAML.
public struct ModelConfig: Codable, Sendable, Equatable {
    /// `Backbone.name` of the architecture (`Architectures.backbones`).
    public var architecture: String
    public var vocabSize: Int
    public var hidden: Int
    public var layers: Int
    public var heads: Int
    public var intermediate: Int
    public var maxPositions: Int
    /// 0 for backbones without token types.
    public var typeVocabSize: Int
    public var layerNormEps: Float
    public var hiddenDropout: Float
    public var attentionDropout: Float
    public var initStd: Float
    /// Seeds the random initialisation of every parameter the weights file does not supply
    /// (`backbone.init_seed`); separate from the training seed, which drives shuffling and dropout.
    public var initSeed: UInt64
    public var pooling: PoolingKind
    public var normalize: NormalizeKind
    public var taskHeads: [TaskHead]

    public init(architecture: String = BERT.name, vocabSize: Int, hidden: Int, layers: Int, heads: Int, intermediate: Int, maxPositions: Int,
                typeVocabSize: Int, layerNormEps: Float, hiddenDropout: Float, attentionDropout: Float,
                initStd: Float, initSeed: UInt64 = 0, pooling: PoolingKind, normalize: NormalizeKind, taskHeads: [TaskHead]) {
        self.architecture = architecture
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

    /// The registered backbone named `architecture`; nil only for a plan the verifier refuses.
    public var backbone: (any Backbone.Type)? { Architectures.backbone(named: architecture) }

    /// Row of the position table the first token reads (`Backbone.positionOffset`: 2 for MPNet).
    public var positionOffset: Int { backbone?.positionOffset ?? 0 }
}

public struct TaskHead: Codable, Sendable, Equatable {
    /// Each kind is implemented by one `Head` in `Architectures.heads`.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// One label per sentence, from the pooled vector.
        case classification
        /// One label per token (first word piece of each word), from the backbone's last layer.
        case tagging
        /// No parameters and no logits: sentence-transformers' MultipleNegativesRankingLoss on
        /// (anchor, positive) pairs, cross-entropy over scale · cos(anchor_i, positive_j), target j = i.
        case contrastive
    }
    public var name: String
    public var kind: Kind
    public var dropout: Float
    public var labels: [String]
    public var lossWeight: Float
    /// For classification and contrastive heads: read the normalized sentence embedding (true) or
    /// the pooled vector before normalization (false).
    public var normalizedInput: Bool = true
    /// Tagging heads: a linear-chain CRF (parameters `heads.<name>.crf.*`) scores the logits;
    /// the loss is its negative log-likelihood and predictions are its Viterbi paths.
    public var crf: Bool = false
    /// For contrastive heads: the factor on cosine similarities (MultipleNegativesRankingLoss's scale).
    public var scale: Float = 20

    /// Whether the head has logits to predict from (`Head.predicts`; not a contrastive head).
    public var predicts: Bool { Architectures.head(for: self).predicts }

    public init(name: String, kind: Kind, dropout: Float, labels: [String], lossWeight: Float) {
        self.name = name
        self.kind = kind
        self.dropout = dropout
        self.labels = labels
        self.lossWeight = lossWeight
    }
}

extension ModelConfig {
    /// The model `spec` describes. A head's labels are its explicit list, else `labels[name]`
    /// (collected from data), else none yet.
    public init(spec: Spec, labels: [String: [String]] = [:]) {
        let b = spec.backbone
        let heads = spec.heads.map { h -> TaskHead in
            var labelList = labels[h.name] ?? []
            if case .list(let l) = h.labels { labelList = l }
            var head = TaskHead(name: h.name, kind: h.kind, dropout: h.dropout, labels: labelList, lossWeight: h.lossWeight)
            head.normalizedInput = h.input != .pooled
            head.crf = h.crf
            head.scale = h.scale
            return head
        }
        self.init(architecture: b.architecture.name, vocabSize: b.vocabSize, hidden: b.hiddenSize, layers: b.numLayers,
                  heads: b.numHeads, intermediate: b.intermediateSize, maxPositions: b.maxPositionEmbeddings,
                  typeVocabSize: b.typeVocabSize, layerNormEps: b.layerNormEps, hiddenDropout: b.hiddenDropout,
                  attentionDropout: b.attentionDropout, initStd: b.initStd, initSeed: b.initSeed,
                  pooling: spec.pooling, normalize: spec.normalize, taskHeads: heads)
    }
}
