import Dispatch
import MTSTCompiler

extension Model {
    /// Forward, backward and one optimizer update on the batch already fed to the training
    /// executor (used by `bench --train`; `mtstc run` drives schedule and accumulation itself).
    public func trainStep(seed: UInt64, lrFactor: Double = 1, epoch: Int = .max) {
        guard let training else { return }
        training.run(seed: seed)
        let start = DispatchTime.now().uptimeNanoseconds
        optimizer.step(lrFactor: lrFactor, epoch: epoch)
        if training.profile != nil {
            optimizerSeconds = (optimizerSeconds ?? 0) + Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
    }
}
