/// Everything `mtstc run`, `embed` and `bench` need, without the YAML: the model, the compiled
/// programs with their arena layouts, the parameter table with optimizer groups, and checksummed
/// references to the weights and vocabulary.
public struct Plan: Codable, Sendable {
    /// 2: `model.initSeed` (version 1 seeded initialisation with the training seed), and the
    /// update program's `clipScale` outputs `[scale, ‖g‖]` (version 1: the scale alone).
    /// 3: the model description: `model.architecture` (the backbone's name, from
    ///    `Architecture/`: BERT, DistilBERT, MPNet), `model.typeVocabSize` 0 without token types,
    ///    heads as parts (classification, tagging, CRF tagging with its transition parameters).
    ///    One `ParamSetting` per parameter (`params[i].setting`) and none on the update nodes,
    ///    whose step input the runtime fills per parameter; `optimizer` is the method (AdamW or
    ///    SGD) with its lr schedule and clipping, `trainingLoop` (was `schedule`) the epochs,
    ///    batch, accumulation and seed; optimizer state nodes are `paramState` with a slot of
    ///    the method's state buffers; the spec's pooling, normalize, head-kind and data-format
    ///    enums are encoded as the spec names them.
    ///    Typed attribute payloads per node (one enum case per op family instead of one flat
    ///    struct; attention with optional relative-bias buckets, gather with an id offset, the
    ///    optimizer payload with the method and state slot), multi-output nodes (`extraShapes`,
    ///    `arena.extraOffsets`/`extraSizes`, inputs `[node, output]`: LayerNorm's row mean and
    ///    1/σ), and `accumulatesInto` instead of `attrs.accumulatesGrad` + `attrs.param`.
    /// 4: `phases` (gradual unfreezing: one training program per phase before the last) and
    ///    `stats.phases`; both absent when the spec has no gradual unfreezing, so such a plan's
    ///    payload is the same as in version 3. Version 3 plans of gradually unfrozen specs would
    ///    run the full backward pass from epoch 0, so they are refused and recompiled.
    /// 5: `headWeights` (heads that start from a trained file, `heads.<name>.weights`); absent
    ///    when no head has one. A version 4 reader would ignore it and start such a head from
    ///    its random init without a word, hence the new version.
    /// 6: `int8` (`compile.quantize`): a second inference program whose backbone linear layers
    ///    are `int8Linear` nodes (attributes `{"int8Linear": {"epilogue": …}}`), with the
    ///    accuracy guard's report; absent when the spec does not quantize. A version 5 reader
    ///    would run such a plan in fp32 without a word, hence the new version.
    ///    Also in 6: training programs carry the gradient buckets' communication nodes (`allReduceStart`
    ///    after the last write of a bucket, `allReduceWait` at the end, `.bucket` payloads, the
    ///    buckets' `gradient` buffers as their inputs) and the plan `distributed` (bucket size,
    ///    ZeRO stage). A version 5 reader would not know the ops; a version 5 plan run by this
    ///    reader under `mpirun` would never sum its gradients.
    public static let formatVersion: UInt32 = 6

    public var name: String
    public var specPath: String
    public var model: ModelConfig
    public var tokenizer: TokenizerRef
    public var weights: FileRef?
    /// Heads whose initial values come from a file, in the spec's head order; nil when none do.
    public var headWeights: [HeadWeights]?
    public var params: [ParamEntry]
    public var inference: Program
    public var training: Program?
    /// Optimizer update nodes, run once per optimizer step (present with `training`).
    public var update: Program?
    /// The training programs of the gradual-unfreezing phases before the last (`training`);
    /// nil without gradual unfreezing.
    public var phases: TrainingPhases?
    /// The quantized inference program and the guard's report (`compile.quantize`); nil without.
    public var int8: QuantizedInference?

    /// `distributed:` of the spec; present with `training`.
    public var distributed: DistributedConfig?
    public var optimizer: OptimizerConfig
    public var trainingLoop: TrainingLoopConfig
    public var data: DataConfig?
    public var stats: CompileStats

    public init(name: String, specPath: String, model: ModelConfig, tokenizer: TokenizerRef, weights: FileRef?,
                params: [ParamEntry], inference: Program, training: Program?, update: Program? = nil, optimizer: OptimizerConfig,
                trainingLoop: TrainingLoopConfig, data: DataConfig?, stats: CompileStats) {
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
        self.trainingLoop = trainingLoop
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
    /// The backbone's special tokens, looked up in `vocab`.
    public var specials: SpecialTokens = .bert
    public init(vocab: FileRef, lowercase: Bool, maxLength: Int) {
        self.vocab = vocab
        self.lowercase = lowercase
        self.maxLength = maxLength
    }
}

/// The optimizer as a whole: its method (which fixes the per-parameter state buffers), the
/// learning-rate schedule every parameter's peak lr is multiplied by, and global-norm clipping.
/// Per-parameter settings are on the parameter table.
public struct OptimizerConfig: Codable, Sendable, Equatable {
    public var method: OptimizerMethod = .adamwDefaults
    public var schedule: ScheduleSpec = .default
    /// `training.clip_norm`; 0 disables clipping.
    public var clipNorm: Double = 0
    public init(method: OptimizerMethod = .adamwDefaults, schedule: ScheduleSpec = .default, clipNorm: Double = 0) {
        self.method = method
        self.schedule = schedule
        self.clipNorm = clipNorm
    }
}

/// The training loop's configuration: how many epochs, the batch, gradient accumulation, and
/// the seed of shuffling and dropout.
public struct TrainingLoopConfig: Codable, Sendable, Equatable {
    public var epochs: Int = 1
    public var batchSize: Int = 32
    public var gradientAccumulation: Int = 1
    public var seed: UInt64 = 0
    /// `training.task_sampling`; absent (nil) means proportional, so plans without it are unchanged.
    public var taskSampling: TaskSampling?
    public init() {}
}

public struct DataSourceRef: Codable, Sendable, Equatable {
    public var format: DataFormat
    public var path: String
    /// The heads the source's sentence labels and tags train; nil: none (the spec resolved defaults).
    public var labelHead: String?
    public var tagHead: String?
    public var limit: Int?
    /// Pairs formats: the contrastive head they train, and the anchor/positive fields.
    public var pairHead: String?
    public var columns: PairColumns?
    /// jsonl, csv, tsv: the fields holding text or tokens, tags and label (nil: the standard names).
    public var textColumns: TextColumns?
    /// The part of the file the source reads (nil: all of it).
    public var split: DataSplit?
    /// The dataset's name in results; plans written before names existed have none.
    public var name: String?

    public init(format: DataFormat, path: String, labelHead: String? = nil, tagHead: String? = nil, limit: Int? = nil,
                pairHead: String? = nil, columns: PairColumns? = nil, textColumns: TextColumns? = nil,
                split: DataSplit? = nil, name: String? = nil) {
        self.format = format
        self.path = path
        self.labelHead = labelHead
        self.tagHead = tagHead
        self.limit = limit
        self.pairHead = pairHead
        self.columns = columns
        self.textColumns = textColumns
        self.split = split
        self.name = name
    }

    /// The name results give the dataset: `name`, or the file's name without its extension.
    public var datasetName: String { name ?? DataSource.defaultName(path: path) }
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
    /// Every gradual-unfreezing phase, the last (the `training` program) included; nil without.
    public var phases: [PhaseStats]?
    public var trainableParams = 0
    public var frozenParams = 0
    public init() {}
}
