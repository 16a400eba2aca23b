import Foundation
import MTSTCompiler
import MTSTKernels

public enum OptimizerError: UserFacingError {
    case noUpdateProgram
    public var description: String { "the plan has no optimizer program (it was compiled without data.train)" }
}

/// The training loop's side of the optimizer: which parameters take a step (gradual unfreezing
/// by each parameter's `trainFromEpoch`), their learning rate under the schedule, how many
/// updates each has taken (AdamW's bias correction counts from a parameter's first update),
/// and clearing the gradients for the next accumulation. It writes all of that into the update
/// program's step input (`OptimizerState`) and runs the program's update nodes.
public final class Optimizer {
    public let store: ParamStore
    public let config: OptimizerConfig
    let executor: Executor?
    /// Parameters the update program has an update node for (trainable roots inside the loss).
    public let updated: [Int]
    /// Updates each parameter has taken, by index in the parameter table; saved with the
    /// optimizer state so a resumed run continues the bias correction where it stopped.
    public internal(set) var updateCounts: [Int]
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
    /// ZeRO stage 1: this rank's share of the parameters and the transport; nil when every rank
    /// (or the one process) keeps the whole optimizer state.
    public let zero: ZeroPartition?
    let collectives: any Collectives

    /// The update program gets its own few hundred bytes rather than the shared arena, so the
    /// training program's inputs survive an update (a benchmark feeds them once).
    public init(store: ParamStore, config: OptimizerConfig, program: Program?, zero: ZeroPartition? = nil,
                collectives: any Collectives = SingleProcess.shared) throws(AllocationError) {
        self.store = store
        self.config = config
        self.zero = zero
        self.collectives = collectives
        updateCounts = Array(repeating: 0, count: store.params.count)
        if let program {
            executor = Executor(program: program, store: store, arena: try AlignedBuffer(count: program.arena.bytes / 4 + 16))
            updated = program.graph.nodes.filter { $0.kind == config.method.updateOp }.compactMap(\.attrs.param)
            if zero != nil {
                let sync = GradientSync(collectives: collectives)
                sync.sumsNormsAcrossRanks = true
                executor?.gradientSync = sync
            }
        } else {
            executor = nil
            updated = []
        }
    }

    /// One optimizer step in `epoch` (0-based) with the schedule's `lrFactor`: every updated
    /// parameter that trains in this epoch takes it, on its gradient times `gradScale` (1 over
    /// the accumulated micro-batches); then every gradient is cleared.
    public func step(lrFactor: Double, epoch: Int, gradScale: Float = 1) throws {
        guard let executor, let state = executor.inputPointer(.optimizerState) else { throw OptimizerError.noUpdateProgram }
        try executor.setShape(batch: 1, seq: 1)
        state.update(repeating: 0, count: OptimizerState.count(params: store.params.count))
        state[OptimizerState.gradScale] = gradScale
        // The factor passes through Float as it always has, so AdamW's results stay bit-for-bit.
        let factor = Double(Float(lrFactor))
        // ZeRO stage 1: each rank gets the summed gradients of the parameters it owns.
        if let zero { try collectives.reduceScatterSum(store.grads.pointer, counts: zero.gradientCounts) }
        for i in updated where store.params[i].setting.trains(inEpoch: epoch) {
            let setting = store.params[i].setting
            updateCounts[i] += 1
            // Another rank updates it (every rank counts, so the counts stay the same everywhere).
            if let zero, !zero.owns(i) { continue }
            state[OptimizerState.index(param: i, OptimizerState.lr)] = Float(setting.lr * factor)
            state[OptimizerState.index(param: i, OptimizerState.weightDecay)] = Float(setting.weightDecay)
            state[OptimizerState.index(param: i, OptimizerState.step)] = Float(updateCounts[i])
        }
        executor.run()
        if let zero {
            if let failure = executor.gradientSync?.takeFailure() { throw failure }
            try collectives.allGather(store.values.pointer, counts: zero.valueCounts)
        }
        store.zeroGrads()
        lastGradientNorm = try? executor.output(OptimizerLowering.clipOutput)[1]
    }

    /// Every parameter's optimizer state in full-size buffers laid out as the gradients, for
    /// the state file: under ZeRO stage 1 gathered from the ranks (every rank must call it, at
    /// the same point); nil when this rank already holds all of it.
    public func gatherState() throws -> [AlignedBuffer]? {
        guard let zero else { return nil }
        let owned = zero.ownedGradients
        var full: [AlignedBuffer] = []
        for buffer in store.state {
            let all = try AlignedBuffer(count: store.grads.count)
            if !owned.isEmpty { (all.pointer + owned.lowerBound).update(from: buffer.pointer, count: owned.count) }
            try collectives.allGather(all.pointer, counts: zero.gradientCounts)
            full.append(all)
        }
        return full
    }

    /// The schedule's factor for the k-th update (0-based) of `total`: linear warm-up, then the
    /// configured decay, as Hugging Face's schedulers.
    public static func lrFactor(update k: Int, total: Int, config: OptimizerConfig) -> Double {
        config.schedule.factor(step: k, totalSteps: total)
    }
}
