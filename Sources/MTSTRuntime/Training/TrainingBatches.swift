import Foundation
import MTSTCompiler

/// The batches of one epoch. A task is one `data.train` source; every batch holds examples of
/// one task (MT-DNN style), so a batch's loss comes from the heads that task trains. Each task's
/// examples are a seeded shuffle cut into batches of `training.batch_size` sentences; a pairs
/// task cuts batch_size / 2 pairs (2 sentences each, so every batch fits the compiled maximum)
/// and drops a last lone pair (no in-batch negative, loss 0). `training.task_sampling` then
/// orders the tasks' batches (`TaskSampling`). Everything is drawn from (seed, epoch), so a
/// resumed run and the memory prediction see the batches an uninterrupted run sees.
public enum TrainingBatches {
    /// `tasks[i]` is example i's task, `isPair[i]` whether it is a pair.
    public static func epoch(_ epoch: Int, tasks: [Int], isPair: [Bool], batchSize: Int, seed: UInt64,
                             sampling: TaskSampling = .proportional) -> [[Int]] {
        precondition(tasks.count == isPair.count, "TrainingBatches: one task per example")
        var rng = SplitMix64(seed: seed &+ UInt64(epoch) &* 1_000_003)
        var order = Array(isPair.indices)
        order.shuffle(using: &rng)
        let ids = Array(Set(tasks)).sorted()
        let members = ids.map { t in order.filter { tasks[$0] == t } }
        let perTask = members.map { cut($0, isPair: isPair, batchSize: batchSize) }
        // One task of sentences keeps the plain shuffled slices the trainer always cut.
        if ids.count <= 1 && !isPair.contains(true) { return perTask.first ?? [] }
        switch sampling.policy {
        case .proportional:
            var batches = Array(perTask.joined())
            batches.shuffle(using: &rng)
            return batches
        case .roundRobin:
            return roundRobin(perTask)
        case .temperature:
            return temperature(members, perTask: perTask, isPair: isPair, batchSize: batchSize,
                               t: sampling.temperature ?? 1, rng: &rng)
        }
    }

    /// Sentences only or pairs only, with the sentence/pair split as the only task boundary.
    public static func epoch(_ epoch: Int, isPair: [Bool], batchSize: Int, seed: UInt64) -> [[Int]] {
        Self.epoch(epoch, tasks: isPair.map { $0 ? 1 : 0 }, isPair: isPair, batchSize: batchSize, seed: seed)
    }

    static func cut(_ rows: [Int], isPair: [Bool], batchSize: Int) -> [[Int]] {
        let pairs = rows.first.map { isPair[$0] } ?? false
        let size = pairs ? max(1, batchSize / 2) : batchSize
        var batches = stride(from: 0, to: rows.count, by: size).map { Array(rows[$0..<min($0 + size, rows.count)]) }
        if pairs, batches.last?.count == 1 { batches.removeLast() }
        return batches
    }

    /// Tasks take turns in source order; a task that has run out drops out. Each example once.
    static func roundRobin(_ perTask: [[[Int]]]) -> [[Int]] {
        var result: [[Int]] = []
        let longest = perTask.map(\.count).max() ?? 0
        for round in 0..<longest {
            for batches in perTask where round < batches.count { result.append(batches[round]) }
        }
        return result
    }

    /// As many batches as proportional sampling gives; each batch's task drawn with probability
    /// ∝ nᵢ^(1/T) (nᵢ = the task's examples). A task drawn more often than its batches last
    /// reshuffles its examples and starts again; one drawn less leaves examples out this epoch.
    static func temperature(_ members: [[Int]], perTask: [[[Int]]], isPair: [Bool], batchSize: Int, t: Double,
                            rng: inout SplitMix64) -> [[Int]] {
        let weights = zip(members, perTask).map { m, b in b.isEmpty ? 0 : Double(m.count) }.map { $0 > 0 ? pow($0, 1 / t) : 0 }
        let total = weights.reduce(0, +)
        guard total > 0 else { return [] }
        var queues = perTask
        var next = Array(repeating: 0, count: perTask.count)
        var result: [[Int]] = []
        for _ in 0..<perTask.map(\.count).reduce(0, +) {
            let u = Double(rng.next() >> 11) / Double(1 << 53) * total
            var task = weights.lastIndex { $0 > 0 } ?? 0
            var acc = 0.0
            for (i, w) in weights.enumerated() where w > 0 {
                acc += w
                if u < acc { task = i; break }
            }
            if next[task] == queues[task].count {
                var rows = members[task]
                rows.shuffle(using: &rng)
                queues[task] = cut(rows, isPair: isPair, batchSize: batchSize)
                next[task] = 0
            }
            result.append(queues[task][next[task]])
            next[task] += 1
        }
        return result
    }
}
