import MTSTCompiler
import MTSTKernels

/// Synthetic batches for `mtstc bench`: random in-vocabulary ids, full masks, random labels.
/// Under `mpirun` the batch is the global batch, split as `mtstc run` splits it: each rank
/// computes its token-balanced share, training steps all-reduce the gradients, and the rate
/// is the global one (`batch` sentences per step).
public final class Benchmark {
    public let model: Model
    public let executors: [Executor]
    public let batch: Int
    public let seq: Int
    let train: Bool
    public let parallel: DataParallel
    /// This rank's sentences of the global batch (all of them in one process).
    public let share: Range<Int>
    /// The gradual-unfreezing phase whose training program is timed; nil: the full program.
    public let phase: Int?
    var seed: UInt64 = 1

    /// What `measure` found.
    public struct Result: Sendable {
        public var iterations: Int
        public var seconds: Double
        public var sentencesPerSecond: Double
        /// Peak resident memory of the process so far, and what the plan predicts for these sizes.
        public var peakRSSMegabytes: Double
        public var predictedPeakBytes: Int
        /// With profiling: measured seconds by op kind (slowest first) and by phase.
        public var byOpKind: [(String, Double)] = []
        public var byPhase: [(String, Double)] = []
        /// With profiling a training step on several ranks: the gradient buckets' all-reduce.
        public var communication: Communication?
    }

    /// Seconds per step inside the bucket nodes' start and wait calls as scheduled, and the same
    /// all-reduces run blocking (each start waits at once), which is what they cost with no
    /// overlap. `overlap`: the share of that cost the schedule hid behind the backward pass.
    public struct Communication: Sendable {
        public var startSeconds: Double
        public var waitSeconds: Double
        public var blockingSeconds: Double
        public var bytes: Int
        public var messages: Int
        public var overlap: Double { blockingSeconds > 0 ? max(0, 1 - (startSeconds + waitSeconds) / blockingSeconds) : 0 }
    }

    /// Reads the plan at `path`, refuses sizes it cannot run (naming the plan), and loads its model.
    /// `precision`: the inference program to time (default: int8 when the plan has one).
    public static func load(planPath path: String, batch: Int, seq: Int, train: Bool, phase: Int? = nil,
                            limits: PlanLimits, precision: Precision? = nil,
                            parallel: DataParallel = DataParallel(SingleProcess.shared)) throws -> Benchmark {
        let plan = try PlanCodec.read(path: path, limits: limits)
        let checked: Plan
        do {
            checked = try check(plan, batch: batch, seq: seq, train: train, phase: phase, limits: limits)
        } catch let error as UserFacingError {
            throw RuntimeError.plan(path, error)
        }
        let model = try Model(plan: checked, collectives: parallel.collectives)
        model.source = path
        if let precision { try model.use(precision) }
        return try Benchmark(model: model, batch: batch, seq: seq, train: train, phase: phase, parallel: parallel)
    }

    /// The program a benchmark runs: inference, the full training program, or a phase's.
    static func program(_ plan: Plan, train: Bool, phase: Int?) throws -> Program {
        guard train else { return plan.int8?.program ?? plan.inference }
        let phases = plan.trainingPhases
        guard let full = phases.last?.program else { throw BenchError.noTraining }
        guard let phase else { return full }
        guard phases.indices.contains(phase) else { throw BenchError.noPhase(phase, count: phases.count) }
        return phases[phase].program
    }

    /// The memory a benchmark of `batch` sentences of `seq` tokens is predicted to need.
    public static func estimate(_ plan: Plan, batch: Int, seq: Int, train: Bool, phase: Int? = nil) -> MemoryEstimate? {
        guard let program = try? program(plan, train: train, phase: phase) else { return nil }
        return MemoryEstimate.predict(plan, runs: [MemoryEstimate.Run(program, batch: batch, seq: seq)])
    }

    /// Refuses sizes past the plan's maxima or the memory limit before anything is allocated.
    public static func check(_ plan: Plan, batch: Int, seq: Int, train: Bool, phase: Int? = nil, limits: PlanLimits) throws -> Plan {
        let g = try program(plan, train: train, phase: phase).graph
        guard batch >= 1, seq >= 1, batch <= g.maxBatch, seq <= g.maxSeq else {
            throw ExecutorError.batchTooLarge(batch: batch, seq: seq, maxBatch: g.maxBatch, maxSeq: g.maxSeq)
        }
        if let e = estimate(plan, batch: batch, seq: seq, train: train, phase: phase), e.peak > limits.maxMemory {
            throw BenchError.memory(needed: e.peak, limit: limits.maxMemory, breakdown: e.breakdown)
        }
        return plan
    }

    public init(model: Model, batch: Int, seq: Int, train: Bool, phase: Int? = nil,
                parallel: DataParallel = DataParallel(SingleProcess.shared)) throws {
        self.model = model
        self.batch = batch
        self.seq = seq
        self.train = train
        self.phase = phase
        self.parallel = parallel
        // A contrastive loss scores every anchor against every positive, so, as in training,
        // rank 0 computes such a batch whole.
        let pairs = model.plan.model.taskHeads.contains { !$0.predicts }
        share = !parallel.isDistributed ? 0..<batch
            : pairs ? (parallel.rank == 0 ? 0..<batch : 0..<0)
            : DataParallel.shares(lengths: Array(repeating: seq, count: batch), ranks: parallel.size)[parallel.rank]
        _ = try Benchmark.program(model.plan, train: train, phase: phase)
        let executor = train ? phase.map { model.phaseExecutors[$0] } ?? model.training : model.serving
        guard let executor else { throw BenchError.noTraining }
        try executor.setShape(batch: batch, seq: seq)
        var rng = SplitMix64(seed: 42)
        // Ordinary word pieces: past BERT's special and unused entries when the vocabulary has
        // them, and always inside both the tokenizer's and the embedding table's range.
        let vocab = min(model.plan.model.vocabSize, model.tokenizer.vocabulary.count)
        let low = vocab > 2000 ? 1000 : min(5, vocab - 1)
        let ids = (0..<batch).map { _ in
            [model.tokenizer.vocabulary.clsId] + (0..<max(0, seq - 2)).map { _ in Int32(low + Int(rng.next() % UInt64(max(1, vocab - low)))) }
                + [model.tokenizer.vocabulary.sepId]
        }
        let tokens = TokenBatch(sequences: Array(ids[share]), rows: Array(0..<share.count))
        if !share.isEmpty { try tokens.feed(executor) }
        if parallel.isDistributed && !pairs {
            executor.shard = ShardLayout(firstSentence: share.lowerBound, firstToken: share.lowerBound * seq,
                                         globalBatch: batch, globalSeq: seq, globalTokens: batch * seq)
        }
        if train, !share.isEmpty {
            for head in model.plan.model.taskHeads {
                guard let p = executor.inputPointer(.labels(head: head.name)) else { continue }
                guard head.predicts else {
                    // The first half of the rows are anchors whose positives are the second half.
                    let n = batch / 2
                    let candidates = executor.inputPointer(.candidates(head: head.name))
                    for r in 0..<batch {
                        p[r] = r < n ? Float(n + r) : -1
                        candidates?[r] = r < n ? InputKind.candidateExcluded : 0
                    }
                    continue
                }
                let n = head.kind == .classification ? share.count : tokens.tokens
                for i in 0..<n { p[i] = Float(rng.next() % UInt64(head.labels.count)) }
            }
        }
        executors = [executor] + (train ? [model.optimizer.executor].compactMap { $0 } : [])
    }

    public func step() throws {
        seed &+= 1
        guard parallel.isDistributed else {
            if train {
                try model.trainStep(seed: seed, phase: phase)
            } else {
                model.serving.run(seed: seed)
            }
            return
        }
        // What a training step of `mtstc run` does on each rank: the global loss denominators,
        // forward and backward on the share with the gradient buckets' all-reduce, the update.
        // executors[0] is the program `init` chose and fed (inference, training or a phase's).
        let executor = executors[0]
        guard train else {
            if !share.isEmpty { executor.run(seed: seed) }
            return
        }
        try parallel.setLossDenominators(executor, hasShare: !share.isEmpty)
        // The training program's bucket nodes sum the gradients while backward runs (a rank
        // without a share runs only them); under ZeRO stage 1 the optimizer reduce-scatters.
        if !share.isEmpty { executor.run(seed: seed) } else { executor.runCommunication() }
        if let failure = model.gradientSync.takeFailure() { throw failure }
        if !executor.communicates { try parallel.reduceGradients(model.store) }
        let epoch = phase.map { model.plan.trainingPhases[$0].fromEpoch } ?? max(model.plan.trainingLoop.epochs - 1, 0)
        try model.optimizer.step(lrFactor: 1, epoch: epoch)
    }

    /// Two warm-up steps (first touches of the arena, BLAS thread start-up), then steps until both
    /// `iterations` and `seconds` are reached.
    /// Under MPI every rank runs as many steps as rank 0 decides (its clock, shared with each
    /// step's stop flag), from a barrier, so rank 0's time covers the slowest rank's steps.
    public func measure(iterations: Int, seconds: Double, profile: Bool = false) throws -> Result {
        try step()
        try step()
        if profile { executors.forEach { $0.profile = [:] } }
        let sync = model.gradientSync
        sync.resetTimes()
        let measured: TimedLoop.Measurement
        if parallel.isDistributed {
            try parallel.collectives.barrier()
            measured = try TimedLoop.run(iterations: iterations, seconds: seconds, step) { done in
                try self.parallel.sum([self.parallel.rank == 0 && done ? 1 : 0])[0] > 0
            }
        } else {
            measured = try TimedLoop.run(iterations: iterations, seconds: seconds, step)
        }
        let communication = profile && train && sync.isActive ? try measureCommunication(steps: measured.iterations) : nil
        let predicted = Benchmark.estimate(model.plan, batch: batch, seq: seq, train: train, phase: phase)?.peak ?? 0
        var result = Result(iterations: measured.iterations, seconds: measured.seconds,
                            sentencesPerSecond: Double(batch * measured.iterations) / measured.seconds,
                            peakRSSMegabytes: ResourceUsage.peakRSSMegabytes(), predictedPeakBytes: predicted)
        if profile {
            result.byOpKind = profileTable()
            result.byPhase = phaseTable()
            result.communication = communication
        }
        return result
    }

    /// Reads the scheduled steps' communication times, then runs as many steps with blocking
    /// all-reduces for the cost without overlap.
    func measureCommunication(steps: Int) throws -> Communication {
        let sync = model.gradientSync
        let n = Double(max(steps, 1))
        var c = Communication(startSeconds: sync.startSeconds / n, waitSeconds: sync.waitSeconds / n, blockingSeconds: 0,
                              bytes: sync.bytes / max(steps, 1), messages: sync.allReduces / max(steps, 1))
        let saved = executors.map(\.profile)
        executors.forEach { $0.profile = nil }
        sync.blocking = true
        defer {
            sync.blocking = false
            for (e, p) in zip(executors, saved) { e.profile = p }
        }
        sync.resetTimes()
        for _ in 0..<max(steps, 1) { try step() }
        c.blockingSeconds = (sync.startSeconds + sync.waitSeconds) / n
        return c
    }

    /// Profiled seconds by phase: forward and backward nodes of the model's program, and the
    /// optimizer's update program (gradient norm, clipping, AdamW).
    public func phaseTable() -> [(String, Double)] {
        var rows: [(String, Double)] = []
        for (i, e) in executors.enumerated() {
            if i == 0 {
                for phase in [Phase.forward, .backward] { if let t = e.phaseProfile[phase] { rows.append((phase.rawValue, t)) } }
            } else {
                rows.append(("optimizer", e.phaseProfile.values.reduce(0, +)))
            }
        }
        return rows
    }

    public func profileTable() -> [(String, Double)] {
        var total: [String: Double] = [:]
        for e in executors { for (k, v) in e.profile ?? [:] { total[k.rawValue, default: 0] += v } }
        return total.sorted { $0.value > $1.value }
    }
}

public enum BenchError: UserFacingError {
    case noTraining
    case noPhase(Int, count: Int)
    case memory(needed: Int, limit: Int, breakdown: String)
    public var description: String {
        switch self {
        case .noTraining: "the plan has no training program (add data.train to the spec, or leave out --train)"
        case let .noPhase(phase, count):
            "--phase \(phase): the plan has \(count == 1 ? "one training phase (0)" : "\(count) training phases (0–\(count - 1))"); gradual unfreezing makes one per distinct train_from_epoch"
        case let .memory(needed, limit, breakdown):
            "this benchmark needs \(PlanLimits.format(needed)) (\(breakdown)), over --max-memory \(PlanLimits.format(limit))"
        }
    }
}
