import Foundation
import MTSTCompiler
import MTSTKernels

public enum TrainingError: UserFacingError {
    case noTrainingProgram(String)
    case noData(String)
    case noExamples(files: [String])
    case resume(String, String)
    case folder(String, String)
    case existingRun(String)

    public var description: String {
        switch self {
        case .noTrainingProgram(let plan): "\(plan): the plan has no training program (the spec needs data.train)"
        case .noData(let what): "no \(what) examples: check the spec's data section"
        case .noExamples(let files):
            "\(files.joined(separator: ", ")): no training examples (the file\(files.count == 1 ? " is" : "s are") empty or blank); check the spec's data.train"
        case let .resume(dir, why): "\(dir): cannot resume: \(why)"
        case let .folder(dir, why): "\(dir): \(why)"
        case .existingRun(let dir):
            "\(dir): already holds a run; continue it with --resume \(dir), or replace it with --overwrite"
        }
    }
}

/// How `Trainer.run` ended.
public enum RunOutcome: Equatable, Sendable {
    case finished
    /// Stopped on request (Ctrl-C) after a whole optimizer step; the state was saved here.
    case interrupted(snapshot: String)
}

/// `mtstc run`: the epoch loop with shuffling, gradient accumulation, the lr schedule, gradual
/// unfreezing through each parameter's first epoch, evaluation, and one atomic snapshot per
/// epoch (`RunFolder`) from which `--resume` continues exactly.
public final class Trainer {
    public let model: Model
    public let outDir: String
    let encoder: ExampleEncoder
    let folder: RunFolder
    public var log: (String) -> Void = {
        print($0)
        fflush(nil)  // progress must reach logs and pipes as it happens
    }
    /// Warnings (an exploding loss) go to stderr.
    public var warn: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    public var progress: ProgressReporter
    /// Polled after every optimizer update: true saves the state there and stops (Ctrl-C).
    public var shouldStop: () -> Bool = { false }
    /// Find the first op with a non-finite output when the loss or gradient goes bad.
    public var checkNumerics = false
    /// The ranks training together (`mpirun`); one process by default. Only rank 0 writes the
    /// run folder.
    public var parallel = DataParallel(SingleProcess.shared) {
        // The bucket nodes talk to the same ranks (ZeRO needs them when the model is built).
        didSet { model.gradientSync.collectives = parallel.collectives }
    }
    var writes: Bool { parallel.rank == 0 }
    /// Called with the snapshot folder a run resumes from and with each one it commits.
    public var onSnapshot: (String) -> Void = { _ in }
    /// Resident memory predicted for this run's data (the longest sentences it trains and
    /// evaluates on), set once the data is loaded; `compile` predicts at the plan's maxima.
    public private(set) var memoryEstimate: MemoryEstimate?
    /// A finite micro-batch loss above this multiple of the run's first one draws a warning.
    public static let explosionFactor = 1000.0

    public init(model: Model, outDir: String, progress: ProgressReporter = ProgressReporter()) throws {
        guard let training = model.training else { throw TrainingError.noTrainingProgram(model.plan.name) }
        self.model = model
        // The weights change every step: evaluation and retention run the fp32 program (an
        // int8 one would repack its weights at every evaluation and measure another model).
        model.precision = .fp32
        self.outDir = outDir
        folder = RunFolder(path: outDir)
        self.progress = progress
        encoder = ExampleEncoder(heads: model.plan.model.taskHeads, tokenizer: model.tokenizer,
                                 maxLength: model.plan.maxTokens(for: training.program))
    }

    /// `training`: labels outside a head's set are errors (evaluation counts them as misses).
    /// `limit` keeps the first N examples of each source, so no dataset vanishes from a smoke run.
    func load(_ sources: [DataSourceRef], training: Bool = false, limit: Int? = nil) throws -> [(Example, EncodedExample)] {
        var result: [(Example, EncodedExample)] = []
        for (task, source) in sources.enumerated() {
            let route = TrainingData.routing(labelHead: source.labelHead, tagHead: source.tagHead, heads: model.plan.model.taskHeads)
            var examples = try TrainingData.read(source)
            if training {
                try TrainingData.checkLabels(examples, route: route, heads: model.plan.model.taskHeads)
                if source.format.holdsPairs {
                    try TrainingData.checkPairs(examples, path: source.path, head: source.pairHead)
                }
            }
            if let limit { examples = Array(examples.prefix(limit)) }
            for e in examples {
                var encoded = encoder.encode(e, route: route, pairHead: source.pairHead)
                encoded.task = task
                result.append((e, encoded))
            }
        }
        return result
    }

    /// The groups as the optimizer will treat them, printed at the start of a run.
    public func groupTable() -> String {
        var out = "parameter groups:\n"
        for g in ParamGroupSummary.groups(model.plan.params) {
            out += "  \(g.label.padding(toLength: 30, withPad: " ", startingAt: 0)) \(g.tensors) tensors, \(g.values) values, lr \(g.lrText), wd \(g.weightDecayText), \(g.stateText)\n"
        }
        return out
    }

    /// Trains into `outDir`, from scratch or from the latest snapshot of the run folder `resume`.
    /// `limit` keeps the first N examples of each training and evaluation source (smoke runs); `overwrite`
    /// allows a new run to replace mtstc's files in an existing run folder.
    @discardableResult
    public func run(epochs requested: Int? = nil, resume: String? = nil, limit requestedLimit: Int? = nil,
                    overwrite: Bool = false) throws -> RunOutcome {
        let plan = model.plan
        guard let data = plan.data else { throw TrainingError.noData("training") }
        guard let executor = model.training else { throw TrainingError.noTrainingProgram(plan.name) }
        let planSHA256 = SHA256.hex(try PlanCodec.encode(plan))
        var position = Position()
        var resumedFrom: String?
        var epochs = requested ?? plan.trainingLoop.epochs
        var limit = requestedLimit
        var snapshot: (dir: String, state: RunState)?
        if let resume {
            let (dir, state) = try RunFolder(path: resume).readLatest(planSHA256: planSHA256, planName: plan.name)
            if let requestedLimit, requestedLimit != state.limit {
                throw TrainingError.resume(resume, "--limit \(requestedLimit) differs from the run's \(state.limit.map { "--limit \($0)" } ?? "full data")")
            }
            limit = state.limit
            epochs = requested ?? state.epochs
            guard epochs > state.epoch || (epochs == state.epoch && state.step == 0) else {
                throw TrainingError.resume(resume, "it is past --epochs \(epochs) already (at \(state.id.name))")
            }
            snapshot = (dir, state)
        }
        let train = try load(data.train, training: true, limit: limit)
        let eval = try load(data.eval, limit: limit)
        guard !train.isEmpty else { throw TrainingError.noExamples(files: data.train.map(\.path)) }
        // Retention compares with the weights the run started from: the plan's, which the model
        // holds until a snapshot is restored, so a resumed run measures against the same baseline.
        let texts = Self.retentionSentences(eval: eval, train: train)
        let baseline = (texts: texts, embeddings: try model.embed(texts))
        if let snapshot {
            let (dir, state) = snapshot
            position = try restore(from: dir, state: state)
            resumedFrom = dir
            onSnapshot(dir)
            log("resuming from \(dir): \(state.epoch) epochs and \(state.step) steps done, update \(state.update)"
                + (epochs != state.epochs ? "; the lr schedule now spans \(epochs) epochs, not \(state.epochs)" : ""))
        }
        memoryEstimate = Self.predictMemory(plan, train: train.map(\.1), eval: eval.map(\.1), epochs: epochs)

        let sameFolder = resume.map { URL(fileURLWithPath: $0).standardized == URL(fileURLWithPath: outDir).standardized } ?? false
        // Rank 0 alone prepares the folder; the others learn whether it could (`agree`).
        let created = try parallel.agree(writes ? Result { try prepareFolder(sameFolder: sameFolder, at: position.id, overwrite: overwrite) } : .success(false))
        var session = Session(trainer: self, executor: executor, epochs: epochs, limit: limit, planSHA256: planSHA256,
                              resumedFrom: resumedFrom, retentionBaseline: baseline)
        do {
            return try session.train(train: train, eval: eval, from: position)
        } catch {
            if created && !session.committed { folder.removeIfEmpty() }
            throw error
        }
    }

    /// Clears leftovers, refuses a folder holding another run (unless `overwrite`) or files
    /// mtstc did not write, and creates it; true when it did not exist.
    private func prepareFolder(sameFolder: Bool, at position: SnapshotID, overwrite: Bool) throws -> Bool {
        if sameFolder {
            folder.removeLeftovers(after: position)
            try folder.refreshViews(from: folder.file(position.name))
        } else if folder.holdsRun {
            guard overwrite else { throw TrainingError.existingRun(outDir) }
            folder.clear()
        } else {
            if let name = folder.foreignExportNames().first {
                throw TrainingError.folder(outDir, "\(name) is there already and mtstc did not write it (a run folder is also a sentence-transformers model folder); choose a new or empty --out")
            }
            folder.removeLeftovers(after: nil)
        }
        return try folder.create()
    }

    /// The batches this run will feed: each epoch's training batches in its shuffled order, and
    /// the evaluation batches `predict` forms. The arena pages a run touches are those of its
    /// largest batch: the most packed token rows, and the most sentences times the longest one
    /// for the per-sentence buffers (mask, attention probabilities).
    static func predictMemory(_ plan: Plan, train: [EncodedExample], eval: [EncodedExample], epochs: Int) -> MemoryEstimate? {
        guard let training = plan.training else { return nil }
        let batchSize = min(plan.trainingLoop.batchSize, training.graph.maxBatch)
        var tokens = 1, seq = 1
        for epoch in 0..<max(epochs, 1) {
            for rows in Session.batches(epoch: epoch, train: train, loop: plan.trainingLoop) {
                let lengths = rows.flatMap { r in [train[r].ids.count] + (train[r].positive.map { [$0.count] } ?? []) }
                tokens = max(tokens, lengths.reduce(0, +))
                seq = max(seq, lengths.max() ?? 1)
            }
        }
        var runs = plan.trainingPhases.map { MemoryEstimate.Run($0.program, batch: batchSize, seq: seq, tokens: tokens) }
        let evalBatches = TokenBatch.buckets(eval.map(\.ids), maxBatch: plan.inference.graph.maxBatch)
        if let most = evalBatches.map(\.tokens).max() {
            runs.append(MemoryEstimate.Run(plan.inference, batch: evalBatches.map(\.batch).max() ?? 1,
                                           seq: evalBatches.map(\.seq).max() ?? 1, tokens: most))
        }
        return MemoryEstimate.predict(plan, runs: runs)
    }

    /// Loads a snapshot's weights and optimizer state, and returns the position it records.
    func restore(from dir: String, state: RunState) throws -> Position {
        try Checkpoint.load(dir + "/" + RunFolder.checkpoint, into: model)
        try Checkpoint.loadOptimizer(dir + "/" + RunFolder.optimizer, into: model)
        var p = Position(epoch: state.epoch, step: state.step, update: state.update, lossSum: state.lossSum,
                         lossCount: state.lossCount, firstLoss: state.firstLoss, trainSeconds: state.trainSeconds)
        p.stepLosses = (state.stepLossBits ?? []).compactMap(RunState.double)
        for (head, bits) in state.headLoss ?? [:] { p.headLoss[head] = (RunState.double(bits.sumBits) ?? 0, bits.count) }
        let text = String(decoding: try RunFolder.read(dir + "/" + RunFolder.metrics, in: dir), as: UTF8.self)
        p.metrics = text.split(separator: "\n").map { $0 + "\n" }
        let epochsInMetrics = p.metrics.map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["epoch"] as? Int
        }
        guard epochsInMetrics == (0..<state.epoch).map({ $0 + 1 }) else {
            throw TrainingError.resume(dir, "\(RunFolder.metrics) does not hold one row for each of its \(state.epoch) epochs")
        }
        if state.files[RunFolder.predictions] != nil {
            p.predictions = Array(try RunFolder.read(dir + "/" + RunFolder.predictions, in: dir))
        }
        return p
    }
}
