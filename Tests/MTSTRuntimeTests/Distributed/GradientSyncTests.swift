import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTKernels
@testable import MTSTRuntime

/// The gradient buckets' communication nodes and ZeRO stage 1, run on two ranks in one process
/// (`ThreadGroup`): every rank trains on the same synthetic batch, so the summed gradient must
/// be exactly twice the one-process gradient, and ZeRO must leave the weights where the
/// replicated optimizer puts them.
@Suite(.serialized) struct GradientSyncTests {
    static func plan(_ extra: String) throws -> Plan {
        let root = CompareRunTests.root
        let yaml = try String(contentsOfFile: "\(root)/Graphs/tiny.yaml", encoding: .utf8)
            .replacingOccurrences(of: "vocab: tiny-vocab.txt", with: "vocab: \(root)/Graphs/tiny-vocab.txt")
            .replacingOccurrences(of: "path: tiny-data/", with: "path: \(root)/Graphs/tiny-data/")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-sync-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (yaml + extra).write(toFile: "\(dir)/tiny.yaml", atomically: true, encoding: .utf8)
        return try CompileDriver.compile(specPath: "\(dir)/tiny.yaml")
    }

    static func grads(_ model: Model) -> [Float] { withExtendedLifetime(model) { Array(model.store.grads.buffer) } }

    @Test func bucketsSumEveryGradientOnce() throws {
        let plan = try Self.plan("distributed: {bucket_mb: 0.004}\n")
        #expect(GradientBuckets.list(plan.training!.graph).count > 3)
        let single = try Model(plan: plan)
        let bench = try Benchmark(model: single, batch: 4, seq: 12, train: true)
        single.training!.run(seed: 7)
        let expected = Self.grads(single).map { $0 * 2 }
        #expect(expected.contains { $0 != 0 })
        _ = bench
        let results = Results()
        try ThreadGroup(size: 2).run { rank in
            let model = try Model(plan: plan, collectives: rank)
            _ = try Benchmark(model: model, batch: 4, seq: 12, train: true)
            model.training!.run(seed: 7)
            #expect(model.gradientSync.takeFailure() == nil)
            results.set(rank.rank, Self.grads(model))
        }
        #expect(results.get(0) == expected)
        #expect(results.get(1) == expected)
    }

    /// Accumulating micro-batches leave the gradients alone until the step's last one.
    @Test func disabledNodesLeaveGradientsLocal() throws {
        let plan = try Self.plan("")
        let single = try Model(plan: plan)
        _ = try Benchmark(model: single, batch: 4, seq: 12, train: true)
        single.training!.run(seed: 3)
        let local = Self.grads(single)
        let results = Results()
        try ThreadGroup(size: 2).run { rank in
            let model = try Model(plan: plan, collectives: rank)
            _ = try Benchmark(model: model, batch: 4, seq: 12, train: true)
            model.gradientSync.enabled = false
            model.training!.run(seed: 3)
            results.set(rank.rank, Self.grads(model))
        }
        #expect(results.get(0) == local && results.get(1) == local)
    }

    @Test func zeroStageOneMatchesReplicatedOptimizer() throws {
        let replicated = try Self.plan("")
        let sharded = try Self.plan("distributed: {zero: 1}\n")
        let weights = Results(), states = Results(), zeroWeights = Results()
        let stateFloats = Results()
        let full = try Model(plan: replicated).store.grads.count
        for (plan, out) in [(replicated, weights), (sharded, zeroWeights)] {
            try ThreadGroup(size: 2).run { rank in
                let model = try Model(plan: plan, collectives: rank)
                let bench = try Benchmark(model: model, batch: 4, seq: 12, train: true)
                for _ in 0..<3 { try bench.step() }
                // The buffers' pointers are read while their owners are alive (an optimised build
                // may otherwise release the owner before the copy).
                try withExtendedLifetime(model) {
                    out.set(rank.rank, Array(model.store.values.buffer))
                    if plan.distributed?.zero == 1 {
                        stateFloats.set(rank.rank, [Float(model.store.state[0].count)])
                        let gathered = try #require(try model.optimizer.gatherState())
                        withExtendedLifetime(gathered) {
                            states.set(rank.rank, Array(gathered[0].buffer) + Array(gathered[1].buffer))
                        }
                    } else {
                        #expect(try model.optimizer.gatherState() == nil)
                        states.set(2 + rank.rank, Array(model.store.state[0].buffer) + Array(model.store.state[1].buffer))
                    }
                }
            }
        }
        // Each rank keeps about half of the moments; together all of them.
        let owned = [stateFloats.get(0), stateFloats.get(1)].map { Int($0.first ?? 0) }
        #expect(owned.allSatisfy { $0 > 0 && $0 < full } && owned.reduce(0, +) == full)
        let reference = weights.get(0)
        #expect(weights.get(1) == reference)
        #expect(zeroWeights.get(0) == zeroWeights.get(1))
        #expect(zip(zeroWeights.get(0), reference).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
        let untrained = try Model(plan: replicated)
        withExtendedLifetime(untrained) { #expect(reference != Array(untrained.store.values.buffer)) }
        #expect(zip(states.get(0), states.get(2)).allSatisfy { abs($0 - $1) <= 1e-6 * max(1e-3, abs($1)) })
        #expect(states.get(0) == states.get(1))
    }

    /// The sliced collectives in chunks smaller than a rank's slice, with chunk edges that fall
    /// inside slices (997 floats: prime, so no edge lines up with a slice boundary), leave the
    /// weights and the moments bit for bit where one call on the whole buffer leaves them.
    @Test func zeroChunksSmallerThanASliceChangeNoBit() throws {
        let sharded = try Self.plan("distributed: {zero: 1}\n")
        let full = try Model(plan: sharded).store.grads.count
        let chunk = 997
        #expect(full > 4 * chunk, "each rank's slice spans several chunks")
        var runs: [Results] = []
        for sliceChunk in [Int.max, chunk] {
            let out = Results()
            try ThreadGroup(size: 2, sliceChunk: sliceChunk).run { rank in
                let model = try Model(plan: sharded, collectives: rank)
                let bench = try Benchmark(model: model, batch: 4, seq: 12, train: true)
                for _ in 0..<3 { try bench.step() }
                try withExtendedLifetime(model) {
                    let gathered = try #require(try model.optimizer.gatherState())
                    withExtendedLifetime(gathered) {
                        out.set(rank.rank, Array(model.store.values.buffer) + Array(gathered[0].buffer) + Array(gathered[1].buffer))
                    }
                }
            }
            runs.append(out)
        }
        #expect(!runs[0].get(0).isEmpty)
        #expect(runs[1].get(0) == runs[0].get(0))
        #expect(runs[1].get(1) == runs[0].get(1))
    }

    @Test func oneProcessIgnoresZero() throws {
        let model = try Model(plan: try Self.plan("distributed: {zero: 1}\n"))
        #expect(model.optimizer.zero == nil && model.store.state[0].count == model.store.grads.count)
    }
}

/// Per-rank results written from the rank threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: [Float]] = [:]
    func set(_ rank: Int, _ v: [Float]) { lock.lock(); values[rank] = v; lock.unlock() }
    func get(_ rank: Int) -> [Float] { lock.lock(); defer { lock.unlock() }; return values[rank] ?? [] }
}
