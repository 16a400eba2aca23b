import Dispatch
import MTSTCompiler

extension Model {
    /// Forward, backward and one optimizer update on the batch already fed to the training
    /// executor of gradual-unfreezing phase `phase` (used by `bench --train`; `mtstc run` drives
    /// schedule and accumulation itself). nil: the full training program.
    public func trainStep(seed: UInt64, phase: Int? = nil) throws {
        guard let training else { return }
        let executor = phase.map { phaseExecutors[$0] } ?? training
        executor.run(seed: seed)
        if let failure = gradientSync.takeFailure() { throw failure }
        let start = DispatchTime.now().uptimeNanoseconds
        // The full program steps as in the last epoch, when every parameter that ever trains
        // (gradual unfreezing) takes updates; a phase as in its first epoch.
        let epoch = phase.map { plan.trainingPhases[$0].fromEpoch } ?? max(plan.trainingLoop.epochs - 1, 0)
        try optimizer.step(lrFactor: 1, epoch: epoch)
        if executor.profile != nil {
            optimizerSeconds = (optimizerSeconds ?? 0) + Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
    }
}
