import Foundation
import MTSTCompiler
import MTSTKernels

/// AdamW over the parameter groups the spec's rules produced: each trainable parameter carries its
/// own lr and weight decay (layer-wise decay, `lr_scale`, `no_decay`) and the epoch it joins
/// training. Gradients are clipped by their global norm first, as `clip_grad_norm_` does.
public final class Optimizer: @unchecked Sendable {
    public let store: ParamStore
    public let config: OptimizerConfig
    /// Updates applied so far to each parameter (AdamW's bias correction counts per parameter,
    /// so a layer unfrozen at epoch 3 starts its own count then).
    public private(set) var steps: [Int]
    public private(set) var lastGradNorm: Double = 0

    public init(store: ParamStore, config: OptimizerConfig) {
        self.store = store
        self.config = config
        steps = Array(repeating: 0, count: store.params.count)
    }

    func active(_ i: Int, epoch: Int) -> Bool {
        store.trainOffsets[i] >= 0 && store.params[i].trainFromEpoch <= epoch
    }

    /// One update of every parameter active at `epoch`, with the scheduled lr factor; gradients are then zeroed.
    public func step(lrFactor: Double, epoch: Int, gradScale: Float = 1) {
        let params = store.params
        var scale = gradScale
        if config.clipNorm > 0 {
            var sum = 0.0
            for i in params.indices where active(i, epoch: epoch) {
                sum += Kernels.sumOfSquares(store.gradPointer(i)!, count: params[i].count)
            }
            lastGradNorm = sum.squareRoot() * Double(gradScale)
            if lastGradNorm > config.clipNorm { scale *= Float(config.clipNorm / (lastGradNorm + 1e-6)) }
        }
        for i in params.indices where active(i, epoch: epoch) {
            steps[i] += 1
            let o = store.trainOffsets[i]
            Kernels.adamw(param: store.pointer(i), grad: store.grads.pointer + o, m: store.m.pointer + o, v: store.v.pointer + o,
                          count: params[i].count, lr: Float(params[i].lr * lrFactor), beta1: Float(config.beta1),
                          beta2: Float(config.beta2), eps: Float(config.eps), weightDecay: Float(params[i].weightDecay),
                          step: steps[i], gradScale: scale)
        }
        store.zeroGrads()
    }

    /// Linear warmup then the configured decay, as `get_linear_schedule_with_warmup` (the k-th
    /// update, 0-based, uses factor k/warmup during warmup).
    public static func lrFactor(update k: Int, total: Int, config: OptimizerConfig) -> Double {
        let warmup = config.warmupSteps ?? Int((config.warmupFraction * Double(total)).rounded(.down))
        if k < warmup { return Double(k) / Double(max(1, warmup)) }
        let progress = Double(k - warmup) / Double(max(1, total - warmup))
        switch config.decay {
        case "constant": return 1
        case "cosine": return max(0, 0.5 * (1 + cos(Double.pi * progress)))
        default: return max(0, 1 - progress)
        }
    }

    public func state(of i: Int) -> (m: [Float], v: [Float])? {
        let o = store.trainOffsets[i]
        guard o >= 0 else { return nil }
        let n = store.params[i].count
        return (Array(UnsafeBufferPointer(start: store.m.pointer + o, count: n)), Array(UnsafeBufferPointer(start: store.v.pointer + o, count: n)))
    }

    public func restore(steps: [Int]) { self.steps = steps }
}
