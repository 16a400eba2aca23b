import Foundation
import MTSTKernels
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// MPNet against `transformers`' `MPNetModel` on seeded random weights (fixtures from
/// Scripts/reference/make_mpnet_fixtures.py): the relative position buckets, the token states and
/// sentence embeddings on packed and padded rows, and one training step's losses and gradients,
/// the relative attention bias table included.
struct MPNetParityTests {
    struct Fixture {
        let file: SafeTensorFile
        let model: ModelConfig
        let lengths: [Int]
        let seq: Int

        init(file: SafeTensorFile, model: ModelConfig) throws {
            self.file = file
            self.model = model
            let mask = try file.tensor("input.mask")
            let seq = mask.shape[1]
            self.seq = seq
            lengths = (0..<mask.shape[0]).map { b in Int(mask.data[(b * seq)..<((b + 1) * seq)].reduce(0, +)) }
        }

        var batch: Int { lengths.count }

        /// The model's weights: every tensor that is not an input, output, loss, gradient or table.
        var weights: [String: (shape: [Int], data: [Float])] {
            file.tensors.filter { key, _ in
                !["input", "output", "loss", "grad", "buckets"].contains(String(key.split(separator: ".")[0]))
            }.mapValues { ($0.shape, $0.data) }
        }

        func sequences() throws -> [[Int32]] {
            let ids = try file.tensor("input.ids").data
            return (0..<batch).map { b in (0..<lengths[b]).map { Int32(ids[b * seq + $0]) } }
        }

        /// Compiles `mode` for this batch and loads the weights.
        func executor(_ mode: Lowering.Mode) throws -> (Executor, Graph, ParamStore) {
            var graph = try Lowering.lower(model, mode: mode, maxBatch: batch, maxSeq: seq)
            let context = try Pipeline.run(&graph, mode: mode)
            #expect(context.fusions["qkv"] == model.layers, "the packed QKV path is the one under test")
            let program = Program(graph: graph, arena: try #require(context.arena))
            let store = try ParamStore(params: graph.params)
            try store.load(tensors: weights, file: "mpnet fixture", backbone: MPNet.self, requireHeads: true)
            let exec = Executor(program: program, store: store, arena: try AlignedBuffer(count: program.arena.bytes / 4 + 16))
            return (exec, graph, store)
        }
    }

    static func model(vocab: Int, hidden: Int, layers: Int, heads: Int, intermediate: Int, positions: Int) -> ModelConfig {
        var intent = TaskHead(name: "intent", kind: .classification, dropout: 0, labels: ["a", "b", "c"], lossWeight: 1)
        intent.normalizedInput = true
        let slots = TaskHead(name: "slots", kind: .tagging, dropout: 0, labels: ["O", "B-x", "I-x", "B-y", "I-y"], lossWeight: 1)
        return ModelConfig(architecture: MPNet.name, vocabSize: vocab, hidden: hidden, layers: layers, heads: heads, intermediate: intermediate,
                            maxPositions: positions, typeVocabSize: 0, layerNormEps: 1e-5, hiddenDropout: 0, attentionDropout: 0,
                            initStd: 0.02, pooling: .mean, normalize: .l2, taskHeads: [intent, slots])
    }

    static func tiny() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "mpnet_step", withExtension: "safetensors", subdirectory: "Fixtures"))
        return try Fixture(file: try SafeTensorFile.read(path: url.path), model: model(vocab: 50, hidden: 16, layers: 2, heads: 4, intermediate: 32, positions: 66))
    }

    /// Worst |ours − theirs| against `tolerance · max(1, max|theirs|)`; prints the worst.
    static func expectClose(_ ours: [Float], _ theirs: [Float], _ tolerance: Float, _ what: String,
                            sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let scale = max(1, theirs.map(abs).max() ?? 0)
        let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? .infinity
        #expect(ours.count == theirs.count && worst <= tolerance * scale,
                "\(what): max difference \(worst), tolerance \(tolerance * scale)", sourceLocation: sourceLocation)
        print("MPNet parity, \(what): max |Δ| = \(worst) over \(ours.count) values")
    }

    @Test func bucketsMatchTransformers() throws {
        let buckets = try Self.tiny().file.tensor("buckets").data
        #expect(buckets.count == 1201)
        for (i, expected) in buckets.enumerated() {
            let r = i - 600
            #expect(Kernels.relativePositionBucket(r, buckets: 32, maxDistance: 128) == Int(expected), "relative position \(r)")
        }
    }

    /// Packed rows (what `embed` and `run` feed), then the padded layout, against MPNetModel.
    static func checkEmbeddings(_ f: Fixture, tolerance: Float) throws {
        let (exec, _, _) = try f.executor(.inference)
        try TokenBatch(sequences: try f.sequences(), rows: Array(0..<f.batch)).feed(exec)
        exec.run(seed: 0)
        expectClose(Array(try exec.output("embedding")), try f.file.tensor("output.embedding").data, tolerance, "embedding (packed)")
        if let tokens = try? f.file.tensor("output.tokens").data {
            let h = f.model.hidden
            let packed = (0..<f.batch).flatMap { b in tokens[(b * f.seq * h)..<((b * f.seq + f.lengths[b]) * h)] }
            expectClose(Array(try exec.output("tokens")), Array(packed), tolerance, "last hidden state (packed)")
        }

        try exec.setShape(batch: f.batch, seq: f.seq)
        let ids = try f.file.tensor("input.ids").data, mask = try f.file.tensor("input.mask").data
        try #require(exec.inputPointer(.tokenIds)).update(from: ids, count: ids.count)
        try #require(exec.inputPointer(.mask)).update(from: mask, count: mask.count)
        let positions = (0..<(f.batch * f.seq)).map { Float($0 % f.seq) }
        try #require(exec.inputPointer(.positions)).update(from: positions, count: positions.count)
        exec.run(seed: 0)
        expectClose(Array(try exec.output("embedding")), try f.file.tensor("output.embedding").data, tolerance, "embedding (padded)")
    }

    @Test func embeddingsMatchTransformers() throws {
        try Self.checkEmbeddings(try Self.tiny(), tolerance: 1e-5)
    }

    /// One step through the fused forward and generated backward graph: losses, and every
    /// gradient in the fixture (the relative bias table's included) relative to its largest entry.
    static func checkStep(_ f: Fixture, lossTolerance: Float, gradTolerance: Float) throws -> [String: Float] {
        let (exec, graph, store) = try f.executor(.training)
        try TokenBatch(sequences: try f.sequences(), rows: Array(0..<f.batch)).feed(exec)
        let intent = try f.file.tensor("input.intent").data, slots = try f.file.tensor("input.slots").data
        try #require(exec.inputPointer(.labels(head: "intent"))).update(from: intent, count: intent.count)
        let packedSlots = (0..<f.batch).flatMap { b in slots[(b * f.seq)..<(b * f.seq + f.lengths[b])] }
        try #require(exec.inputPointer(.labels(head: "slots"))).update(from: packedSlots, count: packedSlots.count)
        exec.run(seed: 1)
        for (output, name) in [("loss", "loss.total"), ("loss.intent", "loss.intent"), ("loss.slots", "loss.slots")] {
            let ours = try exec.output(output)[0], theirs = try f.file.tensor(name).data[0]
            #expect(abs(ours - theirs) <= lossTolerance * max(1, abs(theirs)), "\(name): \(ours) vs \(theirs)")
        }
        var worst: [String: Float] = [:]
        var compared = 0
        for (i, p) in graph.params.enumerated() {
            guard let name = p.checkpointName, let theirs = try? f.file.tensor("grad." + name).data else { continue }
            let root = p.sliceOf ?? i
            let offset = store.trainOffsets[root] + (p.sliceOf == nil ? 0 : p.sliceOffset)
            let ours = Array(UnsafeBufferPointer(start: store.grads.pointer + offset, count: p.count))
            let scale = theirs.map(abs).max() ?? 0
            let diff = zip(ours, theirs).map { abs($0 - $1) }.max() ?? .infinity
            // Key biases get no gradient in exact arithmetic (softmax ignores a per-row constant).
            let zero = name.hasSuffix("attention.attn.k.bias")
            let allowed = zero ? 1e-6 : max(gradTolerance * scale, 1e-7)
            #expect(ours.count == theirs.count && diff <= allowed, "grad.\(name): max difference \(diff), allowed \(allowed)")
            worst[name] = zero ? diff : diff / max(scale, 1e-30)
            compared += 1
        }
        #expect(compared > 0 && worst["encoder.relative_attention_bias.weight"] != nil)
        return worst
    }

    @Test func trainingStepMatchesTransformers() throws {
        let f = try Self.tiny()
        let worst = try Self.checkStep(f, lossTolerance: 1e-5, gradTolerance: 1e-4)
        #expect(worst.count == f.weights.count, "every parameter's gradient is compared")
    }

    /// all-mpnet-base-v2's shapes with random weights, written to Assets/reference/mpnet-base by
    /// `make_mpnet_fixtures.py --full` (≈ 450 MB, not committed).
    @Test func fullSizeMatchesTransformers() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../Assets/reference/mpnet-base").standardized
        let step = dir.appendingPathComponent("step.safetensors").path, weights = dir.appendingPathComponent("model.safetensors").path
        guard FileManager.default.fileExists(atPath: step), FileManager.default.fileExists(atPath: weights) else {
            print("MPNet full-size parity skipped: no \(dir.path) (run Scripts/reference/make_mpnet_fixtures.py --full \(dir.path))")
            return
        }
        let merged = try SafeTensorFile.read(path: step)
        let backbone = try SafeTensorFile.read(path: weights)
        var all = merged
        all.tensors.merge(backbone.tensors) { a, _ in a }
        let f = try Fixture(file: all, model: Self.model(vocab: 30527, hidden: 768, layers: 12, heads: 12, intermediate: 3072, positions: 514))
        try Self.checkEmbeddings(f, tolerance: 1e-5)
        let worst = try Self.checkStep(f, lossTolerance: 1e-5, gradTolerance: 1e-3)
        print("MPNet full-size gradients, max |Δ| / max |g|:", worst.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
}
