/// Gradual unfreezing as programs: one training program per phase, each differentiated only
/// toward the parameters that train in it (`PassContext.phaseEpoch`), then fused, shape-checked
/// and arena-planned like the full one.
extension ProgramBuilder {
    /// The first epoch of every phase: 0, then each later `trainFromEpoch` of a parameter the
    /// full training graph writes a gradient for. One element means no gradual unfreezing.
    static func phaseEpochs(_ training: Graph) -> [Int] {
        let updated = OptimizerLowering.parametersWithGradients(training)
        return Set([0] + updated.map { training.params[$0].setting.trainFromEpoch }).sorted()
    }

    /// The phases before the last, with their pass statistics; nil when the spec has no gradual
    /// unfreezing. The last phase is the full training program `training`.
    static func phases(_ spec: Spec, _ model: ModelConfig, training: (Program, PassContext),
                       options: Compiler.Options) throws -> (TrainingPhases, [PhaseStats])? {
        let epochs = phaseEpochs(training.0.graph)
        guard let last = epochs.last, epochs.count > 1 else { return nil }
        var early: [TrainingPhase] = []
        var stats: [PhaseStats] = []
        for epoch in epochs.dropLast() {
            let (program, context) = try program(spec, model, mode: .training, maxSeq: spec.compile.maxSeq,
                                                 options: options, phaseEpoch: epoch)
            guard program.graph.params == training.0.graph.params else {
                throw CompileError.file(spec.path, "internal: the phase from epoch \(epoch) has another parameter table")
            }
            early.append(TrainingPhase(fromEpoch: epoch, program: program))
            stats.append(PhaseStats(program, context, from: epoch))
        }
        stats.append(PhaseStats(training.0, training.1, from: last))
        return (TrainingPhases(early: early, lastFromEpoch: last), stats)
    }
}

extension PhaseStats {
    init(_ program: Program, _ context: PassContext, from epoch: Int) {
        self.init(fromEpoch: epoch, ops: program.graph.opCount, backwardOps: context.backwardOps, arenaBytesTrain: program.arena.bytes)
    }
}
