import Foundation
import MTSTTestSupport
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Finite differences through a whole tiny model — embeddings, fused encoder, mean pooling,
/// L2 normalization, both heads and both losses — against the compiled backward graph. With
/// dropout on, every site (hidden, attention, heads) draws its mask from the run's seed, so the
/// loss is a fixed function of the weights and finite differences apply unchanged.
struct WholeModelGradientTests {
    @Test(arguments: [(true, Float(0)), (false, 0), (false, 0.1), (true, 0.3)])
    func trainingGraphGradientsMatchFiniteDifferences(normalizedIntent: Bool, dropout: Float) throws {
        var intent = TaskHead(name: "intent", kind: .classification, dropout: dropout, labels: ["a", "b", "c"], lossWeight: 0.7)
        intent.normalizedInput = normalizedIntent
        let slots = TaskHead(name: "slots", kind: .tagging, dropout: dropout, labels: ["O", "B", "I", "X"], lossWeight: 1.3)
        let config = ModelConfig(vocabSize: 30, hidden: 8, layers: 2, heads: 2, intermediate: 12, maxPositions: 16,
                                 typeVocabSize: 2, layerNormEps: 1e-12, hiddenDropout: dropout, attentionDropout: dropout, initStd: 0.3,
                                 pooling: .mean, normalize: .l2, taskHeads: [intent, slots])
        var graph = try Lowering.lower(config, mode: .training, maxBatch: 2, maxSeq: 5)
        for i in graph.params.indices { graph.params[i].setting.lr = 1e-3 }
        let context = try Pipeline.run(&graph, mode: .training)
        let program = Program(graph: graph, arena: try #require(context.arena))
        let store = try ParamStore(params: graph.params)
        store.initialize(seed: 11)
        // Non-trivial LayerNorm gains and biases, so their gradients are exercised too.
        var rng = SplitMix64(seed: 5)
        for (i, p) in graph.params.enumerated() where p.initializer != .normal(std: config.initStd) && p.sliceOf == nil {
            for j in 0..<p.count { store.pointer(i)[j] += Float(rng.nextGaussian()) * 0.2 }
        }
        let exec = Executor(program: program, store: store, arena: try AlignedBuffer(count: program.arena.bytes / 4 + 16))
        try TokenBatch(sequences: [[2, 7, 9, 11, 3], [2, 5, 3]], rows: [0, 1]).feed(exec)
        try #require(exec.inputPointer(.labels(head: "intent"))).update(from: [2, 0], count: 2)
        try #require(exec.inputPointer(.labels(head: "slots"))).update(from: [-1, 1, 2, -1, -1, -1, 3, -1], count: 8)

        func loss() throws -> Double {
            store.zeroGrads()
            exec.run(seed: 3)
            return Double(try exec.output("loss")[0])
        }
        let first = try loss()
        #expect(try loss() == first, "the same seed must draw the same dropout masks")
        if dropout > 0 {
            store.zeroGrads()
            exec.run(seed: 4)
            #expect(Double(try exec.output("loss")[0]) != first, "another seed must draw other dropout masks")
            _ = try loss()
        }
        let grads = Array(store.grads.buffer)
        let tolerance = FiniteDifferenceTolerance(magnitude: abs(first))
        let h = FiniteDifferenceTolerance.step
        var checked = 0
        for (i, p) in graph.params.enumerated() where p.checkpointName != nil {
            let root = p.sliceOf ?? i
            let base = store.trainOffsets[root] + (p.sliceOf == nil ? 0 : p.sliceOffset)
            for j in stride(from: 0, to: p.count, by: max(1, p.count / 5)) {
                let x = store.pointer(i)[j]
                store.pointer(i)[j] = x + h
                let up = try loss()
                store.pointer(i)[j] = x - h
                let down = try loss()
                store.pointer(i)[j] = x
                let numeric = (up - down) / Double(2 * h)
                let analytic = Double(grads[base + j])
                #expect(tolerance.accepts(numeric: numeric, analytic: analytic),
                        "\(p.path)[\(j)]: numeric \(numeric) vs analytic \(analytic), allowed \(tolerance.allowed(numeric, analytic))")
                checked += 1
            }
        }
        #expect(checked > 100)
    }
}
