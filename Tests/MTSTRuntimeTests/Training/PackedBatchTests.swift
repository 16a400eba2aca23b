import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Packed token rows (no padding, `TokenBatch`) must give what the padded, masked layout gives:
/// the same embeddings and per-token logits on real tokens, the same losses and the same
/// gradients for every parameter, whatever the pooling.
struct PackedBatchTests {
    static let sequences: [[Int32]] = [[2, 7, 9, 11, 13, 3], [2, 5, 3], [2, 17, 19, 23, 3], [2, 3]]
    static let intents: [Int32] = [2, 0, 1, 1]
    static let slots: [[Int32]] = [[-1, 1, 2, 3, 0, -1], [-1, 3, -1], [-1, 0, 1, -1, -1], [-1, -1]]

    static func config(_ pooling: PoolingKind, crf: Bool = false) -> ModelConfig {
        let intent = TaskHead(name: "intent", kind: .classification, dropout: 0, labels: ["a", "b", "c"], lossWeight: 0.7)
        var slots = TaskHead(name: "slots", kind: .tagging, dropout: 0, labels: ["O", "B", "I", "X"], lossWeight: 1.3)
        slots.crf = crf
        return ModelConfig(vocabSize: 30, hidden: 16, layers: 2, heads: 2, intermediate: 24, maxPositions: 16,
                           typeVocabSize: 2, layerNormEps: 1e-12, hiddenDropout: 0, attentionDropout: 0, initStd: 0.3,
                           pooling: pooling, normalize: .l2, taskHeads: [intent, slots])
    }

    static func executor(_ pooling: PoolingKind, _ mode: Lowering.Mode, crf: Bool = false) throws -> (Executor, ParamStore) {
        var graph = try Lowering.lower(config(pooling, crf: crf), mode: mode, maxBatch: 4, maxSeq: 8)
        for i in graph.params.indices { graph.params[i].setting.lr = 1e-3 }
        let context = try Pipeline.run(&graph, mode: mode)
        let program = Program(graph: graph, arena: try #require(context.arena))
        let store = try ParamStore(params: graph.params)
        store.initialize(seed: 7)
        return (Executor(program: program, store: store, arena: try AlignedBuffer(count: program.arena.bytes / 4 + 16)), store)
    }

    /// The padded layout: every sentence padded to the longest with [PAD] = 0 and masked.
    static func feedPadded(_ exec: Executor) throws {
        let batch = sequences.count, seq = sequences.map(\.count).max()!
        try exec.setShape(batch: batch, seq: seq)
        let ids = try #require(exec.inputPointer(.tokenIds)), mask = try #require(exec.inputPointer(.mask))
        let positions = try #require(exec.inputPointer(.positions)), types = try #require(exec.inputPointer(.tokenTypes))
        for b in 0..<batch {
            for t in 0..<seq {
                let real = t < sequences[b].count
                ids[b * seq + t] = real ? Float(sequences[b][t]) : 0
                mask[b * seq + t] = real ? 1 : 0
                positions[b * seq + t] = Float(t)
                types[b * seq + t] = 0
            }
        }
        if let p = exec.inputPointer(.labels(head: "intent")) { p.update(from: intents.map(Float.init), count: batch) }
        if let p = exec.inputPointer(.labels(head: "slots")) {
            for b in 0..<batch { for t in 0..<seq { p[b * seq + t] = t < slots[b].count ? Float(slots[b][t]) : -1 } }
        }
    }

    static func feedPacked(_ exec: Executor) throws -> TokenBatch {
        let tokens = TokenBatch(sequences: sequences, rows: Array(sequences.indices))
        try tokens.feed(exec)
        if let p = exec.inputPointer(.labels(head: "intent")) { p.update(from: intents.map(Float.init), count: intents.count) }
        if let p = exec.inputPointer(.labels(head: "slots")) {
            let packed = slots.flatMap { $0.map(Float.init) }
            p.update(from: packed, count: packed.count)
        }
        return tokens
    }

    static func close(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 2e-5 * max(1, abs(b)) }

    @Test(arguments: [PoolingKind.mean, .cls, .max])
    func inferenceOnPackedRowsMatchesPadded(pooling: PoolingKind) throws {
        let (exec, _) = try Self.executor(pooling, .inference)
        try Self.feedPadded(exec)
        exec.run()
        let paddedSeq = exec.seq
        let embedding = Array(try exec.output("embedding")), logits = Array(try exec.output("logits.slots"))
        let tokens = try Self.feedPacked(exec)
        exec.run()
        #expect(exec.tokens == 16 && tokens.tokens == 16 && exec.seq == paddedSeq)
        let packedEmbedding = Array(try exec.output("embedding")), packedLogits = Array(try exec.output("logits.slots"))
        #expect(packedLogits.count == 16 * 4)
        #expect(zip(packedEmbedding, embedding).allSatisfy { Self.close($0, $1) })
        for (b, s) in Self.sequences.enumerated() {
            for t in s.indices {
                for c in 0..<4 {
                    let packed = packedLogits[(tokens.starts[b] + t) * 4 + c], padded = logits[(b * paddedSeq + t) * 4 + c]
                    #expect(Self.close(packed, padded), "sentence \(b) token \(t) class \(c): \(packed) vs \(padded)")
                }
            }
        }
    }

    /// The CRF loss reads sentence boundaries (`starts`) itself: the same chains either way,
    /// including the last sentence, which has no labelled row and so no chain.
    @Test(arguments: [PoolingKind.mean, .cls, .max].map { ($0, true) } + [(PoolingKind.mean, false), (.cls, false), (.max, false)])
    func trainingOnPackedRowsMatchesPadded(pooling: PoolingKind, crf: Bool) throws {
        let (exec, store) = try Self.executor(pooling, .training, crf: crf)
        try Self.feedPadded(exec)
        store.zeroGrads()
        exec.run(seed: 1)
        let losses = try ["loss", "loss.intent", "loss.slots"].map { try exec.output($0)[0] }
        let grads = Array(store.grads.buffer)
        _ = try Self.feedPacked(exec)
        store.zeroGrads()
        exec.run(seed: 1)
        let packedLosses = try ["loss", "loss.intent", "loss.slots"].map { try exec.output($0)[0] }
        #expect(zip(packedLosses, losses).allSatisfy { Self.close($0, $1) }, "\(packedLosses) vs \(losses)")
        let scale = grads.map(abs).max() ?? 0
        #expect(scale > 0)
        let worst = zip(Array(store.grads.buffer), grads).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-5 * scale, "largest gradient difference \(worst) (scale \(scale))")
    }
}
