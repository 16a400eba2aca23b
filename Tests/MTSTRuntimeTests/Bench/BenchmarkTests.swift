import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// The timing loops behind `mtstc bench`, reached without the CLI. Nothing here asserts a speed:
/// only that the loops run what they say and report numbers consistent with what they ran.
struct BenchmarkTests {
    /// The tiny spec compiled and written to a temporary plan file, as `mtstc compile -o` would.
    static func tinyPlanFile() throws -> (plan: Plan, path: String) {
        let plan = try CompileDriver.compile(specPath: InitSeedTests.tinyPath)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mtstc-bench-\(UUID().uuidString).plan").path
        try PlanCodec.write(plan, to: path)
        return (plan, path)
    }

    @Test func timedLoopRunsAtLeastTheAskedIterations() {
        var calls = 0
        let m = TimedLoop.run(iterations: 4, seconds: 0) { calls += 1 }
        #expect(calls == 4 && m.iterations == 4)
        #expect(m.seconds >= 0 && m.seconds.isFinite)
        let timed = TimedLoop.run(iterations: 1, seconds: 0.02) { calls += 1 }
        #expect(timed.seconds >= 0.02 && timed.iterations >= 1)
    }

    @Test(arguments: [false, true])
    func benchmarkMeasuresSteps(train: Bool) throws {
        let (plan, path) = try Self.tinyPlanFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bench = try Benchmark.load(planPath: path, batch: 3, seq: 8, train: train, limits: PlanLimits())
        let before = plan.params.indices.map { bench.model.store.values(of: $0) }
        let r = try bench.measure(iterations: 3, seconds: 0, profile: true)
        #expect(r.iterations == 3)
        #expect(r.seconds > 0 && r.sentencesPerSecond.isFinite && r.sentencesPerSecond > 0)
        #expect(abs(r.sentencesPerSecond - 3 * Double(r.iterations) / r.seconds) <= 1e-9 * r.sentencesPerSecond)
        #expect(r.predictedPeakBytes == Benchmark.estimate(plan, batch: 3, seq: 8, train: train)?.peak)
        #expect(r.predictedPeakBytes > 0 && r.peakRSSMegabytes > 0)
        // Profiled: every op kind that ran has a time, and the phases are the ones of the mode.
        #expect(!r.byOpKind.isEmpty && r.byOpKind.allSatisfy { $0.1 >= 0 })
        #expect(r.byOpKind.map(\.1) == r.byOpKind.map(\.1).sorted(by: >))
        #expect(r.byOpKind.contains { $0.0 == OpKind.attentionProbs.rawValue })
        let phases = r.byPhase.map(\.0)
        #expect(phases == (train ? ["forward", "backward", "optimizer"] : ["forward"]))
        // Training steps update the weights (two warm-ups and three measured); inference leaves them.
        let after = plan.params.indices.map { bench.model.store.values(of: $0) }
        #expect((before != after) == train)
    }

    @Test func benchmarkNamesThePlanWhenSizesDoNotFit() throws {
        let (plan, path) = try Self.tinyPlanFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let maxBatch = plan.inference.graph.maxBatch
        let error = #expect(throws: RuntimeError.self) {
            try Benchmark.load(planPath: path, batch: maxBatch + 1, seq: 8, train: false, limits: PlanLimits())
        }
        #expect(error?.description == "\(path): batch \(maxBatch + 1)×8 exceeds the plan's maximum \(maxBatch)×\(plan.inference.graph.maxSeq); raise compile.max_batch / max_seq in the spec")
        let maxSeq = plan.training?.graph.maxSeq ?? 0
        let seq = #expect(throws: RuntimeError.self) {
            try Benchmark.load(planPath: path, batch: 1, seq: maxSeq + 1, train: true, limits: PlanLimits())
        }
        #expect(seq?.description.hasPrefix("\(path): batch 1×\(maxSeq + 1) exceeds the plan's maximum ") == true)
        // What the plan reader refuses keeps its own message, which names the plan already.
        let memory = #expect(throws: PlanError.self) {
            try Benchmark.load(planPath: path, batch: 2, seq: 8, train: true, limits: PlanLimits(maxMemory: 1024))
        }
        #expect(memory?.description.hasPrefix("\(path): unsafe plan: it needs ") == true)
    }

    @Test func gemmShapesParse() {
        #expect(GemmBench.parse("3,4,5") == GemmBench.Shape(m: 3, n: 4, k: 5, transA: false, transB: true))
        #expect(GemmBench.parse("3,4,5,TN") == GemmBench.Shape(m: 3, n: 4, k: 5, transA: true, transB: false))
        for bad in ["3,4", "3,4,5,6", "0,4,5", "3,4,5,NX", "3,4,5,N", "4000000000,1,1", "a,b,c"] {
            #expect(GemmBench.parse(bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: ["16,24,8", "16,24,8,TN", "16,24,8,TT", "16,24,8,NN"])
    func gemmRateIsPositive(shape: String) throws {
        let s = try #require(GemmBench.parse(shape))
        let rate = try GemmBench.gflops(s, seconds: 0, limits: PlanLimits())
        #expect(rate.isFinite && rate > 0)
    }

    @Test func gemmRefusesMatricesOverTheMemoryLimit() {
        let error = #expect(throws: BenchError.self) {
            try GemmBench.gflops(GemmBench.Shape(m: 1000, n: 1000, k: 1000), seconds: 0, limits: PlanLimits(maxMemory: 1 << 20))
        }
        #expect(error?.description.contains("A, B and C of 1000×1000, 1000×1000, 1000×1000 floats") == true)
    }
}
