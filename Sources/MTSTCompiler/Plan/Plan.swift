/// Everything `mtstc run`, `embed` and `bench` need, without the YAML: the model, the compiled
/// programs with their arena layouts, the parameter table with optimizer groups, and checksummed
/// references to the weights and vocabulary.
public struct Plan: Codable, Sendable {
    /// 2: `model.initSeed` (version 1 seeded initialisation with the training seed), and the
    /// update program's `clipScale` outputs `[scale, ‖g‖]` (version 1: the scale alone).
    /// 3: typed attribute payloads per node (one enum case per op family instead of one flat
    /// struct), multi-output nodes (`extraShapes`, `arena.extraOffsets`/`extraSizes`, inputs
    /// `[node, output]`), and `accumulatesInto` instead of `attrs.accumulatesGrad` + `attrs.param`.
    public static let formatVersion: UInt32 = 3

    public var name: String
    public var specPath: String
    public var model: ModelConfig
    public var tokenizer: TokenizerRef
    public var weights: FileRef?
    public var params: [ParamEntry]
    public var inference: Program
    public var training: Program?
    /// AdamW update nodes, run once per optimizer step (present with `training`).
    public var update: Program?
    public var optimizer: OptimizerConfig
    public var schedule: TrainingConfig
    public var data: DataConfig?
    public var stats: CompileStats

    public init(name: String, specPath: String, model: ModelConfig, tokenizer: TokenizerRef, weights: FileRef?,
                params: [ParamEntry], inference: Program, training: Program?, update: Program? = nil, optimizer: OptimizerConfig,
                schedule: TrainingConfig, data: DataConfig?, stats: CompileStats) {
        self.name = name
        self.specPath = specPath
        self.model = model
        self.tokenizer = tokenizer
        self.weights = weights
        self.params = params
        self.inference = inference
        self.training = training
        self.update = update
        self.optimizer = optimizer
        self.schedule = schedule
        self.data = data
        self.stats = stats
    }
}

/// A compiled graph in schedule order and where its activations live.
public struct Program: Codable, Sendable {
    public var graph: Graph
    public var arena: ArenaLayout

    public init(graph: Graph, arena: ArenaLayout) {
        self.graph = graph
        self.arena = arena
    }
}

public struct FileRef: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String
    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

public struct TokenizerRef: Codable, Sendable, Equatable {
    public var vocab: FileRef
    public var lowercase: Bool
    public var maxLength: Int
    public init(vocab: FileRef, lowercase: Bool, maxLength: Int) {
        self.vocab = vocab
        self.lowercase = lowercase
        self.maxLength = maxLength
    }
}

public struct OptimizerConfig: Codable, Sendable, Equatable {
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var eps: Double = 1e-8
    /// Warmup as a fraction of all optimizer steps, or a step count when `warmupSteps` is set.
    public var warmupFraction: Double = 0
    public var warmupSteps: Int?
    public var decay: String = "linear"
    public var clipNorm: Double = 0
    public init() {}
}

public struct TrainingConfig: Codable, Sendable, Equatable {
    public var epochs: Int = 1
    public var batchSize: Int = 32
    public var gradientAccumulation: Int = 1
    public var seed: UInt64 = 0
    public init() {}
}

public struct DataSourceRef: Codable, Sendable, Equatable {
    public var format: String
    public var path: String
    public var labelHead: String?
    public var tagHead: String?
    public var limit: Int?
    public init(format: String, path: String, labelHead: String? = nil, tagHead: String? = nil, limit: Int? = nil) {
        self.format = format
        self.path = path
        self.labelHead = labelHead
        self.tagHead = tagHead
        self.limit = limit
    }
}

public struct DataConfig: Codable, Sendable, Equatable {
    public var train: [DataSourceRef]
    public var eval: [DataSourceRef]
    public init(train: [DataSourceRef], eval: [DataSourceRef]) {
        self.train = train
        self.eval = eval
    }
}

/// What the compile summary prints, also kept in the plan for `mtstc inspect`.
public struct CompileStats: Codable, Sendable, Equatable {
    public var opsBeforeFusion = 0
    public var ops = 0
    public var fusions: [String: Int] = [:]
    public var backwardOps = 0
    public var updateOps = 0
    public var arenaBytes = 0
    public var naiveBytes = 0
    public var arenaBytesTrain = 0
    public var naiveBytesTrain = 0
    public var trainableParams = 0
    public var frozenParams = 0
    public init() {}
}
