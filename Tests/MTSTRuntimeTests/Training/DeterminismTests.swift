import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Training is bitwise reproducible at a fixed core count: the worker pool hands chunks to
/// whichever thread is free, but every chunk owns fixed rows and every reduction adds its
/// partial sums in chunk order, so which thread ran what never changes a result. Real MiniLM
/// shapes, so the parallel paths (split GEMMs, parallel LayerNorm, AdamW) all run.
struct DeterminismTests {
    @Test(.enabled(if: EmbeddingParityTests.assetsPresent, "Assets/ missing: run Scripts/fetch-assets.sh"))
    func twoTrainingRunsAreBitwiseIdentical() throws {
        let plan = try StrategyTests.compile("Graphs/multitask.yaml")
        var rng = SplitMix64(seed: 3)
        let sequences: [[Int32]] = (0..<8).map { b in
            [101] + (0..<(6 + 3 * b)).map { _ in Int32(1000 + rng.next() % 20000) } + [102]
        }
        let heads = plan.model.taskHeads
        func train() throws -> (losses: [Float], weights: [[Float]]) {
            let model = try Model(plan: plan, verifyChecksums: false)
            let training = try #require(model.training)
            let batch = TokenBatch(sequences: sequences, rows: Array(sequences.indices))
            var losses: [Float] = []
            for step in 0..<3 {
                try batch.feed(training)
                for h in heads {
                    let count = h.kind == .classification ? batch.batch : batch.tokens
                    let labels = (0..<count).map { Float(($0 * 7 + step) % h.labels.count) }
                    try #require(training.inputPointer(.labels(head: h.name))).update(from: labels, count: count)
                }
                try model.trainStep(seed: UInt64(step))
                losses.append(try training.output("loss")[0])
            }
            return (losses, plan.params.indices.map { model.store.values(of: $0) })
        }
        let first = try train(), second = try train()
        #expect(first.losses.allSatisfy { $0.isFinite })
        #expect(first.losses.map(\.bitPattern) == second.losses.map(\.bitPattern))
        let differing = plan.params.indices.filter { first.weights[$0].map(\.bitPattern) != second.weights[$0].map(\.bitPattern) }
        #expect(differing.isEmpty, "parameters that differ between two identical runs: \(differing.map { plan.params[$0].path })")
    }
}
