/// A transformer encoder as mtstc knows it: one type per architecture (`BERT.swift`,
/// `DistilBERT.swift`, …), listed once in `Architectures.backbones`.
///
/// The parameter description is the one list every consumer reads: the lowering takes each
/// parameter's shape, checkpoint name and initialiser from it (`Lowering.param(_:)` refuses a
/// path it does not describe), the spec validator resolves optimizer rules against it, the size
/// checks count it, and checkpoints load and save through its names. mtstc paths
/// (`backbone.layers[3].attention.query.weight`) are the same for every backbone, so freezing
/// rules, layer-wise decay and gradual unfreezing carry over unchanged; only the checkpoint names
/// differ.
public protocol Backbone: Sendable {
    /// The `backbone.architecture` value, e.g. `bert`.
    static var name: String { get }
    /// `config.json` `model_type` values this backbone answers to.
    static var modelTypes: [String] { get }
    /// Special tokens and whether the model reads token types.
    static var tokenizer: TokenizerDefaults { get }
    /// Spec key under `backbone:` → the `config.json` key holding it. A key missing here is not
    /// read from the config (the spec value or the default applies).
    static var configKeys: [String: String] { get }
    /// `config.json` key → the only value mtstc computes (as JSON text, e.g. `"absolute"`, `false`).
    static var requiredConfig: [String: String] { get }
    /// Prefixes a checkpoint may put before every backbone tensor (`bert.` from `BertForX` models).
    static var checkpointPrefixes: [String] { get }
    /// Tensors of a checkpoint (without prefix) the backbone has no use for and skips on load.
    static func ignoresCheckpointTensor(_ name: String) -> Bool
    /// Parameters outside the encoder layers, in the order the lowering declares them.
    static func embeddingParameters(_ m: ModelConfig) -> [ParamEntry]
    /// Parameters of encoder layer `i`, in the order the lowering declares them.
    static func layerParameters(_ i: Int, _ m: ModelConfig) -> [ParamEntry]
    /// Adds the backbone's inputs and ops; returns the per-token features and the mask.
    static func lower(_ l: inout Lowering) throws -> BackboneOutput
    /// Row of the position table the first token reads (RoBERTa and MPNet start at
    /// padding_idx + 1 = 2); the runtime feeds positions 0…n−1 for every backbone.
    static var positionOffset: Int { get }
    /// What a run folder needs to be a folder `transformers` and sentence-transformers load
    /// (`Training/SentenceTransformersFolder.swift`).
    static var huggingFace: HuggingFaceNames { get }
}

/// The `transformers` side of a backbone: the class that loads its weights, the tokenizer class,
/// and what `config.json` and the weights hold beyond what mtstc computes.
public struct HuggingFaceNames: Sendable {
    /// `config.json` `architectures` (`BertModel`).
    public var modelClass: String
    /// `tokenizer_config.json` `tokenizer_class` (`BertTokenizer`).
    public var tokenizerClass: String
    /// The mask token the tokenizer declares when the vocabulary has it.
    public var maskToken: String
    /// `config.json` keys with a fixed value (JSON text), beyond `configKeys` and `requiredConfig`.
    public var fixedConfig: [String: String]
    /// Whether the class has BERT's pooler (`pooler.dense.*`, `[hidden, hidden]` and `[hidden]`),
    /// which mtstc never computes but `from_pretrained` expects.
    public var pooler: Bool

    public init(modelClass: String, tokenizerClass: String, maskToken: String, fixedConfig: [String: String] = [:], pooler: Bool) {
        self.modelClass = modelClass
        self.tokenizerClass = tokenizerClass
        self.maskToken = maskToken
        self.fixedConfig = fixedConfig
        self.pooler = pooler
    }
}

public struct BackboneOutput: Sendable {
    /// Last hidden state, `[B·T, hidden]`.
    public var tokens: NodeID
    /// `[B, T]` attention mask.
    public var mask: NodeID
    public init(tokens: NodeID, mask: NodeID) {
        self.tokens = tokens
        self.mask = mask
    }
}

public struct TokenizerDefaults: Sendable, Equatable {
    public var cls: String
    public var sep: String
    public var pad: String
    public var unk: String
    /// The model has a token-type embedding (segment ids); without one the runtime feeds none.
    public var tokenTypes: Bool

    public init(cls: String, sep: String, pad: String, unk: String, tokenTypes: Bool) {
        self.cls = cls
        self.sep = sep
        self.pad = pad
        self.unk = unk
        self.tokenTypes = tokenTypes
    }

    public static let wordPiece = TokenizerDefaults(cls: "[CLS]", sep: "[SEP]", pad: "[PAD]", unk: "[UNK]", tokenTypes: true)

    /// The special tokens as the plan carries them to the runtime's vocabulary.
    public var specials: SpecialTokens { SpecialTokens(cls: cls, sep: sep, pad: pad, unk: unk) }
}

extension Backbone {
    public static var positionOffset: Int { 0 }

    /// Every backbone parameter, embeddings first, then layer by layer.
    public static func parameters(_ m: ModelConfig) -> [ParamEntry] {
        embeddingParameters(m) + (0..<m.layers).flatMap { layerParameters($0, m) }
    }
}

/// Builders for description entries, so a backbone file lists its tensors in one line each.
public enum Describe {
    public static func tensor(_ path: String, _ shape: [Int], _ checkpoint: String, _ initializer: ParamInit,
                              layer: Int? = nil, embedding: Bool = false) -> ParamEntry {
        ParamEntry(path: path, shape: shape, checkpointName: checkpoint, initializer: initializer, layer: layer,
                   isEmbedding: embedding, isHead: path.hasPrefix("heads."))
    }

    /// `backbone.embeddings.<name>.weight [rows, hidden]`, checkpoint `embeddings.<name>.weight`: the
    /// word, position and token-type tables every BERT-family backbone names the same way.
    public static func embeddingTable(_ name: String, rows: Int, _ m: ModelConfig) -> ParamEntry {
        tensor("backbone.embeddings.\(name).weight", [rows, m.hidden], "embeddings.\(name).weight", .normal(std: m.initStd), embedding: true)
    }

    /// `weight [out, in]` (normal(std)) and `bias [out]` (zeros) of a linear layer.
    public static func dense(_ path: String, out: Int, in width: Int, _ checkpoint: String, std: Float,
                             layer: Int? = nil) -> [ParamEntry] {
        [tensor("\(path).weight", [out, width], "\(checkpoint).weight", .normal(std: std), layer: layer),
         tensor("\(path).bias", [out], "\(checkpoint).bias", .zeros, layer: layer)]
    }

    /// Gain (ones) and bias (zeros) of a LayerNorm over `width`.
    public static func layerNorm(_ path: String, _ width: Int, _ checkpoint: String, layer: Int? = nil,
                                 embedding: Bool = false) -> [ParamEntry] {
        [tensor("\(path).weight", [width], "\(checkpoint).weight", .ones, layer: layer, embedding: embedding),
         tensor("\(path).bias", [width], "\(checkpoint).bias", .zeros, layer: layer, embedding: embedding)]
    }
}
