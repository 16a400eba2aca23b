import Foundation

/// The resident memory a plan will need, predicted from the plan alone before anything is
/// allocated: what `compile` checks against `--max-memory` and prints, what the verifier checks
/// on load, and what `run` and `bench` print beside the measured peak.
///
/// Buffers are anonymous mappings backed only when touched, so the arena term is the pages the
/// programs actually write at the given batch and sequence length (each buffer from its offset
/// for its size at those sizes), not the arena's planned size; at the plan's maxima the two
/// agree up to page rounding. Gradients, AdamW moments and the update program's arena count
/// only when a training program runs. Reading a checkpoint briefly holds the mapped file and
/// its decoded floats beside the parameters, which can be the peak of a short run.
public struct MemoryEstimate: Sendable, Equatable {
    /// A program run at a batch size and a sequence length; `tokens`, when known, is the most
    /// packed token rows any of its batches holds (fewer than batch × seq when lengths vary).
    public struct Run: Sendable {
        public var program: Program
        public var batch: Int
        public var seq: Int
        public var tokens: Int?
        public init(_ program: Program, batch: Int, seq: Int, tokens: Int? = nil) {
            self.program = program
            self.batch = batch
            self.seq = seq
            self.tokens = tokens
        }
    }

    public var weights = 0
    /// The int8 weights the quantized program packs at load (values, scales, column sums) and
    /// its activation-quantization scratch; 0 unless an int8 program runs.
    public var int8Weights = 0
    public var gradients = 0
    /// The optimizer's per-parameter state buffers together (AdamW's m and v, SGD's velocity).
    public var moments = 0
    /// What `breakdown` calls them.
    public var stateDescription = "optimizer state"
    public var arena = 0
    public var updateArena = 0
    /// Transient while a checkpoint is read: the mapped file and its decoded floats.
    public var weightsLoad = 0
    /// The process before any model buffer: Swift runtime, BLAS and its thread buffers, tokenizer.
    public var runtime = 0

    /// Resident bytes once the model runs.
    public var steady: Int { runtime + weights + int8Weights + gradients + moments + arena + updateArena }
    /// Resident bytes while the checkpoint is read: the file's bytes and their decoded floats,
    /// then the floats while they are copied into the parameters (the file is released first).
    public var loading: Int { runtime + max(weightsLoad, weightsLoad / 2 + weights) }
    public var peak: Int { max(steady, loading) }

    /// Measured on this code (see Docs/ARCHITECTURE.md, "Memory prediction"): the process with
    /// its libraries and BLAS threads before a model is loaded, and the tokenizer per vocabulary entry.
    public static let runtimeBase = 26 << 20
    public static let tokenizerBytesPerEntry = 112

    /// At the plan's maxima: the training programs (every gradual-unfreezing phase) and the
    /// evaluation (inference) program when the plan trains, the inference program alone otherwise.
    public static func atMaxima(_ plan: Plan) -> MemoryEstimate? {
        var runs = [Run(plan.inference, batch: plan.inference.graph.maxBatch, seq: plan.inference.graph.maxSeq)]
        // Every phase's program shares the one arena, so the pages any of them touch count.
        for (_, t) in plan.trainingPhases { runs.append(Run(t, batch: t.graph.maxBatch, seq: t.graph.maxSeq)) }
        if let q = plan.int8?.program { runs.append(Run(q, batch: q.graph.maxBatch, seq: q.graph.maxSeq)) }
        return predict(plan, runs: runs)
    }

    /// For the programs that will run, each at its batch and sequence length; nil on overflow.
    public static func predict(_ plan: Plan, runs: [Run]) -> MemoryEstimate? {
        guard let layout = ParamLayout(params: plan.params) else { return nil }
        var e = MemoryEstimate()
        guard let values = mappedBytes(floats: layout.values), let trainable = mappedBytes(floats: layout.trainable),
              let base = SizeMath.multiply(plan.model.vocabSize, tokenizerBytesPerEntry).flatMap({ SizeMath.add($0, runtimeBase) }),
              let arena = touchedBytes(runs) else { return nil }
        e.runtime = base
        e.weights = values
        e.arena = arena
        for run in runs {
            guard let bytes = int8Bytes(run) else { return nil }
            e.int8Weights = max(e.int8Weights, bytes)
        }
        let trains = runs.contains { $0.program.graph.outputs["loss"] != nil }
        if trains {
            e.gradients = trainable
            e.moments = plan.optimizer.method.stateNames.count * trainable
            e.stateDescription = plan.optimizer.method.stateDescription
            if let update = plan.update {
                guard let bytes = touchedBytes([Run(update, batch: 1, seq: 1)]) else { return nil }
                e.updateArena = bytes
            }
        }
        if plan.weights != nil {
            let counts = plan.params.filter { $0.checkpointName != nil }.map { $0.checkedCount ?? Int.max }
            guard let floats = SizeMath.sum(counts), let bytes = SizeMath.multiply(floats, 2 * MemoryLayout<Float>.stride) else { return nil }
            e.weightsLoad = bytes
        }
        guard SizeMath.sum([e.runtime, e.weights, e.int8Weights, e.gradients, e.moments, e.arena, e.updateArena, e.weightsLoad]) != nil else { return nil }
        return e
    }

    /// Per `int8Linear`: one byte per weight, a scale and a column sum per output; plus the
    /// scratch the activations of the widest layer are quantized into at the run's token rows.
    static func int8Bytes(_ run: Run) -> Int? {
        let g = run.program.graph
        var total = 0, widest = 0
        for node in g.nodes where node.kind == .int8Linear {
            let w = g.shape(of: node.inputs[1])
            guard w.rank == 2, let out = w[0].checkedValue(batch: 1, seq: 1), let k = w[1].checkedValue(batch: 1, seq: 1),
                  let values = SizeMath.multiply(out, k), let sum = SizeMath.add(total, values + 8 * out) else { return nil }
            total = sum
            widest = max(widest, k)
        }
        guard total > 0 else { return 0 }
        let rows = run.tokens ?? run.batch * run.seq
        guard let scratch = SizeMath.multiply(rows, widest + 8) else { return nil }
        return SizeMath.add(total, scratch)
    }

    /// What one of `ranks` ranks needs under ZeRO stage 1: the estimate with the optimizer state
    /// of the largest rank's share of the parameters instead of all of it.
    public static func perRank(_ plan: Plan, zeroRanks ranks: Int, runs: [Run]? = nil) -> MemoryEstimate? {
        guard var e = runs.map({ predict(plan, runs: $0) }) ?? atMaxima(plan), e.moments > 0, ranks > 1,
              let layout = ParamLayout(params: plan.params) else { return nil }
        let partition = ZeroPartition(layout: layout, params: plan.params, rank: 0, size: ranks)
        guard let largest = partition.gradientCounts.max(), let bytes = mappedBytes(floats: largest) else { return nil }
        e.moments = plan.optimizer.method.stateNames.count * bytes
        return e
    }

    public static var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }

    /// What an `AlignedBuffer` of `floats` floats maps: whole pages, at least one.
    public static func mappedBytes(floats: Int) -> Int? {
        guard floats >= 0, let bytes = SizeMath.multiply(max(floats, 1), MemoryLayout<Float>.stride) else { return nil }
        return SizeMath.roundUp(bytes, to: pageSize)
    }

    /// Pages of the shared arena written by the runs: the union over every arena-stored node of
    /// its offset up to its size at the run's batch and sequence length.
    static func touchedBytes(_ runs: [Run]) -> Int? {
        let page = pageSize
        var ranges: [(Int, Int)] = []
        for run in runs {
            let g = run.program.graph
            for (i, node) in g.nodes.enumerated() where i < run.program.arena.offsets.count {
                let offset = run.program.arena.offsets[i]
                guard offset >= 0, let bytes = node.shape.checkedBytes(batch: run.batch, seq: run.seq, tokens: run.tokens) else {
                    if offset >= 0 { return nil }
                    continue
                }
                guard bytes > 0 else { continue }
                guard let end = SizeMath.add(offset, bytes), let upper = SizeMath.roundUp(end, to: page) else { return nil }
                ranges.append((offset / page * page, upper))
            }
        }
        ranges.sort { $0.0 < $1.0 }
        var total = 0, current: (Int, Int)?
        for r in ranges {
            if let c = current, r.0 <= c.1 {
                current = (c.0, max(c.1, r.1))
            } else {
                if let c = current { total += c.1 - c.0 }
                current = r
            }
        }
        if let c = current { total += c.1 - c.0 }
        return total
    }

    /// One line: the peak and its parts, for `compile`'s summary and error messages.
    public var breakdown: String {
        var parts = ["weights \(PlanLimits.format(weights))"]
        if int8Weights > 0 { parts.append("int8 weights \(PlanLimits.format(int8Weights))") }
        if gradients > 0 { parts.append("gradients \(PlanLimits.format(gradients))") }
        if moments > 0 { parts.append("\(stateDescription) \(PlanLimits.format(moments))") }
        parts.append("arena \(PlanLimits.format(arena + updateArena))")
        parts.append("runtime \(PlanLimits.format(runtime))")
        if loading > steady { parts.append("checkpoint load \(PlanLimits.format(weightsLoad))") }
        return parts.joined(separator: ", ")
    }

    public var json: [String: Int] {
        ["predicted_peak_bytes": peak, "weights": weights, "int8_weights": int8Weights, "gradients": gradients, "moments": moments,
         "arena": arena, "update_arena": updateArena, "checkpoint_load": weightsLoad, "runtime": runtime]
    }
}
