import Foundation
import MTSTCompiler

/// Where a run stands between two steps: all a snapshot stores besides the weights and optimizer state.
struct Position {
    var epoch = 0
    var step = 0
    var update = 0
    var lossSum = 0.0
    var lossCount = 0
    var firstLoss: Double?
    var trainSeconds = 0.0
    /// `metrics.jsonl` so far, one line per finished epoch.
    var metrics: [String] = []
    /// `predictions.jsonl` of the last finished epoch.
    var predictions: [UInt8]?

    var id: SnapshotID { SnapshotID(epoch: epoch, step: step) }
}

/// One invocation of `Trainer.run`: the epoch loop from a position, the numerics guard, and the
/// snapshots it commits.
struct Session {
    /// The batches of an epoch, seeded per epoch, so a resumed run and a memory prediction see
    /// the same batches as an uninterrupted run.
    static func batches(epoch: Int, train: [EncodedExample], batchSize: Int, seed: UInt64) -> [[Int]] {
        TrainingBatches.epoch(epoch, isPair: train.map { $0.positive != nil }, batchSize: batchSize, seed: seed)
    }

    let trainer: Trainer
    /// The training program of the current epoch's gradual-unfreezing phase.
    var executor: Executor
    let epochs: Int
    let limit: Int?
    let planSHA256: String
    /// The snapshot this invocation committed last, else the one it resumed from.
    private var lastGood: String?
    /// Whether this invocation committed a snapshot.
    private(set) var committed = false
    private var warnedExplosion = false

    init(trainer: Trainer, executor: Executor, epochs: Int, limit: Int?, planSHA256: String, resumedFrom: String?) {
        self.trainer = trainer
        self.executor = executor
        self.epochs = epochs
        self.limit = limit
        self.planSHA256 = planSHA256
        lastGood = resumedFrom
    }

    var model: Model { trainer.model }

    mutating func train(train: [(Example, EncodedExample)], eval: [(Example, EncodedExample)], from start: Position) throws -> RunOutcome {
        let plan = model.plan
        let batchSize = plan.trainingLoop.batchSize
        let accumulation = max(1, plan.trainingLoop.gradientAccumulation)
        // The count is the same every epoch: only which examples share a batch changes.
        let microBatches = Self.batches(epoch: 0, train: train.map(\.1), batchSize: batchSize, seed: plan.trainingLoop.seed).count
        let updatesPerEpoch = (microBatches + accumulation - 1) / accumulation
        let totalUpdates = updatesPerEpoch * epochs
        guard start.step % accumulation == 0, start.step < microBatches else {
            throw TrainingError.resume(trainer.outDir, "the snapshot stops at step \(start.step), which this plan's epoch of \(microBatches) steps cannot continue from")
        }
        executor.checkNumerics = trainer.checkNumerics
        model.optimizer.checkNumerics = trainer.checkNumerics
        trainer.log("training \(plan.name): \(train.count) examples, \(eval.count) for evaluation, \(epochs) epochs × \(updatesPerEpoch) updates (batch \(batchSize)\(accumulation > 1 ? " × \(accumulation) accumulated" : ""))")
        trainer.log(String(trainer.groupTable().dropLast()))
        let heads = plan.model.taskHeads
        var position = start
        var lastReport: EvaluationReport?
        for epoch in position.epoch..<epochs {
            let batches = Self.batches(epoch: epoch, train: train.map(\.1), batchSize: batchSize, seed: plan.trainingLoop.seed)
            executor = model.trainingExecutor(epoch: epoch) ?? executor
            executor.checkNumerics = trainer.checkNumerics
            let start = Date()
            trainer.progress.begin(epoch: epoch + 1, of: epochs, steps: microBatches)
            for m in position.step..<microBatches {
                try executor.feed(batches[m].map { train[$0].1 }, heads: heads)
                executor.run(seed: plan.trainingLoop.seed &* 0x9E37_79B9 &+ UInt64(epoch * microBatches + m))
                let loss = Double(try executor.output("loss")[0])
                let at = "epoch \(epoch + 1) step \(m + 1)/\(microBatches)"
                try checkLoss(loss, at: at)
                position.lossSum += loss
                position.lossCount += 1
                warnIfExploding(loss, first: &position.firstLoss, at: at)
                if (m + 1) % accumulation == 0 || m == microBatches - 1 {
                    let factor = Optimizer.lrFactor(update: position.update, total: totalUpdates, config: plan.optimizer)
                    position.update += 1
                    try model.optimizer.step(lrFactor: factor, epoch: epoch, gradScale: 1 / Float(accumulation))
                    try checkGradient(at: at)
                    if m + 1 < microBatches, trainer.shouldStop() {
                        trainer.progress.end()
                        position.step = m + 1
                        position.trainSeconds += Date().timeIntervalSince(start)
                        let snapshot = try commit(position)
                        trainer.log("interrupted at \(at): saved \(snapshot); continue with --resume \(trainer.outDir)")
                        return .interrupted(snapshot: snapshot)
                    }
                }
                trainer.progress.step(m + 1, loss: position.lossSum / Double(position.lossCount),
                                      sentences: (m + 1) * batchSize, seconds: Date().timeIntervalSince(start))
            }
            let trainSeconds = position.trainSeconds + Date().timeIntervalSince(start)
            trainer.progress.end()
            let evalStart = Date()
            let (report, predictions): (EvaluationReport, [Prediction])
            do {
                (report, predictions) = try trainer.evaluate(eval)
            } catch NumericsError.output(let index, _, let output) where eval.indices.contains(index) {
                // Finite losses and gradients, but the last update left weights that overflow.
                throw NumericsError.evaluation(epoch: epoch + 1, source: "\(eval[index].0.source)", output: output, detail: saved)
            }
            lastReport = report
            let metrics = EpochMetrics(epoch: epoch + 1, loss: position.lossSum / Double(max(position.lossCount, 1)),
                                       intent_acc: report.intent.map { $0.value * 100 }, slot_f1: report.slots.map { $0.f1 * 100 },
                                       sentence_acc: report.sentence.value * 100, pair_acc: report.pairs.map { $0.value * 100 },
                                       train_seconds: trainSeconds,
                                       sentences_per_second: Double(train.count) / trainSeconds,
                                       peak_rss_mb: ResourceUsage.peakRSSMegabytes(),
                                       eval_seconds: Date().timeIntervalSince(evalStart))
            position.metrics.append(try metrics.line())
            position.predictions = try trainer.predictionLines(eval.map(\.0).filter { $0.pair == nil }, predictions)
            position.epoch = epoch + 1
            position.step = 0
            position.lossSum = 0
            position.lossCount = 0
            position.trainSeconds = 0
            let snapshot = try commit(position)
            trainer.log(String(format: "epoch %d/%d: loss %.4f | %@ | %.0f s, %.1f sentences/s, peak RSS %.0f MiB",
                               epoch + 1, epochs, metrics.loss, report.summary, trainSeconds, metrics.sentences_per_second,
                               metrics.peak_rss_mb))
            if epoch + 1 < epochs, trainer.shouldStop() {
                trainer.log("interrupted after epoch \(epoch + 1): saved \(snapshot); continue with --resume \(trainer.outDir)")
                return .interrupted(snapshot: snapshot)
            }
        }
        if let lastReport { trainer.log("final: \(lastReport.summary)") }
        return .finished
    }

    // MARK: Snapshots

    private mutating func commit(_ p: Position) throws -> String {
        let folder = trainer.folder
        let staged = try folder.stage(p.id)
        do {
            var extra = ["mtstc.epoch": "\(p.epoch)"]
            if p.step > 0 { extra["mtstc.step"] = "\(p.step)" }
            try Checkpoint.save(model, to: staged + "/" + RunFolder.checkpoint, extra: extra)
            try Checkpoint.saveOptimizer(model, to: staged + "/" + RunFolder.optimizer)
            try AtomicFile.write(Array(p.metrics.joined().utf8), to: staged + "/" + RunFolder.metrics)
            if let predictions = p.predictions { try AtomicFile.write(predictions, to: staged + "/" + RunFolder.predictions) }
        } catch {
            folder.discard(staged)
            throw error
        }
        let state = RunState(plan: model.plan.name, planSHA256: planSHA256, epochs: epochs, limit: limit, epoch: p.epoch,
                             step: p.step, update: p.update, lossSumBits: RunState.bits(p.lossSum), lossCount: p.lossCount,
                             firstLossBits: p.firstLoss.map(RunState.bits), trainSeconds: p.trainSeconds, files: [:])
        let path = try folder.commit(staged, state: state)
        lastGood = path
        committed = true
        return path
    }

    // MARK: Numerics

    private func checkLoss(_ loss: Double, at: String) throws {
        guard !loss.isFinite || executor.firstNonFinite != nil else { return }
        let heads = model.plan.model.taskHeads.map { h in
            "\(h.name) \((try? executor.output("loss.\(h.name)")[0]).map { NumericsError.text(Double($0)) } ?? "?")"
        }
        throw NumericsError.loss(step: at, value: loss, detail: "head losses: \(heads.joined(separator: ", ")); \(cause(executor)); \(saved)")
    }

    private func checkGradient(at: String) throws {
        let norm = Double(model.optimizer.lastGradientNorm ?? 0)
        guard !norm.isFinite || model.optimizer.firstNonFinite != nil else { return }
        throw NumericsError.gradient(step: at, norm: norm, detail: "the weights were left as before this step; \(cause(executor)); \(saved)")
    }

    private func cause(_ executor: Executor) -> String {
        guard trainer.checkNumerics else { return "rerun with --check-numerics to find the op that produced it" }
        guard let node = executor.firstNonFinite ?? model.optimizer.firstNonFinite else { return "no op output was non-finite" }
        return "first non-finite output: node \(node.name) (\(node.kind))"
    }

    private var saved: String {
        lastGood.map { "the last good state is \($0) (continue with --resume \(URL(fileURLWithPath: $0).deletingLastPathComponent().path))" }
            ?? "nothing was saved"
    }

    private mutating func warnIfExploding(_ loss: Double, first: inout Double?, at: String) {
        guard let f = first else {
            first = loss
            return
        }
        guard !warnedExplosion, f > 0, loss > Trainer.explosionFactor * f else { return }
        warnedExplosion = true
        trainer.progress.end()
        trainer.warn(String(format: "warning: %@: the loss %.4g is over %.0f× the run's first (%.4g); the lr may be too high",
                            at, loss, Trainer.explosionFactor, f))
    }
}
