import Foundation
import MTSTCompiler
import MTSTKernels

public enum ModelError: UserFacingError {
    case fileChanged(String, what: String)
    case missingFile(String, what: String)
    case missingHeadWeights(String, head: String)
    case vocabularyTooLarge(String, tokens: Int, rows: Int)

    public var description: String {
        switch self {
        case let .fileChanged(path, what): "\(path): \(what) changed since the plan was compiled (checksum differs); recompile the spec"
        case let .missingFile(path, what): "\(path): \(what) not found; run Scripts/fetch-assets.sh to fetch the assets"
        case let .missingHeadWeights(path, head):
            "\(path): not found; head \(head) starts from this file (heads.\(head).weights): restore it or remove the key and recompile"
        case let .vocabularyTooLarge(path, tokens, rows):
            "\(path): \(tokens) tokens, but backbone.vocab_size is \(rows): every token id needs an embedding row"
        }
    }
}

/// A loaded plan: parameters (from the checkpoint or seeded init), the tokenizer, one arena shared
/// by the inference and training programs, and their executors.
/// Which inference program runs.
public enum Precision: String, Sendable, CaseIterable {
    case fp32, int8
}

public final class Model {
    public let plan: Plan
    public let store: ParamStore
    public let tokenizer: BertTokenizer
    public let arena: AlignedBuffer
    /// The fp32 inference program: training's evaluation, and `--precision fp32`.
    public let inference: Executor
    /// The quantized inference program (`compile.quantize`), when the plan has one.
    public let int8: Executor?
    /// Which inference program `embed` and `predict` run: int8 when the plan has it, unless
    /// set to fp32 (`--precision fp32`; the trainer evaluates in fp32).
    public var precision: Precision
    public let training: Executor?
    /// One executor per gradual-unfreezing phase, as `plan.trainingPhases` (the last is `training`).
    public let phaseExecutors: [Executor]
    public let optimizer: Optimizer
    /// Seconds spent in optimizer updates while profiling.
    public var optimizerSeconds: Double?
    /// The transport and state of the gradient buckets' all-reduce, shared by every training
    /// program; one process (`SingleProcess`) until a launcher sets the collectives.
    public let gradientSync = GradientSync()

    /// `collectives`: the ranks a data-parallel run trains with; under ZeRO stage 1
    /// (`distributed: {zero: 1}`) with more than one, this rank allocates and updates the
    /// optimizer state of its own share of the parameters only.
    public init(plan: Plan, verifyChecksums: Bool = true, collectives: any Collectives = SingleProcess.shared) throws {
        self.plan = plan
        try Model.check(plan.tokenizer.vocab, what: "vocabulary", verify: verifyChecksums)
        tokenizer = try BertTokenizer(plan: plan)
        // Every id the tokenizer can produce must have an embedding row.
        guard tokenizer.vocabulary.count <= plan.model.vocabSize else {
            throw ModelError.vocabularyTooLarge(plan.tokenizer.vocab.path, tokens: tokenizer.vocabulary.count, rows: plan.model.vocabSize)
        }
        let zero = Model.zeroPartition(plan, collectives: collectives)
        store = try ParamStore(params: plan.params, optimizerState: plan.update == nil ? [] : plan.optimizer.method.stateNames,
                               stateRange: zero?.ownedGradients)
        guard let backbone = plan.model.backbone else {
            throw RuntimeError.unknownArchitecture(plan.specPath, name: plan.model.architecture)
        }
        if let weights = plan.weights {
            try Model.check(weights, what: "weights", verify: verifyChecksums)
            let file = try SafeTensorFile.read(path: weights.path)
            try store.load(file, backbone: backbone)
            // Heads and the pooling norm are not in a backbone checkpoint: they start from the seeded init.
            store.initialize(seed: plan.model.initSeed) { p in
                (p.isHead || p.path.hasPrefix("pooling.")) && (p.checkpointName.map { file.tensors[$0] == nil } ?? true)
            }
        } else {
            store.initialize(seed: plan.model.initSeed)
        }
        // Heads given their own file start from it, over the seeded init or a checkpoint's heads.
        for weights in plan.headWeights ?? [] {
            guard FileManager.default.fileExists(atPath: weights.file.path) else {
                throw ModelError.missingHeadWeights(weights.file.path, head: weights.head)
            }
            try Model.check(weights.file, what: "the weights of head \(weights.head)", verify: verifyChecksums)
            try HeadWeightsFile.load(weights, plan: plan, into: store)
        }
        let programs = [plan.inference] + (plan.int8.map { [$0.program] } ?? []) + plan.trainingPhases.map(\.program)
        let bytes = programs.map(\.arena.bytes).max() ?? 0
        let arena = try AlignedBuffer(count: (bytes + 3) / 4)
        let store = self.store
        self.arena = arena
        inference = Executor(program: plan.inference, store: store, arena: arena)
        int8 = plan.int8.map { Executor(program: $0.program, store: store, arena: arena) }
        precision = plan.int8 == nil ? .fp32 : .int8
        training = plan.training.map { Executor(program: $0, store: store, arena: arena) }
        phaseExecutors = Model.phaseExecutors(plan, full: training, store: store, arena: arena)
        gradientSync.collectives = collectives
        gradientSync.replicated = zero == nil
        for e in phaseExecutors { e.gradientSync = gradientSync }
        optimizer = try Optimizer(store: store, config: plan.optimizer, program: plan.update, zero: zero, collectives: collectives)
    }

    /// ZeRO stage 1's split for this rank, when the plan asks for it and there is more than one rank.
    static func zeroPartition(_ plan: Plan, collectives: any Collectives) -> ZeroPartition? {
        guard plan.update != nil, plan.distributed?.zero == 1, collectives.size > 1, let layout = ParamLayout(params: plan.params) else { return nil }
        return ZeroPartition(layout: layout, params: plan.params, rank: collectives.rank, size: collectives.size)
    }

    public convenience init(planPath: String) throws {
        try self.init(plan: try PlanCodec.read(path: planPath))
        source = planPath
    }

    /// The plan file this model was loaded from, for messages.
    public var source: String?

    static func check(_ ref: FileRef, what: String, verify: Bool) throws {
        guard FileManager.default.fileExists(atPath: ref.path) else { throw ModelError.missingFile(ref.path, what: what) }
        if verify, try FileDigest.sha256(path: ref.path) != ref.sha256 { throw ModelError.fileChanged(ref.path, what: what) }
    }

    /// Token ids with `[CLS]`/`[SEP]`, truncated to the tokenizer's maximum and the plan's.
    public func encode(_ text: String) -> [Int32] {
        tokenizer.encode(text, maxLength: plan.maxTokens(for: plan.inference))
    }

    /// The executor of the inference program `precision` selects.
    public var serving: Executor {
        precision == .int8 ? int8 ?? inference : inference
    }

    /// Selects the inference program; int8 needs a plan compiled with quantization.
    public func use(_ precision: Precision) throws {
        guard precision == .fp32 || int8 != nil else { throw RuntimeError.noInt8Program(source ?? plan.specPath) }
        self.precision = precision
    }

    /// Sentence embeddings (pooled and normalized as the spec says), in input order, from the
    /// `serving` program or the one given.
    public func embed(_ texts: [String], on executor: Executor? = nil) throws -> [[Float]] {
        let executor = executor ?? serving
        let sequences = texts.map(encode)
        var result = Array(repeating: [Float](), count: texts.count)
        let hidden = plan.model.hidden
        for batch in TokenBatch.buckets(sequences, maxBatch: plan.inference.graph.maxBatch) {
            try batch.feed(executor)
            executor.run()
            let out = try executor.output("embedding")
            if let b = NumericsError.firstBadRow(out, width: hidden) {
                throw NumericsError.output(index: batch.rows[b], text: texts[batch.rows[b]], output: "embedding")
            }
            for (b, row) in batch.rows.enumerated() { result[row] = Array(out[(b * hidden)..<((b + 1) * hidden)]) }
        }
        return result
    }
}
