import Dispatch
import MTSTCompiler

extension Model {
    /// Forward, backward and one optimizer update on the batch already fed to the training
    /// executor (used by `bench --train`; `mtstc run` drives schedule and accumulation itself).
    public func trainStep(seed: UInt64) throws {
        guard let training else { return }
        training.run(seed: seed)
        let start = DispatchTime.now().uptimeNanoseconds
        // The last epoch, when every parameter that ever trains (gradual unfreezing) takes updates.
        try optimizer.step(lrFactor: 1, epoch: max(plan.trainingLoop.epochs - 1, 0))
        if training.profile != nil {
            optimizerSeconds = (optimizerSeconds ?? 0) + Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
    }
}
