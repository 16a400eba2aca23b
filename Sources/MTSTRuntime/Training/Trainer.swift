import Foundation
import MTSTCompiler

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
    /// Resident memory predicted for this run's data (the longest sentences it trains and
    /// evaluates on), set once the data is loaded; `compile` predicts at the plan's maxima.
    public private(set) var memoryEstimate: MemoryEstimate?
    /// A finite micro-batch loss above this multiple of the run's first one draws a warning.
    public static let explosionFactor = 1000.0

    public init(model: Model, outDir: String, progress: ProgressReporter = ProgressReporter()) throws {
        guard let training = model.training else { throw TrainingError.noTrainingProgram(model.plan.name) }
        self.model = model
        self.outDir = outDir
        folder = RunFolder(path: outDir)
        self.progress = progress
        encoder = ExampleEncoder(heads: model.plan.model.taskHeads, tokenizer: model.tokenizer,
                                 maxLength: model.plan.maxTokens(for: training.program))
    }

    /// `training`: labels outside a head's set are errors (evaluation counts them as misses).
    func load(_ sources: [DataSourceRef], training: Bool = false) throws -> [(Example, EncodedExample)] {
        var result: [(Example, EncodedExample)] = []
        for source in sources {
            let route = TrainingData.routing(labelHead: source.labelHead, tagHead: source.tagHead, heads: model.plan.model.taskHeads)
            let examples = try TrainingData.read(source)
            if training {
                try TrainingData.checkLabels(examples, route: route, heads: model.plan.model.taskHeads)
                if source.format.holdsPairs {
                    try TrainingData.checkPairs(examples, path: source.path, head: source.pairHead)
                }
            }
            for e in examples { result.append((e, encoder.encode(e, route: route, pairHead: source.pairHead))) }
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
    /// `limit` keeps the first N training and evaluation examples (smoke runs); `overwrite`
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
            position = try restore(from: dir, state: state)
            resumedFrom = dir
            log("resuming from \(dir): \(state.epoch) epochs and \(state.step) steps done, update \(state.update)"
                + (epochs != state.epochs ? "; the lr schedule now spans \(epochs) epochs, not \(state.epochs)" : ""))
        }
        var train = try load(data.train, training: true)
        var eval = try load(data.eval)
        if let limit {
            train = Array(train.prefix(limit))
            eval = Array(eval.prefix(limit))
        }
        guard !train.isEmpty else { throw TrainingError.noExamples(files: data.train.map(\.path)) }
        memoryEstimate = Self.predictMemory(plan, train: train.map(\.1), eval: eval.map(\.1), epochs: epochs)

        let sameFolder = resume.map { URL(fileURLWithPath: $0).standardized == URL(fileURLWithPath: outDir).standardized } ?? false
        if sameFolder {
            folder.removeLeftovers(after: position.id)
            try folder.refreshViews(from: folder.file(position.id.name))
        } else if folder.holdsRun {
            guard overwrite else { throw TrainingError.existingRun(outDir) }
            folder.clear()
        } else {
            folder.removeLeftovers(after: nil)
        }
        let created = try folder.create()
        var session = Session(trainer: self, executor: executor, epochs: epochs, limit: limit, planSHA256: planSHA256,
                              resumedFrom: resumedFrom)
        do {
            return try session.train(train: train, eval: eval, from: position)
        } catch {
            if created && !session.committed { folder.removeIfEmpty() }
            throw error
        }
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
            for rows in Session.batches(epoch: epoch, train: train, batchSize: batchSize, seed: plan.trainingLoop.seed) {
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

    /// Pairs are scored by retrieval (`EvaluationReport.pairs`) and get no prediction line.
    public func evaluate(_ all: [(Example, EncodedExample)]) throws -> (EvaluationReport, [Prediction]) {
        let pairs = all.compactMap(\.0.pair)
        let examples = all.filter { $0.0.pair == nil }
        var pairScore: Accuracy?
        if !pairs.isEmpty {
            let embeddings = try model.embed(pairs.map(\.anchor) + pairs.map(\.positive))
            pairScore = PairRetrieval.accuracyAt1(anchors: Array(embeddings[..<pairs.count]), positives: Array(embeddings[pairs.count...]))
        }
        guard !examples.isEmpty else {
            var report = EvaluationReport.evaluate(gold: [], predictedLabels: nil, predictedTags: nil)
            report.pairs = pairScore
            return (report, [])
        }
        let predictions = try model.predict(examples.map(\.1), texts: examples.map { $0.0.words.joined(separator: " ") })
        let primary = PrimaryHeads(model.plan.model.taskHeads)
        var report = EvaluationReport.evaluate(
            gold: examples.map(\.0),
            predictedLabels: primary.label.map { h in predictions.map { $0.labels[h] ?? "" } },
            predictedTags: primary.tags.map { h in predictions.map { $0.tags[h] ?? [] } })
        report.pairs = pairScore
        return (report, predictions)
    }

    func predictionLines(_ examples: [Example], _ predictions: [Prediction]) throws -> [UInt8] {
        let primary = PrimaryHeads(model.plan.model.taskHeads)
        var out = ""
        for (e, p) in zip(examples, predictions) {
            var obj: [String: Any] = ["words": e.words]
            if let h = primary.label { obj["intent"] = p.labels[h] ?? "" }
            if let h = primary.tags { obj["tags"] = p.tags[h] ?? [] }
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])
            out += String(decoding: data, as: UTF8.self) + "\n"
        }
        return Array(out.utf8)
    }
}
