import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// One training step of a tiny random BERT with both heads, against PyTorch + transformers
/// (fixture from Scripts/reference/make_grad_fixture.py): losses, every parameter gradient
/// through the generated and fused backward graph, and the weights after one AdamW step.
struct TorchGradientParityTests {
    static func fixture() throws -> SafeTensorFile {
        let url = try #require(Bundle.module.url(forResource: "grad_step", withExtension: "safetensors", subdirectory: "Fixtures"))
        return try SafeTensorFile.read(path: url.path)
    }

    static func model() -> ModelConfig {
        var intent = TaskHead(name: "intent", kind: .classification, dropout: 0, labels: ["a", "b", "c"], lossWeight: 1)
        intent.normalizedInput = true
        let slots = TaskHead(name: "slots", kind: .tagging, dropout: 0, labels: ["O", "B-x", "I-x", "B-y", "I-y"], lossWeight: 1)
        return ModelConfig(vocabSize: 65, hidden: 16, layers: 2, heads: 2, intermediate: 32, maxPositions: 64, typeVocabSize: 2,
                           layerNormEps: 1e-12, hiddenDropout: 0, attentionDropout: 0, initStd: 0.02, pooling: .mean,
                           normalize: .l2, taskHeads: [intent, slots])
    }

    @Test func oneTrainingStepMatchesPyTorch() throws {
        let file = try Self.fixture()
        var graph = try Lowering.lower(Self.model(), mode: .training, maxBatch: 3, maxSeq: 7)
        for i in graph.params.indices {
            graph.params[i].setting.lr = 1e-3
            graph.params[i].setting.weightDecay = 0.01
        }
        let context = try Pipeline.run(&graph, mode: .training)
        #expect(context.fusions["qkv"] == 2)  // the packed path is the one under test
        let program = Program(graph: graph, arena: try #require(context.arena))
        let store = try ParamStore(params: graph.params, optimizerState: OptimizerMethod.adamwDefaults.stateNames)
        let weights = file.tensors.filter { !$0.key.contains(".") || !["input", "loss", "grad", "after"].contains(String($0.key.split(separator: ".")[0])) }
        try store.load(tensors: weights.mapValues { ($0.shape, $0.data) }, file: "grad_step.safetensors", backbone: BERT.self, requireHeads: true)
        let exec = Executor(program: program, store: store, arena: try AlignedBuffer(count: program.arena.bytes / 4 + 16))

        let ids = try file.tensor("input.ids").data, mask = try file.tensor("input.mask").data
        let lengths = (0..<3).map { b in Int((0..<7).reduce(Float(0)) { $0 + mask[b * 7 + $1] }) }
        let sequences = (0..<3).map { b in (0..<lengths[b]).map { Int32(ids[b * 7 + $0]) } }
        try TokenBatch(sequences: sequences, rows: [0, 1, 2]).feed(exec)
        #expect(exec.seq == 7)
        let intent = try file.tensor("input.intent").data, slots = try file.tensor("input.slots").data
        try #require(exec.inputPointer(.labels(head: "intent"))).update(from: intent, count: 3)
        // Token rows are packed: sentence b's slot labels follow sentence b−1's, no padding.
        let packedSlots = (0..<3).flatMap { b in slots[(b * 7)..<(b * 7 + lengths[b])] }
        #expect(exec.tokens == lengths.reduce(0, +))
        try #require(exec.inputPointer(.labels(head: "slots"))).update(from: packedSlots, count: packedSlots.count)
        exec.run(seed: 1)

        for (output, name) in [("loss", "loss.total"), ("loss.intent", "loss.intent"), ("loss.slots", "loss.slots")] {
            let ours = try exec.output(output)[0], theirs = try file.tensor(name).data[0]
            #expect(abs(ours - theirs) <= 1e-5 * max(1, abs(theirs)), "\(name): \(ours) vs \(theirs)")
        }

        // Softmax ignores a constant per row, so the key bias has no gradient: compare absolutely.
        let zeroGrad = Set(["encoder.layer.0.attention.self.key.bias", "encoder.layer.1.attention.self.key.bias"])
        for (i, p) in graph.params.enumerated() {
            guard let name = p.checkpointName else { continue }
            let root = p.sliceOf ?? i
            let offset = store.trainOffsets[root] + (p.sliceOf == nil ? 0 : p.sliceOffset)
            let grad = Array(UnsafeBufferPointer(start: store.grads.pointer + offset, count: p.count))
            expectParity(grad, try file.tensor("grad." + name).data, "grad." + name, absolute: zeroGrad.contains(name) ? 1e-6 : nil)
        }

        let update = try ProgramBuilder.updateProgram(params: graph.params, method: .adamw(beta1: 0.9, beta2: 0.999, eps: 1e-8), clipNorm: 0,
                                                     updated: OptimizerLowering.parametersWithGradients(graph))
        #expect(update.graph.count(of: .adamw) == graph.params.filter { $0.sliceOf == nil }.count)
        let optimizer = try Optimizer(store: store, config: OptimizerConfig(), program: update)
        try optimizer.step(lrFactor: 1, epoch: 0)
        #expect(Array(store.grads.buffer).allSatisfy { $0 == 0 }, "the optimizer clears the gradients")
        for (i, p) in graph.params.enumerated() {
            guard let name = p.checkpointName else { continue }
            expectParity(store.values(of: i), try file.tensor("after." + name).data, "after." + name,
                    absolute: zeroGrad.contains(name) ? 1e-5 : 1e-6)
        }
    }
}
