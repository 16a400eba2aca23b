import MTSTCompiler
import MTSTKernels

/// Synthetic batches for `mtstc bench`: random in-vocabulary ids, full masks, random labels.
public final class Benchmark {
    public let model: Model
    public let executors: [Executor]
    let train: Bool
    var seed: UInt64 = 1

    public init(model: Model, batch: Int, seq: Int, train: Bool) throws {
        self.model = model
        self.train = train
        var rng = SplitMix64(seed: 42)
        // Ordinary word pieces: past BERT's special and unused entries when the vocabulary has
        // them, and always inside both the tokenizer's and the embedding table's range.
        let vocab = min(model.plan.model.vocabSize, model.tokenizer.vocabulary.count)
        let low = vocab > 2000 ? 1000 : min(5, vocab - 1)
        let ids = (0..<batch).map { _ in
            [model.tokenizer.vocabulary.clsId] + (0..<max(0, seq - 2)).map { _ in Int32(low + Int(rng.next() % UInt64(max(1, vocab - low)))) }
                + [model.tokenizer.vocabulary.sepId]
        }
        let tokens = TokenBatch(sequences: ids, rows: Array(0..<batch))
        let executor: Executor
        if train {
            guard let t = model.training else { throw BenchError.noTraining }
            executor = t
        } else {
            executor = model.inference
        }
        try tokens.feed(executor)
        if train {
            for head in model.plan.model.taskHeads {
                guard let p = executor.inputPointer(.labels(head: head.name)) else { continue }
                let n = head.kind == .classification ? batch : tokens.tokens
                for i in 0..<n { p[i] = Float(rng.next() % UInt64(head.labels.count)) }
            }
        }
        executors = [executor] + (train ? [model.optimizer.executor].compactMap { $0 } : [])
    }

    public func step() throws {
        seed &+= 1
        if train {
            try model.trainStep(seed: seed)
        } else {
            model.inference.run(seed: seed)
        }
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
    public var description: String { "the plan has no training program (add data.train to the spec, or leave out --train)" }
}
