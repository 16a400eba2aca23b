import Foundation
import MTSTCompiler

/// Where a run stands between two steps: all a snapshot stores besides the weights and optimizer state.
struct Position {
    var epoch = 0
    var step = 0
    var update = 0
    var lossSum = 0.0
    var lossCount = 0
    /// The unfinished epoch's micro-batch losses, in order.
    var stepLosses: [Double] = []
    var firstLoss: Double?
    var trainSeconds = 0.0
    /// Per head: the training loss summed over the epoch's batches carrying its labels, and their count.
    var headLoss: [String: (sum: Double, count: Int)] = [:]
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
    static func batches(epoch: Int, train: [EncodedExample], loop: TrainingLoopConfig) -> [[Int]] {
        TrainingBatches.epoch(epoch, tasks: train.map(\.task), isPair: train.map { $0.positive != nil }, batchSize: loop.batchSize,
                              seed: loop.seed, sampling: loop.taskSampling ?? .proportional)
    }

    let trainer: Trainer
    /// The training program of the current epoch's gradual-unfreezing phase.
    var executor: Executor
    let epochs: Int
    let limit: Int?
    let planSHA256: String
    /// The sentences retention is measured on and their embeddings under the run's starting weights.
    let retentionBaseline: (texts: [String], embeddings: [[Float]])?
    /// The snapshot this invocation committed last, else the one it resumed from.
    private var lastGood: String?
    /// Whether this invocation committed a snapshot.
    private(set) var committed = false
    private var warnedExplosion = false
    /// Writes each snapshot's sentence-transformers files; made at the first snapshot.
    private var export: SentenceTransformersFolder?

    init(trainer: Trainer, executor: Executor, epochs: Int, limit: Int?, planSHA256: String, resumedFrom: String?,
         retentionBaseline: (texts: [String], embeddings: [[Float]])? = nil) {
        self.retentionBaseline = retentionBaseline
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
        let microBatches = Self.batches(epoch: 0, train: train.map(\.1), loop: plan.trainingLoop).count
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
            let batches = Self.batches(epoch: epoch, train: train.map(\.1), loop: plan.trainingLoop)
            executor = model.trainingExecutor(epoch: epoch) ?? executor
            executor.checkNumerics = trainer.checkNumerics
            let start = Date()
            trainer.progress.begin(epoch: epoch + 1, of: epochs, steps: microBatches)
            for m in position.step..<microBatches {
                let batch = batches[m].map { train[$0].1 }
                let isLastOfUpdate = (m + 1) % accumulation == 0 || m == microBatches - 1
                let (loss, stop) = try forwardBackward(batch, seed: plan.trainingLoop.seed &* 0x9E37_79B9 &+ UInt64(epoch * microBatches + m),
                                                       headLoss: &position.headLoss, pollStop: isLastOfUpdate && m + 1 < microBatches,
                                                       communicate: isLastOfUpdate)
                let at = "epoch \(epoch + 1) step \(m + 1)/\(microBatches)"
                try checkLoss(loss, at: at)
                position.lossSum += loss
                position.lossCount += 1
                position.stepLosses.append(loss)
                warnIfExploding(loss, first: &position.firstLoss, at: at)
                if isLastOfUpdate {
                    let factor = Optimizer.lrFactor(update: position.update, total: totalUpdates, config: plan.optimizer)
                    position.update += 1
                    // The training program's bucket nodes summed the gradients while backward ran (or,
                    // under ZeRO stage 1, the optimizer reduce-scatters them); a program without
                    // them falls back to one blocking all-reduce.
                    if !executor.communicates { try trainer.parallel.reduceGradients(model.store) }
                    try model.optimizer.step(lrFactor: factor, epoch: epoch, gradScale: 1 / Float(accumulation))
                    try checkGradient(at: at)
                    if stop {
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
            let sources = plan.data?.eval ?? []
            do {
                (report, predictions) = try trainer.evaluate(eval, sources: sources)
            } catch NumericsError.output(let index, _, let output) where eval.indices.contains(index) {
                // Finite losses and gradients, but the last update left weights that overflow.
                throw NumericsError.evaluation(epoch: epoch + 1, source: "\(eval[index].0.source)", output: output, detail: saved)
            }
            lastReport = report
            let retention = try retentionBaseline.map { base in
                Retention.score(original: base.embeddings, current: try model.embed(base.texts))
            }
            let factor = Optimizer.lrFactor(update: max(position.update - 1, 0), total: totalUpdates, config: plan.optimizer)
            let metrics = EpochMetrics(epoch: epoch + 1, loss: position.lossSum / Double(max(position.lossCount, 1)),
                                       heads: EpochMetrics.heads(report, trainLoss: position.headLoss.mapValues { $0.sum / Double($0.count) }),
                                       eval_loss: report.loss, sentence_acc: report.sentence.map { $0.value * 100 },
                                       retention: retention, lr: Self.groupLRs(plan.params, epoch: epoch, factor: factor),
                                       step_losses: position.stepLosses,
                                       train_seconds: trainSeconds,
                                       sentences_per_second: Double(train.count) / trainSeconds,
                                       peak_rss_mb: ResourceUsage.peakRSSMegabytes(),
                                       eval_seconds: Date().timeIntervalSince(evalStart))
            position.metrics.append(try metrics.line())
            position.predictions = try trainer.predictionLines(eval.filter { $0.0.pair == nil }, predictions, sources: sources)
            position.epoch = epoch + 1
            position.step = 0
            position.lossSum = 0
            position.lossCount = 0
            position.stepLosses = []
            position.headLoss = [:]
            position.trainSeconds = 0
            let snapshot = try commit(position)
            let kept = retention.map { r in " | retention " + (r.spearman.map { String(format: "ρ %.4f", $0) } ?? "ρ –") + String(format: ", cos %.4f", r.mean_cosine) } ?? ""
            trainer.log(String(format: "epoch %d/%d: loss %.4f | %@%@ | %.0f s, %.1f sentences/s, peak RSS %.0f MiB",
                               epoch + 1, epochs, metrics.loss, report.summary, kept, trainSeconds, metrics.sentences_per_second,
                               metrics.peak_rss_mb))
            if epoch + 1 < epochs, trainer.shouldStop() {
                trainer.log("interrupted after epoch \(epoch + 1): saved \(snapshot); continue with --resume \(trainer.outDir)")
                return .interrupted(snapshot: snapshot)
            }
        }
        if let lastReport { trainer.log("final: \(lastReport.summary)") }
        return .finished
    }

    /// Forward and backward on this rank's share of a global batch, its gradients added into
    /// the gradient buffers; returns the global batch's loss (summed over the ranks), adds each
    /// head's to `headLoss`, and whether any rank was asked to stop (polled when `pollStop`).
    private mutating func forwardBackward(_ batch: [EncodedExample], seed: UInt64, headLoss: inout [String: (sum: Double, count: Int)],
                                          pollStop: Bool, communicate: Bool) throws -> (loss: Double, stop: Bool) {
        let parallel = trainer.parallel
        let heads = model.plan.model.taskHeads
        let (mine, shard) = parallel.share(of: batch)
        if !mine.isEmpty {
            try executor.feed(Array(mine), heads: heads)
            executor.shard = shard
        }
        try parallel.setLossDenominators(executor, hasShare: !mine.isEmpty)
        // The bucket nodes sum the gradients on the last micro-batch of an update only (as DDP's
        // no_sync): the accumulated gradient then travels once. A rank without a share still
        // takes part in every all-reduce.
        model.gradientSync.enabled = communicate
        if !mine.isEmpty { executor.run(seed: seed) } else if communicate { executor.runCommunication() }
        if let failure = model.gradientSync.takeFailure() { throw failure }
        // The loss, each head's (NaN where the program has none), then the stop request.
        var values = [mine.isEmpty ? 0 : Double(try executor.output("loss")[0])]
        for head in heads {
            values.append(mine.isEmpty ? 0 : (try? executor.output("loss.\(head.name)")[0]).map(Double.init) ?? .nan)
        }
        values.append(pollStop && trainer.shouldStop() ? 1 : 0)
        values = try parallel.sum(values)
        for (h, head) in heads.enumerated() where Self.carries(batch, head: h, kind: head.kind) && !values[1 + h].isNaN {
            headLoss[head.name, default: (0, 0)].sum += values[1 + h]
            headLoss[head.name, default: (0, 0)].count += 1
        }
        return (values[0], values[values.count - 1] > 0)
    }

    /// Whether a batch carries labels for head `h`: a pairs batch of its contrastive head, or
    /// a sentence with a label or tag routed to it.
    static func carries(_ batch: [EncodedExample], head h: Int, kind: TaskHead.Kind) -> Bool {
        switch kind {
        case .contrastive: batch.first?.positive != nil && batch.first?.pairHead == h
        case .classification, .tagging: batch.contains { $0.positive == nil && $0.labels[h].contains { $0 >= 0 } }
        }
    }

    /// Each optimizer group's lr at the epoch's last update (the labels `run` prints at start):
    /// the highest peak lr among its parameters that stepped this epoch, times the schedule
    /// factor; 0 for a group none of whose parameters has unfrozen yet. Frozen groups are left out.
    static func groupLRs(_ params: [ParamEntry], epoch: Int, factor: Double) -> [String: Double] {
        var result: [String: Double] = [:]
        for entry in params where entry.sliceOf == nil && !entry.setting.frozen {
            let label = entry.setting.group.isEmpty ? "default" : entry.setting.group
            let lr = entry.setting.trainFromEpoch <= epoch ? entry.setting.lr * factor : 0
            result[label] = max(result[label] ?? 0, lr)
        }
        return result
    }

    // MARK: Snapshots

    /// Rank 0 commits the snapshot; the others only note its name (they write nothing).
    private mutating func commit(_ p: Position) throws -> String {
        let folder = trainer.folder
        // Under ZeRO stage 1 every rank hands rank 0 its share of the optimizer state.
        let gathered = try model.optimizer.gatherState()
        guard trainer.writes else {
            lastGood = folder.path + "/" + p.id.name
            return lastGood ?? ""
        }
        let staged = try folder.stage(p.id)
        do {
            var extra = ["mtstc.epoch": "\(p.epoch)"]
            if p.step > 0 { extra["mtstc.step"] = "\(p.step)" }
            try Checkpoint.save(model, to: staged + "/" + RunFolder.checkpoint, extra: extra)
            try Checkpoint.saveOptimizer(model, to: staged + "/" + RunFolder.optimizer, gathered: gathered)
            try AtomicFile.write(Array(p.metrics.joined().utf8), to: staged + "/" + RunFolder.metrics)
            if let predictions = p.predictions { try AtomicFile.write(predictions, to: staged + "/" + RunFolder.predictions) }
            if export == nil { export = try SentenceTransformersFolder(model: model) }
            try export?.write(into: staged)
        } catch {
            folder.discard(staged)
            throw error
        }
        let state = RunState(plan: model.plan.name, planSHA256: planSHA256, epochs: epochs, limit: limit, epoch: p.epoch,
                             step: p.step, update: p.update, lossSumBits: RunState.bits(p.lossSum), lossCount: p.lossCount,
                             firstLossBits: p.firstLoss.map(RunState.bits),
                             headLoss: p.headLoss.isEmpty ? nil : p.headLoss.mapValues { RunState.HeadLossBits(sumBits: RunState.bits($0.sum), count: $0.count) },
                             stepLossBits: p.stepLosses.isEmpty ? nil : p.stepLosses.map(RunState.bits),
                             trainSeconds: p.trainSeconds, files: [:])
        let path = try folder.commit(staged, state: state)
        lastGood = path
        committed = true
        trainer.onSnapshot(path)
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
