import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// DistilBERT against transformers' `DistilBertModel` on seeded random weights
/// (Scripts/reference/make_distilbert_fixtures.py): sentence embeddings in the packed and the
/// padded layout, one training step's losses and gradients through the fused backward graph,
/// and the AdamW update — the same checks as `TorchGradientParityTests` does for BERT.
struct DistilBERTParityTests {
    static let fullFolder = DataTestSupport.assetPath("reference/distilbert-base")

    static func model(vocab: Int = 65, hidden: Int = 16, layers: Int = 2, heads: Int = 2, intermediate: Int = 32,
                      maxPositions: Int = 64) -> ModelConfig {
        let intent = TaskHead(name: "intent", kind: .classification, dropout: 0, labels: ["a", "b", "c"], lossWeight: 1)
        let slots = TaskHead(name: "slots", kind: .tagging, dropout: 0, labels: ["O", "B-x", "I-x", "B-y", "I-y"], lossWeight: 1)
        return ModelConfig(architecture: DistilBERT.name, vocabSize: vocab, hidden: hidden, layers: layers, heads: heads,
                           intermediate: intermediate, maxPositions: maxPositions, typeVocabSize: 0, layerNormEps: 1e-12,
                           hiddenDropout: 0, attentionDropout: 0, initStd: 0.02, pooling: .mean, normalize: .l2,
                           taskHeads: [intent, slots])
    }

    /// A compiled program with the fixture's weights loaded through DistilBERT's checkpoint names.
    static func executor(_ m: ModelConfig, mode: Lowering.Mode, batch: Int, seq: Int, weights: SafeTensorFile)
        throws -> (Executor, ParamStore, Graph, PassContext) {
        var graph = try Lowering.lower(m, mode: mode, maxBatch: batch, maxSeq: seq)
        for i in graph.params.indices {
            graph.params[i].setting.lr = 1e-3
            graph.params[i].setting.weightDecay = 0.01
        }
        let context = try Pipeline.run(&graph, mode: mode)
        let program = Program(graph: graph, arena: try #require(context.arena))
        // The training test takes one AdamW step: the store holds its state buffers (m, v).
        let store = try ParamStore(params: graph.params, optimizerState: mode == .training ? OptimizerMethod.adamwDefaults.stateNames : [])
        let tensors = weights.tensors.filter { !["input", "loss", "grad", "after", "expected"].contains(String($0.key.split(separator: ".")[0])) }
        try store.load(tensors: tensors.mapValues { ($0.shape, $0.data) }, file: weights.path, backbone: DistilBERT.self, requireHeads: true)
        let exec = Executor(program: program, store: store, arena: try AlignedBuffer(count: program.arena.bytes / 4 + 16))
        return (exec, store, graph, context)
    }

    static func sequences(_ file: SafeTensorFile) throws -> [[Int32]] {
        let ids = try file.tensor("input.ids"), mask = try file.tensor("input.mask").data
        let (batch, seq) = (ids.shape[0], ids.shape[1])
        return (0..<batch).map { b in (0..<seq).filter { mask[b * seq + $0] > 0 }.map { Int32(ids.data[b * seq + $0]) } }
    }

    /// Sentences padded to the longest and masked, instead of packed token rows.
    static func feedPadded(_ exec: Executor, _ sequences: [[Int32]]) throws {
        let batch = sequences.count, seq = sequences.map(\.count).max() ?? 1
        try exec.setShape(batch: batch, seq: seq)
        #expect(exec.inputPointer(.tokenTypes) == nil, "DistilBERT reads no token types")
        let ids = try #require(exec.inputPointer(.tokenIds)), mask = try #require(exec.inputPointer(.mask))
        let positions = try #require(exec.inputPointer(.positions))
        for b in 0..<batch {
            for t in 0..<seq {
                let real = t < sequences[b].count
                ids[b * seq + t] = real ? Float(sequences[b][t]) : 0
                mask[b * seq + t] = real ? 1 : 0
                positions[b * seq + t] = Float(t)
            }
        }
    }

    /// Sentence embeddings of both layouts against `expected.embedding`, absolutely.
    static func checkEmbeddings(_ m: ModelConfig, _ weights: SafeTensorFile, expected: SafeTensorFile, tolerance: Float) throws {
        let sequences = try sequences(expected)
        let want = try expected.tensor("expected.embedding").data
        let (exec, _, _, context) = try executor(m, mode: .inference, batch: sequences.count,
                                                 seq: sequences.map(\.count).max() ?? 1, weights: weights)
        #expect(context.fusions["qkv"] == m.layers && context.fusions["bias_gelu"] == m.layers
                && context.fusions["skip_layernorm"] == 2 * m.layers, "fusions: \(context.fusions)")
        for layout in ["packed", "padded"] {
            if layout == "packed" {
                try TokenBatch(sequences: sequences, rows: Array(sequences.indices)).feed(exec)
            } else {
                try feedPadded(exec, sequences)
            }
            exec.run()
            let got = Array(try exec.output("embedding"))
            let worst = zip(got, want).map { abs($0 - $1) }.max() ?? .infinity
            #expect(got.count == want.count && worst <= tolerance, "\(layout): max |Δ| \(worst)")
        }
    }

    static func fixture() throws -> SafeTensorFile {
        let url = try #require(Bundle.module.url(forResource: "distilbert_step", withExtension: "safetensors", subdirectory: "Fixtures"))
        return try SafeTensorFile.read(path: url.path)
    }

    @Test func embeddingsMatchTransformers() throws {
        let file = try Self.fixture()
        try Self.checkEmbeddings(Self.model(), file, expected: file, tolerance: 1e-5)
    }

    @Test func oneTrainingStepMatchesPyTorch() throws {
        let file = try Self.fixture()
        let sequences = try Self.sequences(file)
        let (exec, store, graph, context) = try Self.executor(Self.model(), mode: .training, batch: 3, seq: 7, weights: file)
        #expect(context.fusions["qkv"] == 2)
        try TokenBatch(sequences: sequences, rows: [0, 1, 2]).feed(exec)
        let slots = try file.tensor("input.slots").data
        try #require(exec.inputPointer(.labels(head: "intent"))).update(from: try file.tensor("input.intent").data, count: 3)
        let packedSlots = sequences.indices.flatMap { b in slots[(b * 7)..<(b * 7 + sequences[b].count)] }
        try #require(exec.inputPointer(.labels(head: "slots"))).update(from: packedSlots, count: packedSlots.count)
        exec.run(seed: 1)
        for (output, name) in [("loss", "loss.total"), ("loss.intent", "loss.intent"), ("loss.slots", "loss.slots")] {
            let ours = try exec.output(output)[0], theirs = try file.tensor(name).data[0]
            #expect(abs(ours - theirs) <= 1e-5 * max(1, abs(theirs)), "\(name): \(ours) vs \(theirs)")
        }

        // Softmax ignores a constant per row, so the key bias has no gradient: compare absolutely.
        let zeroGrad = Set((0..<2).map { "transformer.layer.\($0).attention.k_lin.bias" })
        var compared = 0
        for (i, p) in graph.params.enumerated() {
            guard let name = p.checkpointName else { continue }
            let root = p.sliceOf ?? i
            let offset = store.trainOffsets[root] + (p.sliceOf == nil ? 0 : p.sliceOffset)
            let grad = Array(UnsafeBufferPointer(start: store.grads.pointer + offset, count: p.count))
            expectParity(grad, try file.tensor("grad." + name).data, "grad." + name, absolute: zeroGrad.contains(name) ? 1e-6 : nil)
            compared += 1
        }
        #expect(compared == file.tensors.keys.filter { $0.hasPrefix("grad.") }.count, "every gradient of the fixture is checked")

        let update = try ProgramBuilder.updateProgram(params: graph.params, method: .adamw(beta1: 0.9, beta2: 0.999, eps: 1e-8), clipNorm: 0,
                                                     updated: OptimizerLowering.parametersWithGradients(graph))
        let optimizer = try Optimizer(store: store, config: OptimizerConfig(), program: update)
        try optimizer.step(lrFactor: 1, epoch: 0)
        // One AdamW step moves a weight by about lr = 1e-3 (g/(|g|+eps) ≈ ±1); 2e-6 is 0.2 % of
        // that step. The key projections' gradients are the smallest (softmax is nearly
        // shift-invariant along them), so their float32 rounding shows most: 1.1e-6 here.
        for (i, p) in graph.params.enumerated() {
            guard let name = p.checkpointName else { continue }
            expectParity(store.values(of: i), try file.tensor("after." + name).data, "after." + name,
                    absolute: zeroGrad.contains(name) ? 1e-5 : 2e-6)
        }
    }

    /// distilbert-base-uncased shapes with random weights; the weights are 265 MB, so they live in
    /// the git-ignored Assets/reference/ (run make_distilbert_fixtures.py to make them).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: fullFolder + "/model.safetensors"),
                   "Assets/reference/distilbert-base is absent: run Scripts/reference/make_distilbert_fixtures.py"))
    func fullSizeMatchesTransformers() throws {
        let weights = try SafeTensorFile.read(path: Self.fullFolder + "/model.safetensors")
        let expected = try SafeTensorFile.read(path: Self.fullFolder + "/expected.safetensors")
        let m = Self.model(vocab: 30522, hidden: 768, layers: 6, heads: 12, intermediate: 3072, maxPositions: 512)
        try Self.checkEmbeddings(m, weights, expected: expected, tolerance: 1e-5)

        let sequences = try Self.sequences(expected)
        let seq = sequences.map(\.count).max() ?? 1
        let (exec, store, graph, _) = try Self.executor(m, mode: .training, batch: sequences.count, seq: seq, weights: weights)
        try TokenBatch(sequences: sequences, rows: Array(sequences.indices)).feed(exec)
        let slots = try expected.tensor("input.slots").data
        try #require(exec.inputPointer(.labels(head: "intent"))).update(from: try expected.tensor("input.intent").data, count: sequences.count)
        let packedSlots = sequences.indices.flatMap { b in slots[(b * seq)..<(b * seq + sequences[b].count)] }
        try #require(exec.inputPointer(.labels(head: "slots"))).update(from: packedSlots, count: packedSlots.count)
        exec.run(seed: 1)
        let ours = try exec.output("loss")[0], theirs = try expected.tensor("loss.total").data[0]
        #expect(abs(ours - theirs) <= 1e-5 * max(1, abs(theirs)), "loss: \(ours) vs \(theirs)")
        for (name, t) in expected.tensors where name.hasPrefix("grad.") {
            let param = String(name.dropFirst("grad.".count))
            let i = try #require(graph.params.firstIndex { $0.checkpointName == param })
            let p = graph.params[i], root = p.sliceOf ?? i
            let offset = store.trainOffsets[root] + (p.sliceOf == nil ? 0 : p.sliceOffset)
            let grad = Array(UnsafeBufferPointer(start: store.grads.pointer + offset, count: p.count))
            let scale = t.data.map(abs).max() ?? 0
            let worst = zip(grad, t.data).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= max(1e-3 * scale, 1e-7), "\(name): max difference \(worst) (scale \(scale))")
        }
    }
}
