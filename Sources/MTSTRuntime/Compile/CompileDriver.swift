import Foundation
import MTSTCompiler

/// `mtstc compile`: spec → label vocabularies → lowered graphs → pass pipeline → plan.
public enum CompileDriver {
    public struct Options {
        public var dumpAfter: String?
        public var dump: (String) -> Void = { _ in }
        /// Compute SHA-256 of weights and vocabulary (off only in tests that fake files).
        public var checksums = true
        /// The predicted peak memory may not exceed `limits.maxMemory` (`--max-memory`).
        public var limits = PlanLimits()
        public init(dumpAfter: String? = nil, dump: @escaping (String) -> Void = { _ in }) {
            self.dumpAfter = dumpAfter
            self.dump = dump
        }
    }

    public static func compile(specPath: String, options: Options = Options()) throws -> Plan {
        let spec = try Spec.load(path: specPath)
        return try compile(spec: spec, options: options)
    }

    public static func compile(spec: Spec, options: Options = Options()) throws -> Plan {
        if let pass = options.dumpAfter, pass != "lower", !Pipeline.passNames.contains(pass) {
            throw CompileError.file(spec.path, "--dump-after: no pass named \(pass); passes: lower, \(Pipeline.passNames.joined(separator: ", "))")
        }
        try spec.checkFilesExist(includeData: false)
        let vocabulary = try Vocabulary(contentsOfFile: spec.tokenizer.vocab.value)
        guard vocabulary.count <= spec.backbone.vocabSize else {
            throw CompileError.located(spec.location(of: "backbone.vocab_size"),
                                       "backbone.vocab_size: \(spec.backbone.vocabSize) rows, but tokenizer.vocab \(spec.tokenizer.vocab.value) has \(vocabulary.count) tokens: every token id needs an embedding row")
        }
        let trainData = try TrainingData.labelSources(spec)
        let model = try modelConfig(spec, trainData: trainData)
        let wantsTraining = spec.data.map { !$0.train.isEmpty } ?? false
        try MemoryBudget.checkSizes(spec, model)
        try MemoryBudget.checkParameters(spec, model, training: wantsTraining, limits: options.limits)

        let inference = try program(spec, model, mode: .inference, maxSeq: spec.tokenizer.maxLength, options: options)
        var training: (Program, PassContext)?
        if wantsTraining {
            training = try program(spec, model, mode: .training, maxSeq: spec.compile.maxSeq, options: options)
            guard training!.0.graph.params == inference.0.graph.params else {
                throw CompileError.file(spec.path, "internal: training and inference parameter tables differ")
            }
        }
        let params = inference.0.graph.params
        if let weights = spec.backbone.weights {
            try checkWeights(weights, params: params, backbone: spec.backbone.architecture)
        }
        var update: Program?
        if training != nil {
            update = try updateProgram(params: params, spec: spec)
        }
        var stats = CompileStats()
        stats.opsBeforeFusion = inference.1.opsBeforeFusion
        stats.ops = inference.0.graph.opCount
        stats.fusions = inference.1.fusions
        stats.arenaBytes = inference.0.arena.bytes
        stats.naiveBytes = inference.0.arena.naiveBytes
        if let (t, ctx) = training {
            stats.backwardOps = ctx.backwardOps
            stats.arenaBytesTrain = t.arena.bytes
            stats.naiveBytesTrain = t.arena.naiveBytes
        }
        stats.updateOps = update?.graph.opCount ?? 0
        for p in params where p.sliceOf == nil {
            if p.trains && wantsTraining { stats.trainableParams += p.count } else { stats.frozenParams += p.count }
        }

        let vocab = FileRef(path: absolute(spec.tokenizer.vocab.value), sha256: options.checksums ? try FileDigest.sha256(path: spec.tokenizer.vocab.value) : "")
        let weights = try spec.backbone.weights.map {
            FileRef(path: absolute($0.value), sha256: options.checksums ? try FileDigest.sha256(path: $0.value) : "")
        }
        var optimizer = OptimizerConfig()
        optimizer.beta1 = spec.optimizer.beta1
        optimizer.beta2 = spec.optimizer.beta2
        optimizer.eps = spec.optimizer.eps
        switch spec.optimizer.schedule.warmup {
        case .fraction(let f): optimizer.warmupFraction = f
        case .steps(let n): optimizer.warmupSteps = n
        }
        optimizer.decay = spec.optimizer.schedule.decay.rawValue
        optimizer.clipNorm = spec.training.clipNorm
        var schedule = TrainingConfig()
        schedule.epochs = spec.training.epochs
        schedule.batchSize = spec.training.batchSize
        schedule.gradientAccumulation = spec.training.gradientAccumulation
        schedule.seed = spec.training.seed
        let data = spec.data.map { d in
            DataConfig(train: d.train.map(ref), eval: d.eval.map(ref))
        }
        let plan = Plan(name: spec.name, specPath: spec.path, model: model,
                        tokenizer: TokenizerRef(vocab: vocab, lowercase: spec.tokenizer.lowercase, maxLength: spec.tokenizer.maxLength),
                        weights: weights, params: params, inference: inference.0, training: training?.0, update: update,
                        optimizer: optimizer, schedule: schedule, data: data, stats: stats)
        try MemoryBudget.checkPlan(spec, plan, limits: options.limits)
        // What a loader will verify holds for every plan compile writes.
        do {
            try PlanVerifier.verify(plan, path: spec.path, limits: options.limits)
        } catch {
            throw CompileError.file(spec.path, "internal: the compiled plan fails verification: \(error)")
        }
        return plan
    }

    static func ref(_ s: MTSTCompiler.DataSource) -> DataSourceRef {
        DataSourceRef(format: s.format.rawValue, path: absolute(s.path.value), labelHead: s.labelHead, tagHead: s.tagHead, limit: s.limit,
                      pairHead: s.pairHead, columns: s.columns)
    }

    /// Plans keep absolute paths so they work from any working directory.
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/"))
            .standardizedFileURL.path
    }

    static func modelConfig(_ spec: Spec, trainData: TrainingData.Labels) throws -> ModelConfig {
        for h in spec.heads where h.labels == .fromData {
                guard let l = trainData.labels[h.name], !l.isEmpty else {
                    let files = (spec.data?.train ?? []).map(\.path.value).joined(separator: ", ")
                    let what = h.kind == .classification ? "a sentence label" : "tags"
                    throw CompileError.located(spec.location(of: "heads.\(h.name).labels"),
                                               "heads.\(h.name).labels: from_data, but no example of data.train (\(files)) has \(what) routed to this head; list the labels here or add a source that has them")
                }
        }
        return ModelConfig(spec: spec, labels: trainData.labels)
    }

    static func program(_ spec: Spec, _ model: ModelConfig, mode: Lowering.Mode, maxSeq: Int,
                        options: Options) throws -> (Program, PassContext) {
        do {
            var graph = try Lowering.lower(model, mode: mode, maxBatch: spec.compile.maxBatch, maxSeq: maxSeq)
            try applyRules(spec, &graph)
            let context = try Pipeline.run(&graph, mode: mode) { pass, g in
                if pass == options.dumpAfter { options.dump("# \(mode.rawValue) graph after \(pass)\n" + g.dump()) }
            }
            guard let arena = context.arena else { throw CompileError.file(spec.path, "internal: no arena plan") }
            return (Program(graph: graph, arena: arena), context)
        } catch let error as GraphError {
            throw CompileError.located(spec.location(of: error.origin), error.description)
        } catch CompileError.nothingToTrain(let why) {
            throw CompileError.located(spec.location(of: "optimizer"),
                                       "data.train asks to train, but \(why); unfreeze a parameter group or remove data.train")
        }
    }

    /// The AdamW update program over the final parameter table (packed QKV included).
    public static func updateProgram(params: [ParamEntry], spec: Spec) throws -> Program {
        try updateProgram(params: params, beta1: spec.optimizer.beta1, beta2: spec.optimizer.beta2,
                          eps: spec.optimizer.eps, clipNorm: spec.training.clipNorm)
    }

    public static func updateProgram(params: [ParamEntry], beta1: Double, beta2: Double, eps: Double, clipNorm: Double) throws -> Program {
        var graph = try OptimizerLowering.lower(params: params, beta1: beta1, beta2: beta2, eps: eps, clipNorm: clipNorm)
        let context = try Pipeline.run(&graph, mode: .training, passes: Pipeline.updatePasses)
        guard let arena = context.arena else { throw CompileError.nothingToTrain("no update program") }
        return Program(graph: graph, arena: arena)
    }

    /// Every tensor the model takes from the weights file must be there with a float dtype and
    /// the spec's shape. Only the header is read, and a mismatch points at `backbone.weights`,
    /// instead of surfacing at the first `run` or `embed` with no position.
    static func checkWeights(_ weights: Located<String>, params: [ParamEntry], backbone: any Backbone.Type) throws {
        do {
            let header = try SafeTensorFile.readHeader(path: weights.value)
            _ = try CheckpointNames.match(params, backbone: backbone, tensors: header, file: weights.value, requireHeads: false)
        } catch let error as any UserFacingError {
            throw CompileError.located(weights.location, "\(weights.keyPath): \(error.description)")
        }
    }

    /// Resolves the optimizer rules against the lowered parameters and stores each setting on its entry.
    static func applyRules(_ spec: Spec, _ graph: inout Graph) throws {
        let settings = try ParamRules.resolve(spec.optimizer, params: graph.params, numLayers: spec.backbone.numLayers,
                                              epochs: spec.training.epochs)
        for (i, s) in settings.enumerated() {
            graph.params[i].lr = s.lr
            graph.params[i].weightDecay = s.weightDecay
            graph.params[i].frozen = s.frozen
            graph.params[i].trainFromEpoch = s.trainFromEpoch
            graph.params[i].group = s.group
        }
    }
}
