import Foundation
import MTSTCompiler
import MTSTKernels

public enum OptimizerError: UserFacingError {
    case noUpdateProgram
    public var description: String { "the plan has no optimizer program (it was compiled without data.train)" }
}

/// Drives the plan's optimizer program: writes the step's scalars (lr factor, accumulation
/// scale, epoch, update count) into its state input and runs the AdamW update nodes, which also
/// clear the gradient buffers for the next accumulation.
public final class Optimizer {
    public let store: ParamStore
    public let config: OptimizerConfig
    let executor: Executor?
    /// Check every update node's output (`mtstc run --check-numerics`).
    public var checkNumerics: Bool {
        get { executor?.checkNumerics ?? false }
        set { executor?.checkNumerics = newValue }
    }
    /// The first update node with a non-finite output in the last step, when checking.
    public var firstNonFinite: Node? { executor?.firstNonFinite }
    /// The global norm of the last step's gradient (after the accumulation scale, before
    /// clipping). A non-finite norm means the step left every weight as it was.
    public private(set) var lastGradientNorm: Float?

    /// The update program gets its own few hundred bytes rather than the shared arena, so the
    /// training program's inputs survive an update (a benchmark feeds them once).
    public init(store: ParamStore, config: OptimizerConfig, program: Program?) throws(AllocationError) {
        self.store = store
        self.config = config
        if let program {
            executor = Executor(program: program, store: store, arena: try AlignedBuffer(count: program.arena.bytes / 4 + 16))
        } else {
            executor = nil
        }
    }

    /// Applies update number `update` (1-based, global) of an epoch with `updatesPerEpoch` updates.
    public func step(lrFactor: Double, epoch: Int, update: Int, updatesPerEpoch: Int, gradScale: Float = 1) throws {
        guard let executor else { throw OptimizerError.noUpdateProgram }
        guard let state = executor.inputPointer(.optimizerState) else { throw OptimizerError.noUpdateProgram }
        try executor.setShape(batch: 1, seq: 1)
        state.update(repeating: 0, count: OptimizerState.count)
        state[OptimizerState.lrFactor] = Float(lrFactor)
        state[OptimizerState.gradScale] = gradScale
        state[OptimizerState.epoch] = Float(epoch)
        state[OptimizerState.update] = Float(update)
        state[OptimizerState.updatesPerEpoch] = Float(updatesPerEpoch)
        executor.run()
        lastGradientNorm = try? executor.output(OptimizerLowering.clipOutput)[1]
    }

    /// Linear warmup then the configured decay, as `get_linear_schedule_with_warmup` (the k-th
    /// update, 0-based, uses factor k/warmup during warmup).
    public static func lrFactor(update k: Int, total: Int, config: OptimizerConfig) -> Double {
        let schedule = ScheduleSpec(warmup: config.warmupSteps.map { .steps($0) } ?? .fraction(config.warmupFraction),
                                    decay: ScheduleSpec.Decay(rawValue: config.decay) ?? .linear)
        return schedule.factor(step: k, totalSteps: total)
    }
}
