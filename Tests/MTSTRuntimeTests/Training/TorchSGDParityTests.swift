import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Two SGD-with-momentum steps of the tiny BERT against torch.optim.SGD (fixture from
/// Scripts/reference/make_sgd_fixture.py): the optimizer seam carries a second method with its
/// own state (one velocity buffer) through the same plan, executor and update program.
struct TorchSGDParityTests {
    static let method = OptimizerMethod.sgd(momentum: 0.9)

    @Test func twoStepsMatchPyTorch() throws {
        let url = try #require(Bundle.module.url(forResource: "sgd_steps", withExtension: "safetensors", subdirectory: "Fixtures"))
        let file = try SafeTensorFile.read(path: url.path)
        var graph = try Lowering.lower(TorchGradientParityTests.model(), mode: .training, maxBatch: 3, maxSeq: 7)
        for i in graph.params.indices {
            graph.params[i].setting = ParamSetting(lr: 0.05, weightDecay: 0.01)
        }
        let context = try Pipeline.run(&graph, mode: .training)
        let program = Program(graph: graph, arena: try #require(context.arena))
        let store = try ParamStore(params: graph.params, optimizerState: Self.method.stateNames)
        #expect(store.stateNames == ["velocity"])
        let weights = file.tensors.filter { !["input", "step1", "step2"].contains(String($0.key.split(separator: ".")[0])) }
        try store.load(tensors: weights.mapValues { ($0.shape, $0.data) }, file: "sgd_steps.safetensors", backbone: BERT.self, requireHeads: true)
        let exec = Executor(program: program, store: store, arena: try AlignedBuffer(count: program.arena.bytes / 4 + 16))
        let update = try ProgramBuilder.updateProgram(params: graph.params, method: Self.method, clipNorm: 0,
                                                     updated: OptimizerLowering.parametersWithGradients(graph))
        #expect(update.graph.count(of: .sgd) == graph.params.filter { $0.sliceOf == nil }.count)
        #expect(update.graph.count(of: .adamw) == 0 && update.graph.count(of: .paramState) == update.graph.count(of: .sgd))
        let optimizer = try Optimizer(store: store, config: OptimizerConfig(method: Self.method), program: update)

        let ids = try file.tensor("input.ids").data, mask = try file.tensor("input.mask").data
        let lengths = (0..<3).map { b in Int((0..<7).reduce(Float(0)) { $0 + mask[b * 7 + $1] }) }
        let sequences = (0..<3).map { b in (0..<lengths[b]).map { Int32(ids[b * 7 + $0]) } }
        let intent = try file.tensor("input.intent").data, slots = try file.tensor("input.slots").data
        let packedSlots = (0..<3).flatMap { b in slots[(b * 7)..<(b * 7 + lengths[b])] }
        for step in 1...2 {
            try TokenBatch(sequences: sequences, rows: [0, 1, 2]).feed(exec)
            try #require(exec.inputPointer(.labels(head: "intent"))).update(from: intent, count: 3)
            try #require(exec.inputPointer(.labels(head: "slots"))).update(from: packedSlots, count: packedSlots.count)
            exec.run(seed: 1)
            try optimizer.step(lrFactor: 1, epoch: 0)
            #expect(optimizer.updateCounts.max() == step)
            for (i, p) in graph.params.enumerated() {
                guard let name = p.checkpointName else { continue }
                let ours = store.values(of: i), theirs = try file.tensor("step\(step)." + name).data
                let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? 0
                // SGD has no g/(|g|+eps) amplification, so even the key bias's noise-only
                // gradient moves it by ~1e-12: one tolerance for every tensor.
                #expect(ours.count == theirs.count && worst <= 2e-6, "step \(step) \(name): max difference \(worst)")
            }
        }
    }
}
