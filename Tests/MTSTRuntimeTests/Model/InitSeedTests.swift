import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// `backbone.init_seed` seeds the random initialisation, through the plan, and nothing else does.
struct InitSeedTests {
    static let tinyPath = EmbeddingParityTests.root.appendingPathComponent("Graphs/tiny.yaml").path

    /// Every parameter value of the tiny model compiled with these edits to its spec.
    static func initialValues(initSeed: String, trainingSeed: String = "42") throws -> (plan: Plan, values: [[Float]]) {
        var yaml = try String(contentsOfFile: tinyPath, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "  init_seed: 0\n", with: "  init_seed: \(initSeed)\n")
        yaml = yaml.replacingOccurrences(of: "  seed: 42\n", with: "  seed: \(trainingSeed)\n")
        let spec = try Spec.parse(yaml: yaml, path: tinyPath)
        let plan = try PlanCodec.decode(try PlanCodec.encode(try CompileDriver.compile(spec: spec)), path: "tiny.plan")
        let model = try Model(plan: plan)
        return (plan, plan.params.indices.map { model.store.values(of: $0) })
    }

    @Test func seedReachesThePlanAndTheWeights() throws {
        let one = try Self.initialValues(initSeed: "1")
        let again = try Self.initialValues(initSeed: "1")
        let two = try Self.initialValues(initSeed: "2")
        #expect(one.plan.model.initSeed == 1 && two.plan.model.initSeed == 2)
        #expect(one.values == again.values)
        let word = try #require(one.plan.params.firstIndex { $0.path == "backbone.embeddings.word_embeddings.weight" })
        #expect(one.values[word] != two.values[word])
        // Random-normal parameters all move with the seed; zeros and ones do not.
        for (i, p) in one.plan.params.enumerated() where p.sliceOf == nil {
            if case .normal = p.initializer { #expect(one.values[i] != two.values[i], "\(p.path)") }
            else { #expect(one.values[i] == two.values[i], "\(p.path)") }
        }
    }

    @Test func trainingSeedDoesNotChangeInitialWeights() throws {
        let a = try Self.initialValues(initSeed: "3", trainingSeed: "42")
        let b = try Self.initialValues(initSeed: "3", trainingSeed: "7")
        #expect(a.plan.trainingLoop.seed != b.plan.trainingLoop.seed)
        #expect(a.values == b.values)
    }
}
