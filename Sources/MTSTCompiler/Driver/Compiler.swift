import Foundation

/// `mtstc compile` inside the compiler: spec + inputs → model → inference, training and update
/// programs → plan, checked against the memory limit and the plan verifier. The runtime's
/// `CompileDriver` reads the files this needs (`CompileInputs`) and calls it.
public enum Compiler {
    public struct Options {
        /// Print the graph after this pass (or after `lower`) through `dump`.
        public var dumpAfter: String?
        public var dump: (String) -> Void = { _ in }
        /// The predicted peak memory may not exceed `limits.maxMemory` (`--max-memory`).
        public var limits = PlanLimits()
        public init(dumpAfter: String? = nil, dump: @escaping (String) -> Void = { _ in }, limits: PlanLimits = PlanLimits()) {
            self.dumpAfter = dumpAfter
            self.dump = dump
            self.limits = limits
        }

        /// Refuses a `--dump-after` that names no pass, before any file is read.
        public func validate(for spec: Spec) throws {
            if let pass = dumpAfter, pass != "lower", !Pipeline.passNames.contains(pass) {
                throw CompileError.file(spec.path, "--dump-after: no pass named \(pass); passes: lower, \(Pipeline.passNames.joined(separator: ", "))")
            }
            if dumpAfter == "quantize", spec.compile.quantize == nil {
                throw CompileError.file(spec.path, "--dump-after quantize: the spec does not quantize; add --quantize int8 (or compile.quantize: int8)")
            }
        }
    }

    public static func compile(_ spec: Spec, inputs: CompileInputs, options: Options = Options()) throws -> Plan {
        try options.validate(for: spec)
        guard inputs.vocabularySize <= spec.backbone.vocabSize else {
            throw CompileError.located(spec.location(of: "backbone.vocab_size"),
                                       "backbone.vocab_size: \(spec.backbone.vocabSize) rows, but tokenizer.vocab \(spec.tokenizer.vocab.value) has \(inputs.vocabularySize) tokens: every token id needs an embedding row")
        }
        let model = try ModelConfig.from(spec, labels: inputs.labels)
        let wantsTraining = spec.data.map { !$0.train.isEmpty } ?? false
        try MemoryBudget.checkSizes(spec, model)
        try MemoryBudget.checkParameters(spec, model, training: wantsTraining, limits: options.limits)

        let inference = try ProgramBuilder.program(spec, model, mode: .inference, maxSeq: spec.tokenizer.maxLength, options: options)
        var training: (Program, PassContext)?
        if wantsTraining {
            let t = try ProgramBuilder.program(spec, model, mode: .training, maxSeq: spec.compile.maxSeq, options: options)
            guard t.0.graph.params == inference.0.graph.params else {
                throw CompileError.file(spec.path, "internal: training and inference parameter tables differ")
            }
            training = t
        }
        let phases = try training.flatMap { try ProgramBuilder.phases(spec, model, training: $0, options: options) }
        let params = inference.0.graph.params
        try inputs.checkWeights(params)
        let update = try training.map { t in
            try ProgramBuilder.updateProgram(params: params, method: spec.optimizer.method, clipNorm: spec.training.clipNorm,
                                             updated: OptimizerLowering.parametersWithGradients(t.0.graph))
        }
        let optimizer = OptimizerConfig(method: spec.optimizer.method, schedule: spec.optimizer.schedule,
                                        clipNorm: spec.training.clipNorm)
        var loop = TrainingLoopConfig()
        loop.epochs = spec.training.epochs
        loop.batchSize = spec.training.batchSize
        loop.gradientAccumulation = spec.training.gradientAccumulation
        loop.seed = spec.training.seed
        loop.taskSampling = spec.training.taskSampling
        let data = spec.data.map { d in DataConfig(train: d.train.map(ref), eval: d.eval.map(ref)) }
        var tokenizer = TokenizerRef(vocab: inputs.vocab, lowercase: spec.tokenizer.lowercase, maxLength: spec.tokenizer.maxLength)
        tokenizer.specials = spec.backbone.architecture.tokenizer.specials
        var plan = Plan(name: spec.name, specPath: spec.path, model: model,
                        tokenizer: tokenizer,
                        weights: inputs.weights, params: params, inference: inference.0, training: training?.0, update: update,
                        optimizer: optimizer, trainingLoop: loop, data: data,
                        stats: CompileStats(inference: inference, training: training, update: update, trains: wantsTraining))
        plan.phases = phases?.0
        plan.distributed = training == nil ? nil : spec.distributed.config
        plan.headWeights = inputs.headWeights.isEmpty ? nil : inputs.headWeights
        plan.stats.phases = phases?.1
        try MemoryBudget.checkPlan(spec, plan, limits: options.limits)
        // What a loader will verify holds for every plan compile writes.
        do {
            try PlanVerifier.verify(plan, path: spec.path, limits: options.limits)
        } catch {
            throw CompileError.file(spec.path, "internal: the compiled plan fails verification: \(error)")
        }
        return plan
    }

    /// Adds the quantized inference program the accuracy guard settled on, then checks the
    /// plan again as `compile` does: the memory limit, and the verifier over the new program.
    public static func attach(_ int8: QuantizedInference, to plan: inout Plan, spec: Spec, limits: PlanLimits) throws {
        plan.int8 = int8
        try MemoryBudget.checkPlan(spec, plan, limits: limits)
        do {
            try PlanVerifier.verify(plan, path: spec.path, limits: limits)
        } catch {
            throw CompileError.file(spec.path, "internal: the compiled plan fails verification: \(error)")
        }
    }

    static func ref(_ s: DataSource) -> DataSourceRef {
        var ref = s.ref
        ref.path = absolute(s.path.value)
        return ref
    }

    /// Plans keep absolute paths so they work from any working directory.
    public static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/"))
            .standardizedFileURL.path
    }
}

extension CompileStats {
    /// What the compile summary prints about the programs.
    init(inference: (Program, PassContext), training: (Program, PassContext)?, update: Program?, trains wantsTraining: Bool) {
        self.init()
        opsBeforeFusion = inference.1.opsBeforeFusion
        ops = inference.0.graph.opCount
        fusions = inference.1.fusions
        arenaBytes = inference.0.arena.bytes
        naiveBytes = inference.0.arena.naiveBytes
        if let (t, ctx) = training {
            backwardOps = ctx.backwardOps
            arenaBytesTrain = t.arena.bytes
            naiveBytesTrain = t.arena.naiveBytes
        }
        updateOps = update?.graph.opCount ?? 0
        for p in inference.0.graph.params where p.sliceOf == nil {
            if p.trains && wantsTraining { trainableParams += p.count } else { frozenParams += p.count }
        }
    }
}
