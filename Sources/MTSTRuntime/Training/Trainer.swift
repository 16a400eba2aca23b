import Foundation
import MTSTCompiler

public enum TrainingError: UserFacingError {
    case noTrainingProgram(String)
    case noData(String)
    case noExamples(files: [String])
    case resume(String, String)

    public var description: String {
        switch self {
        case .noTrainingProgram(let plan): "\(plan): the plan has no training program (the spec needs data.train)"
        case .noData(let what): "no \(what) examples: check the spec's data section"
        case .noExamples(let files):
            "\(files.joined(separator: ", ")): no training examples (the file\(files.count == 1 ? " is" : "s are") empty or blank); check the spec's data.train"
        case let .resume(dir, why): "\(dir): cannot resume: \(why)"
        }
    }
}

/// One line of `metrics.jsonl`.
public struct EpochMetrics: Codable, Sendable {
    public var epoch: Int
    public var loss: Double
    public var intent_acc: Double?
    public var slot_f1: Double?
    public var sentence_acc: Double
    public var train_seconds: Double
    public var sentences_per_second: Double
    public var peak_rss_mb: Double
    public var eval_seconds: Double
}

/// `mtstc run`: the epoch loop with shuffling, gradient accumulation, the lr schedule, gradual
/// unfreezing through each parameter's first epoch, evaluation, metrics and checkpoints.
public final class Trainer {
    public let model: Model
    public let outDir: String
    let encoder: ExampleEncoder
    public var log: (String) -> Void = {
        print($0)
        fflush(nil)  // progress must reach logs and pipes as it happens
    }
    public var progress: ProgressReporter

    public init(model: Model, outDir: String, progress: ProgressReporter = ProgressReporter()) throws {
        guard let training = model.training else { throw TrainingError.noTrainingProgram(model.plan.name) }
        self.model = model
        self.outDir = outDir
        self.progress = progress
        encoder = ExampleEncoder(heads: model.plan.model.taskHeads, tokenizer: model.tokenizer,
                                 maxLength: min(model.plan.tokenizer.maxLength, training.program.graph.maxSeq))
    }

    /// `training`: labels outside a head's set are errors (evaluation counts them as misses).
    func load(_ sources: [DataSourceRef], training: Bool = false) throws -> [(Example, EncodedExample)] {
        var result: [(Example, EncodedExample)] = []
        for source in sources {
            let route = TrainingData.routing(labelHead: source.labelHead, tagHead: source.tagHead, heads: model.plan.model.taskHeads)
            let examples = try TrainingData.read(source)
            if training { try TrainingData.checkLabels(examples, route: route, heads: model.plan.model.taskHeads) }
            for e in examples { result.append((e, encoder.encode(e, route: route))) }
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

    /// `limit` keeps the first N training and evaluation examples (smoke runs).
    public func run(epochs requested: Int? = nil, resume: String? = nil, limit: Int? = nil) throws {
        let plan = model.plan
        guard let data = plan.data else { throw TrainingError.noData("training") }
        var train = try load(data.train, training: true)
        var eval = try load(data.eval)
        if let limit {
            train = Array(train.prefix(limit))
            eval = Array(eval.prefix(limit))
        }
        guard !train.isEmpty else { throw TrainingError.noExamples(files: data.train.map(\.path)) }
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let epochs = requested ?? plan.schedule.epochs
        let batchSize = plan.schedule.batchSize
        let accumulation = max(1, plan.schedule.gradientAccumulation)
        let microBatches = (train.count + batchSize - 1) / batchSize
        let updatesPerEpoch = (microBatches + accumulation - 1) / accumulation
        let totalUpdates = updatesPerEpoch * epochs
        var startEpoch = 0
        var update = 0
        if let resume {
            (startEpoch, update) = try restore(from: resume)
            log("resuming from \(resume) after epoch \(startEpoch), update \(update)")
        } else {
            try? FileManager.default.removeItem(atPath: outDir + "/metrics.jsonl")
        }
        log("training \(plan.name): \(train.count) examples, \(eval.count) for evaluation, \(epochs) epochs × \(updatesPerEpoch) updates (batch \(batchSize)\(accumulation > 1 ? " × \(accumulation) accumulated" : ""))")
        log(String(groupTable().dropLast()))
        guard let executor = model.training else { throw TrainingError.noTrainingProgram(plan.name) }
        let heads = plan.model.taskHeads
        var lastReport: EvaluationReport?
        for epoch in startEpoch..<epochs {
            var rng = SplitMix64(seed: plan.schedule.seed &+ UInt64(epoch) &* 1_000_003)
            var order = Array(train.indices)
            order.shuffle(using: &rng)
            let start = Date()
            var lossSum = 0.0
            var lossCount = 0
            progress.begin(epoch: epoch + 1, of: epochs, steps: microBatches)
            for m in 0..<microBatches {
                let rows = order[(m * batchSize)..<min((m + 1) * batchSize, order.count)]
                try executor.feed(rows.map { train[$0].1 }, heads: heads)
                executor.run(seed: plan.schedule.seed &* 0x9E37_79B9 &+ UInt64(epoch * microBatches + m))
                let loss = Double(try executor.output("loss")[0])
                lossSum += loss
                lossCount += 1
                if (m + 1) % accumulation == 0 || m == microBatches - 1 {
                    let factor = Optimizer.lrFactor(update: update, total: totalUpdates, config: plan.optimizer)
                    update += 1
                    try model.optimizer.step(lrFactor: factor, epoch: epoch, update: update, updatesPerEpoch: updatesPerEpoch,
                                             gradScale: 1 / Float(accumulation))
                }
                progress.step(m + 1, loss: lossSum / Double(lossCount), sentences: (m + 1) * batchSize,
                              seconds: Date().timeIntervalSince(start))
            }
            let trainSeconds = Date().timeIntervalSince(start)
            progress.end()
            let evalStart = Date()
            let (report, predictions) = try evaluate(eval)
            lastReport = report
            let metrics = EpochMetrics(epoch: epoch + 1, loss: lossSum / Double(max(lossCount, 1)),
                                       intent_acc: report.intent.map { $0.value * 100 }, slot_f1: report.slots.map { $0.f1 * 100 },
                                       sentence_acc: report.sentence.value * 100, train_seconds: trainSeconds,
                                       sentences_per_second: Double(train.count) / trainSeconds,
                                       peak_rss_mb: ResourceUsage.peakRSSMegabytes(),
                                       eval_seconds: Date().timeIntervalSince(evalStart))
            try appendMetrics(metrics)
            log(String(format: "epoch %d/%d: loss %.4f | %@ | %.0f s, %.1f sentences/s, peak RSS %.0f MiB",
                       epoch + 1, epochs, metrics.loss, report.summary, trainSeconds, metrics.sentences_per_second,
                       metrics.peak_rss_mb))
            try writePredictions(eval.map(\.0), predictions)
            try Checkpoint.save(model, to: outDir + "/checkpoint.safetensors", extra: ["mtstc.epoch": "\(epoch + 1)"])
            try Checkpoint.saveOptimizer(model, to: outDir + "/optimizer.safetensors")
            try saveState(epoch: epoch + 1, update: update)
        }
        if let lastReport { log("final: \(lastReport.summary)") }
    }

    public func evaluate(_ examples: [(Example, EncodedExample)]) throws -> (EvaluationReport, [Prediction]) {
        guard !examples.isEmpty else {
            return (EvaluationReport.evaluate(gold: [], predictedLabels: nil, predictedTags: nil), [])
        }
        let predictions = try model.predict(examples.map(\.1))
        let heads = model.plan.model.taskHeads
        let labelHead = heads.first { $0.kind == .classification }?.name
        let tagHead = heads.first { $0.kind == .tagging }?.name
        let report = EvaluationReport.evaluate(
            gold: examples.map(\.0),
            predictedLabels: labelHead.map { h in predictions.map { $0.labels[h] ?? "" } },
            predictedTags: tagHead.map { h in predictions.map { $0.tags[h] ?? [] } })
        return (report, predictions)
    }

    func appendMetrics(_ m: EpochMetrics) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let line = String(decoding: try encoder.encode(m), as: UTF8.self) + "\n"
        let path = outDir + "/metrics.jsonl"
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw CompileError.file(path, "cannot write metrics") }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(line.utf8))
    }

    func writePredictions(_ examples: [Example], _ predictions: [Prediction]) throws {
        let heads = model.plan.model.taskHeads
        let labelHead = heads.first { $0.kind == .classification }?.name
        let tagHead = heads.first { $0.kind == .tagging }?.name
        var out = ""
        for (e, p) in zip(examples, predictions) {
            var obj: [String: Any] = ["words": e.words]
            if let h = labelHead { obj["intent"] = p.labels[h] ?? "" }
            if let h = tagHead { obj["tags"] = p.tags[h] ?? [] }
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])
            out += String(decoding: data, as: UTF8.self) + "\n"
        }
        try AtomicFile.write(Array(out.utf8), to: outDir + "/predictions.jsonl")
    }

    func saveState(epoch: Int, update: Int) throws {
        let json = "{\"epoch\": \(epoch), \"update\": \(update), \"plan\": \(JSONText.quote(model.plan.name))}\n"
        try AtomicFile.write(Array(json.utf8), to: outDir + "/state.json")
    }

    func restore(from dir: String) throws -> (Int, Int) {
        guard let data = FileManager.default.contents(atPath: dir + "/state.json"),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let epoch = obj["epoch"] as? Int, let update = obj["update"] as? Int else {
            throw TrainingError.resume(dir, "state.json missing or malformed")
        }
        try Checkpoint.load(dir + "/checkpoint.safetensors", into: model)
        try Checkpoint.loadOptimizer(dir + "/optimizer.safetensors", into: model)
        return (epoch, update)
    }

}
