import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// Gradual unfreezing as one training program per phase (Graphs/tiny-distilbert.yaml: embeddings
/// frozen, layer 1 from epoch 1, layer 0 from epoch 2, layer 2 and the heads from the start).
@Suite(.serialized) struct PhasedTrainingTests {
    static let specPath = DistilBERTStrategyTests.specPath

    static func plan() throws -> Plan {
        try CompileDriver.compile(specPath: specPath)
    }

    /// The plan as main compiled it: the full backward pass in every epoch, the optimizer
    /// skipping what does not train yet.
    static func unphased(_ plan: Plan) -> Plan {
        var p = plan
        p.phases = nil
        p.stats.phases = nil
        return p
    }

    static func gradients(_ program: Program) -> Set<String> {
        Set(OptimizerLowering.parametersWithGradients(program.graph).map { program.graph.params[$0].path })
    }

    @Test func onePhasePerDistinctFirstEpoch() throws {
        let plan = try Self.plan()
        let phases = plan.trainingPhases
        #expect(phases.map(\.fromEpoch) == [0, 1, 2])
        #expect(plan.phases?.lastFromEpoch == 2 && plan.phases?.early.count == 2)
        // The last phase is the full training program; earlier ones stop above the waiting layers.
        let stats = try #require(plan.stats.phases)
        #expect(stats.map(\.fromEpoch) == [0, 1, 2])
        #expect(stats[2].backwardOps == plan.stats.backwardOps && stats[2].arenaBytesTrain == plan.stats.arenaBytesTrain)
        #expect(stats[0].backwardOps < stats[1].backwardOps && stats[1].backwardOps < stats[2].backwardOps)
        #expect(stats[0].arenaBytesTrain <= stats[1].arenaBytesTrain && stats[1].arenaBytesTrain <= stats[2].arenaBytesTrain)
        for (k, phase) in phases.enumerated() {
            let counted = phase.program.graph.nodes.filter { $0.phase == .backward && !$0.kind.def.isSource && !$0.kind.def.isCommunication }.count
            #expect(counted == stats[k].backwardOps)
            // Exactly the parameters that train in the phase get a gradient.
            let expected = Set(plan.params.enumerated().filter { i, p in
                p.sliceOf == nil && p.setting.trains(inEpoch: phase.fromEpoch) && OptimizerLowering.parametersWithGradients(plan.training!.graph).contains(i)
            }.map(\.1.path))
            #expect(Self.gradients(phase.program) == expected, "phase \(k)")
        }
        #expect(!Self.gradients(phases[0].program).contains { $0.hasPrefix("backbone.layers[1].") || $0.hasPrefix("backbone.layers[0].") })
        #expect(Self.gradients(phases[1].program).contains("backbone.layers[1].ffn.output.weight"))
        #expect(!Self.gradients(phases[1].program).contains { $0.hasPrefix("backbone.layers[0].") })
        #expect(Self.gradients(phases[2].program).contains("backbone.layers[0].ffn.output.weight"))
        // Phase 0 trains nothing below layer 2, so it needs no activation gradient below it either.
        let backward = { (k: Int, layer: Int) in
            phases[k].program.graph.nodes.contains { $0.phase == .backward && $0.name.hasPrefix("grad.backbone.layers[\(layer)].") }
        }
        #expect(backward(0, 2) && !backward(0, 1) && !backward(0, 0))
        #expect(backward(1, 1) && !backward(1, 0) && backward(2, 0))
        #expect(plan.trainingPhase(epoch: 0) == 0 && plan.trainingPhase(epoch: 1) == 1 && plan.trainingPhase(epoch: 7) == 2)
    }

    /// Without gradual unfreezing nothing changes: one phase, and nothing about phases in the payload.
    @Test func specWithoutGradualUnfreezingHasOnePhase() throws {
        let plan = try PlanRoundTripTests.tinyPlan()
        #expect(plan.phases == nil && plan.stats.phases == nil)
        #expect(plan.trainingPhases.count == 1 && plan.trainingPhases[0].fromEpoch == 0)
        let payload = String(decoding: try PlanCodec.encode(plan).dropFirst(PlanCodec.headerSize), as: UTF8.self)
        #expect(!payload.contains("\"phases\""))
        let model = try Model(plan: plan)
        #expect(model.trainingExecutor(epoch: 5) === model.training)
    }

    /// A phase in which nothing trains yet keeps the forward pass and the loss, with no backward.
    @Test func phaseWithNothingToTrainHasNoBackward() throws {
        var yaml = try String(contentsOfFile: Self.specPath, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "    - params: heads.slots.*\n      lr_scale: 2.0\n",
                                         with: "    - params: backbone.layers[2].*\n      frozen_until_epoch: 1\n    - params: heads.*\n      frozen_until_epoch: 1\n")
        let plan = try CompileDriver.compile(spec: try Spec.parse(yaml: yaml, path: Self.specPath))
        #expect(plan.trainingPhases.map(\.fromEpoch) == [0, 1, 2])
        let first = plan.trainingPhases[0].program
        #expect(plan.stats.phases?[0].backwardOps == 0 && first.graph.outputs["loss"] != nil)
        #expect(Self.gradients(first).isEmpty)
    }

    /// Training with phases gives the weights and optimizer state of the full backward pass with
    /// the gradient thrown away, across both phase boundaries.
    @Test func phasedTrainingEqualsFullBackwardAndDiscard() throws {
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plan = try Self.plan()
        let phased = try TrainerResumeTests.trainer(dir.appendingPathComponent("phased"), plan: plan)
        let full = try TrainerResumeTests.trainer(dir.appendingPathComponent("full"), plan: Self.unphased(plan))
        let initial = plan.params.indices.map { phased.model.store.values(of: $0) }
        #expect(try phased.run(epochs: 3) == .finished)
        #expect(try full.run(epochs: 3) == .finished)
        for (i, p) in plan.params.enumerated() {
            #expect(phased.model.store.values(of: i) == full.model.store.values(of: i), "\(p.path)")
        }
        #expect(phased.model.optimizer.updateCounts == full.model.optimizer.updateCounts)
        // Every parameter that ever trains moved; layer 0 only had epoch 2 (4 updates).
        for (i, p) in plan.params.enumerated() where p.sliceOf == nil && p.checkpointName != nil {
            #expect((phased.model.store.values(of: i) != initial[i]) == p.setting.trains, "\(p.path)")
        }
        let layer0 = try #require(plan.params.firstIndex { $0.path == "backbone.layers[0].ffn.output.weight" })
        let layer1 = try #require(plan.params.firstIndex { $0.path == "backbone.layers[1].ffn.output.weight" })
        #expect(phased.model.optimizer.updateCounts[layer0] == 4 && phased.model.optimizer.updateCounts[layer1] == 8)
        let a = try Data(contentsOf: dir.appendingPathComponent("phased/predictions.jsonl"))
        #expect(a == (try Data(contentsOf: dir.appendingPathComponent("full/predictions.jsonl"))))
    }

    /// The trainer runs each epoch's phase program: stepping phase 0 alone moves only what trains
    /// from epoch 0, and the executor of every epoch is its phase's.
    @Test func epochsPickTheirPhase() throws {
        let plan = try Self.plan()
        let model = try Model(plan: plan)
        #expect(model.phaseExecutors.count == 3 && model.phaseExecutors[2] === model.training)
        #expect(model.trainingExecutor(epoch: 0) === model.phaseExecutors[0])
        #expect(model.trainingExecutor(epoch: 1) === model.phaseExecutors[1])
        #expect(model.trainingExecutor(epoch: 2) === model.training && model.trainingExecutor(epoch: 9) === model.training)
        for (k, e) in model.phaseExecutors.enumerated() { #expect(e.program.graph.nodes.count == plan.trainingPhases[k].program.graph.nodes.count) }
    }

    /// `bench --train --phase 0` times phase 0's program and steps as in epoch 0.
    @Test func benchmarkOfPhaseZeroMovesOnlyWhatTrainsFromTheStart() throws {
        let plan = try Self.plan()
        let bench = try Benchmark(model: try Model(plan: plan), batch: 4, seq: 8, train: true, phase: 0)
        #expect(bench.executors[0] === bench.model.phaseExecutors[0])
        let before = plan.params.indices.map { bench.model.store.values(of: $0) }
        try bench.step()
        for (i, p) in plan.params.enumerated() where p.sliceOf == nil && p.checkpointName != nil {
            let moved = bench.model.store.values(of: i) != before[i]
            #expect(moved == p.setting.trains(inEpoch: 0), "\(p.path)")
        }
        #expect(throws: BenchError.self) { try Benchmark(model: try Model(plan: plan), batch: 4, seq: 8, train: true, phase: 3) }
        #expect(throws: BenchError.self) { try Benchmark.check(plan, batch: 4, seq: 8, train: true, phase: 3, limits: PlanLimits()) }
    }

    /// Stopped inside phase 1, or at the end of epoch 2, a resumed run continues in the right
    /// phase and ends exactly as an uninterrupted one (4 updates per epoch: polls 6 and 8).
    @Test(arguments: [6, 8, 10])
    func resumeIntoALaterPhaseIsExact(poll: Int) throws {
        let plan = try Self.plan()
        let dir = try TrainerResumeTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reference = dir.appendingPathComponent("reference"), stopped = dir.appendingPathComponent("stopped")
        #expect(try TrainerResumeTests.trainer(reference, plan: plan).run(epochs: 3) == .finished)
        let first = try TrainerResumeTests.trainer(stopped, plan: plan)
        var polls = 0
        first.shouldStop = {
            polls += 1
            return polls == poll
        }
        guard case .interrupted = try first.run(epochs: 3) else {
            Issue.record("the run did not stop at poll \(poll)")
            return
        }
        let resumed = try TrainerResumeTests.trainer(stopped, plan: plan)
        #expect(try resumed.run(resume: stopped.path) == .finished)
        try TrainerResumeTests.expectSame(reference, stopped)
    }

    @Test func phasedPlanRoundTripsExactly() throws {
        let plan = try Self.plan()
        let bytes = try PlanCodec.encode(plan)
        let decoded = try PlanCodec.decode(bytes, path: "tiny.plan")
        #expect(try PlanCodec.encode(decoded) == bytes)
        #expect(decoded.trainingPhases.map(\.fromEpoch) == [0, 1, 2])
        #expect(decoded.trainingPhases.map(\.program.graph.nodes.count) == plan.trainingPhases.map(\.program.graph.nodes.count))
        #expect(decoded.phases?.early.map(\.program.arena) == plan.phases?.early.map(\.program.arena))
        #expect(decoded.stats == plan.stats)
    }
}
