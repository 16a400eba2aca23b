import MTSTCompiler
import Testing
@testable import MTSTRuntime

/// `TrainingBatches` under each `training.task_sampling` policy: one task per batch, the counts
/// each policy promises, determinism, and a single source cut exactly as before tasks existed.
@Suite struct TaskSamplingTests {
    /// 10 examples of task 0, 5 of task 1, 3 of task 2.
    let tasks = Array(repeating: 0, count: 10) + Array(repeating: 1, count: 5) + Array(repeating: 2, count: 3)
    var isPair: [Bool] { tasks.map { _ in false } }

    func batches(_ sampling: TaskSampling, epoch: Int = 0, seed: UInt64 = 7) -> [[Int]] {
        TrainingBatches.epoch(epoch, tasks: tasks, isPair: isPair, batchSize: 4, seed: seed, sampling: sampling)
    }

    func taskSequence(_ b: [[Int]]) -> [Int] { b.map { tasks[$0[0]] } }

    @Test(arguments: [TaskSampling.proportional, TaskSampling(policy: .roundRobin), TaskSampling(policy: .temperature, temperature: 2)])
    func everyBatchHoldsOneTaskAndIsDeterministic(sampling: TaskSampling) {
        let b = batches(sampling)
        #expect(b.allSatisfy { batch in batch.allSatisfy { tasks[$0] == tasks[batch[0]] } })
        #expect(b.count == 3 + 2 + 1, "as many batches as cutting each task")
        #expect(batches(sampling) == b)
        #expect(batches(sampling, epoch: 1) != b)
    }

    @Test func proportionalAndRoundRobinUseEachExampleOnce() {
        for sampling in [TaskSampling.proportional, TaskSampling(policy: .roundRobin)] {
            let b = batches(sampling)
            #expect(b.joined().sorted() == Array(tasks.indices))
        }
        // Turns in source order; task 0 has 3 batches, task 1 two, task 2 one.
        #expect(taskSequence(batches(TaskSampling(policy: .roundRobin))) == [0, 1, 2, 0, 1, 0])
    }

    /// Task i is drawn with probability ∝ nᵢ^(1/T): T = 1 follows the sizes, a large T is uniform.
    @Test func temperatureDrawsBySize() {
        let big = Array(repeating: 0, count: 90) + Array(repeating: 1, count: 10)
        func share(_ t: Double) -> Double {
            var drawn = 0, small = 0
            for epoch in 0..<20 {
                let b = TrainingBatches.epoch(epoch, tasks: big, isPair: big.map { _ in false }, batchSize: 1, seed: 3,
                                              sampling: TaskSampling(policy: .temperature, temperature: t))
                #expect(b.count == 100)
                drawn += b.count
                small += b.filter { big[$0[0]] == 1 }.count
            }
            return Double(small) / Double(drawn)
        }
        let proportional = share(1), uniform = share(1e9), between = share(2)
        #expect(abs(proportional - 0.1) < 0.03, "\(proportional)")
        #expect(abs(uniform - 0.5) < 0.05, "\(uniform)")
        // 10^½ / (90^½ + 10^½) = 0.25
        #expect(abs(between - 0.25) < 0.04, "\(between)")
    }

    /// One source of sentences: the plain seeded shuffle cut in order, as the trainer always did,
    /// whatever the policy (so single-task results do not change).
    @Test func singleSourceIsThePlainShuffle() {
        var rng = SplitMix64(seed: 42 &+ 3 &* 1_000_003)
        var order = Array(0..<10)
        order.shuffle(using: &rng)
        let expected = [Array(order[0..<4]), Array(order[4..<8]), Array(order[8..<10])]
        for sampling in [TaskSampling.proportional, TaskSampling(policy: .roundRobin), TaskSampling(policy: .temperature, temperature: 3)] {
            #expect(TrainingBatches.epoch(3, tasks: Array(repeating: 0, count: 10), isPair: Array(repeating: false, count: 10),
                                          batchSize: 4, seed: 42, sampling: sampling) == expected)
        }
    }
}
