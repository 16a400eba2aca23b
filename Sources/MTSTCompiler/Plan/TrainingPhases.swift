/// Gradual unfreezing as programs (plan format 4): one training program per phase, each with a
/// backward graph built only toward the parameters that train in it. Phase k runs from the k-th
/// distinct `trainFromEpoch` (phase 0 from epoch 0) until the next phase starts. A plan without
/// gradual unfreezing has no `phases` and runs `training` in every epoch.
public struct TrainingPhases: Codable, Sendable {
    /// The phases before the last, earliest first; the first starts at epoch 0.
    public var early: [TrainingPhase]
    /// The first epoch of the last phase, whose program is `Plan.training` (every parameter that
    /// ever trains has its gradient there).
    public var lastFromEpoch: Int

    public init(early: [TrainingPhase], lastFromEpoch: Int) {
        self.early = early
        self.lastFromEpoch = lastFromEpoch
    }
}

/// One phase before the last: its first epoch and its training program.
public struct TrainingPhase: Codable, Sendable {
    public var fromEpoch: Int
    public var program: Program

    public init(fromEpoch: Int, program: Program) {
        self.fromEpoch = fromEpoch
        self.program = program
    }
}

extension Plan {
    /// Every training program with the first epoch it runs, earliest first (empty without
    /// training): the early phases, then `training`.
    public var trainingPhases: [(fromEpoch: Int, program: Program)] {
        guard let training else { return [] }
        guard let phases else { return [(0, training)] }
        return phases.early.map { ($0.fromEpoch, $0.program) } + [(phases.lastFromEpoch, training)]
    }

    /// The index in `trainingPhases` of the phase that runs `epoch` (0-based): the last phase
    /// that starts at or before it.
    public func trainingPhase(epoch: Int) -> Int {
        let starts = trainingPhases.map(\.fromEpoch)
        return max(0, (starts.lastIndex { $0 <= epoch }) ?? 0)
    }
}

/// What the compile summary prints about one phase.
public struct PhaseStats: Codable, Sendable, Equatable {
    public var fromEpoch: Int
    public var ops: Int
    public var backwardOps: Int
    public var arenaBytesTrain: Int

    public init(fromEpoch: Int, ops: Int, backwardOps: Int, arenaBytesTrain: Int) {
        self.fromEpoch = fromEpoch
        self.ops = ops
        self.backwardOps = backwardOps
        self.arenaBytesTrain = arenaBytesTrain
    }
}
