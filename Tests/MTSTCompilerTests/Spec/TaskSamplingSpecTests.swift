import Foundation
import Testing
@testable import MTSTCompiler

/// `training.task_sampling`: the three policies, and errors at the key's line and column.
@Suite struct TaskSamplingSpecTests {
    private func sampling(_ value: String) throws -> TaskSampling? {
        try Spec.parse(yaml: edited("  batch_size: 4", "  batch_size: 4\n  task_sampling: \(value)"), path: "t.yaml").training.taskSampling
    }

    @Test func policies() throws {
        #expect(try Spec.parse(yaml: baseYAML, path: "t.yaml").training.taskSampling == nil)
        #expect(try sampling("proportional") == TaskSampling(policy: .proportional))
        #expect(try sampling("round_robin") == TaskSampling(policy: .roundRobin))
        #expect(try sampling("{policy: round_robin}") == TaskSampling(policy: .roundRobin))
        #expect(try sampling("{policy: temperature, temperature: 2.0}") == TaskSampling(policy: .temperature, temperature: 2))
    }

    @Test func errorsNameTheKey() {
        func error(_ value: String) -> String {
            specError(edited("  batch_size: 4", "  batch_size: 4\n  task_sampling: \(value)"))
        }
        #expect(error("roundrobin") ==
            "t.yaml:22:18: training.task_sampling: unknown task sampling policy 'roundrobin' (did you mean 'round_robin'?)")
        #expect(error("temperature") ==
            "t.yaml:22:18: training.task_sampling: temperature sampling needs its temperature: write {policy: temperature, temperature: 2.0}")
        #expect(error("{policy: temperature}") ==
            "t.yaml:22:18: training.task_sampling: temperature sampling needs temperature: (a number > 0, e.g. 2.0)")
        #expect(error("{policy: temperature, temperature: 0}") ==
            "t.yaml:22:53: training.task_sampling.temperature: must be > 0, got 0.0")
        #expect(error("{policy: proportional, temperature: 2}") ==
            "t.yaml:22:54: training.task_sampling.temperature: only the temperature policy takes a temperature")
        #expect(error("{policy: temperature, temp: 2}") ==
            "t.yaml:22:40: training.task_sampling.temp: unknown key 'temp' (expected one of: policy, temperature)")
    }

    /// Plans of specs without the key encode exactly as before it existed.
    @Test func absentKeyLeavesThePlanLoopUnchanged() throws {
        let loop = TrainingLoopConfig()
        let json = String(decoding: try JSONEncoder().encode(loop), as: UTF8.self)
        #expect(!json.contains("taskSampling"))
        #expect(try JSONDecoder().decode(TrainingLoopConfig.self, from: Data(json.utf8)) == loop)
    }
}
