import MTSTCompiler

/// Which training program runs in an epoch: gradual unfreezing compiles one per phase
/// (`Plan.trainingPhases`), each with a backward pass only toward what trains in it. They share
/// the parameters, gradient buffers, optimizer state and arena, so switching phase is picking
/// another executor; the optimizer still decides per epoch which parameters step.
extension Model {
    static func phaseExecutors(_ plan: Plan, full: Executor?, store: ParamStore, arena: AlignedBuffer) -> [Executor] {
        guard let full else { return [] }
        return (plan.phases?.early ?? []).map { Executor(program: $0.program, store: store, arena: arena) } + [full]
    }

    /// The training executor of the phase that runs `epoch` (0-based); nil without training.
    public func trainingExecutor(epoch: Int) -> Executor? {
        phaseExecutors.isEmpty ? nil : phaseExecutors[plan.trainingPhase(epoch: epoch)]
    }
}
