import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// The contrastive head against sentence-transformers' MultipleNegativesRankingLoss (scale 20) on
/// a tiny random BERT (fixture from Scripts/reference/make_contrastive_fixture.py): the loss and
/// every parameter's gradient through the generated, fused backward graph, fed as the trainer
/// feeds a pairs batch (anchors, then positives, packed rows).
struct ContrastiveParityTests {
    static let pairs = 4

    static func model(scale: Float = 20) -> ModelConfig {
        var head = TaskHead(name: "pairs", kind: .contrastive, dropout: 0, labels: [], lossWeight: 1)
        head.scale = scale
        return ModelConfig(vocabSize: 65, hidden: 16, layers: 2, heads: 2, intermediate: 32, maxPositions: 64, typeVocabSize: 2,
                           layerNormEps: 1e-12, hiddenDropout: 0, attentionDropout: 0, initStd: 0.02, pooling: .mean,
                           normalize: .l2, taskHeads: [head])
    }

    /// The fixture's pairs as encoded examples, and a training executor loaded with its weights.
    static func setUp() throws -> (SafeTensorFile, [ParamEntry], ParamStore, Executor, [EncodedExample]) {
        let url = try #require(Bundle.module.url(forResource: "contrastive_step", withExtension: "safetensors", subdirectory: "Fixtures"))
        let file = try SafeTensorFile.read(path: url.path)
        var graph = try Lowering.lower(model(), mode: .training, maxBatch: 2 * pairs, maxSeq: 7)
        for i in graph.params.indices { graph.params[i].setting.lr = 1e-3 }
        let context = try Pipeline.run(&graph, mode: .training)
        let program = Program(graph: graph, arena: try #require(context.arena))
        let store = try ParamStore(params: graph.params)
        let weights = file.tensors.filter { !["input", "loss", "grad"].contains(String($0.key.split(separator: ".")[0])) }
        try store.load(tensors: weights.mapValues { ($0.shape, $0.data) }, file: "contrastive_step.safetensors", backbone: BERT.self, requireHeads: true)
        let exec = Executor(program: program, store: store, arena: try AlignedBuffer(count: program.arena.bytes / 4 + 16))
        let ids = try file.tensor("input.ids").data, mask = try file.tensor("input.mask").data
        let rows = (0..<(2 * pairs)).map { b in (0..<7).filter { mask[b * 7 + $0] == 1 }.map { Int32(ids[b * 7 + $0]) } }
        let examples = (0..<pairs).map { i in
            EncodedExample(ids: rows[i], firstPiece: [], labels: [[]], positive: rows[pairs + i], pairHead: 0)
        }
        return (file, graph.params, store, exec, examples)
    }

    @Test func lossAndGradientsMatchSentenceTransformers() throws {
        let (file, params, store, exec, examples) = try Self.setUp()
        try exec.feed(examples, heads: Self.model().taskHeads)
        exec.run(seed: 1)
        let ours = try exec.output("loss")[0], theirs = try file.tensor("loss.total").data[0]
        #expect(abs(ours - theirs) <= 1e-5 * max(1, abs(theirs)), "loss: \(ours) vs \(theirs)")
        var compared = 0
        for (i, p) in params.enumerated() {
            guard let name = p.checkpointName else { continue }
            let root = p.sliceOf ?? i
            let offset = store.trainOffsets[root] + (p.sliceOf == nil ? 0 : p.sliceOffset)
            let grad = Array(UnsafeBufferPointer(start: store.grads.pointer + offset, count: p.count))
            let expected = try file.tensor("grad." + name).data
            let scale = expected.map(abs).max() ?? 0
            // Softmax ignores a constant per row, so the key biases' exact gradient is 0.
            let tolerance = name.hasSuffix("key.bias") ? 1e-6 : max(1e-3 * scale, 1e-7)
            let worst = zip(grad, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(grad.count == expected.count && worst <= tolerance, "grad.\(name): max difference \(worst), tolerance \(tolerance)")
            compared += 1
        }
        #expect(compared == 37)  // every backbone tensor, with the packed QKV's slices
    }

    /// The same batch fed to a contrastive head as sentences (no pairs) trains nothing: the loss
    /// and the gradients are 0, as on the batches of another task in joint training.
    @Test func sentenceBatchesGiveTheContrastiveHeadNoLoss() throws {
        let (_, _, store, exec, examples) = try Self.setUp()
        let sentences = examples.map { EncodedExample(ids: $0.ids, firstPiece: [], labels: [[]]) }
        try exec.feed(sentences, heads: Self.model().taskHeads)
        exec.run(seed: 1)
        #expect(try exec.output("loss")[0] == 0)
        #expect(Array(store.grads.buffer).allSatisfy { $0 == 0 })
    }
}
