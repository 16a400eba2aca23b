import Foundation
import MTSTCompiler
import MTSTKernels

public enum ExecutorError: UserFacingError {
    case batchTooLarge(batch: Int, seq: Int, maxBatch: Int, maxSeq: Int)
    case missingOutput(String)

    public var description: String {
        switch self {
        case let .batchTooLarge(b, t, mb, mt):
            "batch \(b)×\(t) exceeds the plan's maximum \(mb)×\(mt); raise compile.max_batch / max_seq in the spec"
        case .missingOutput(let name): "the plan has no output named \(name)"
        }
    }
}

/// Runs one compiled program: the arena is allocated once (shared between programs through
/// `Arena`), every node's pointers are resolved once, and a run is a loop of kernel calls.
public final class Executor {
    public let program: Program
    public let store: ParamStore
    let arena: AlignedBuffer
    let steps: [Step]
    public private(set) var batch = 0
    public private(set) var seq = 0
    /// Token rows of the current batch: `batch·seq` when padded, fewer when packed.
    public private(set) var tokens = 0
    /// Row offsets of the sentences (`batch + 1`) when the token rows are packed.
    private let startsStorage: UnsafeMutablePointer<Int32>
    private var packed = false
    /// The `output` of nodes that have no value, so that none of them points into live data.
    private let sink: UnsafeMutablePointer<Float>
    /// Per-op-kind wall time in seconds, when profiling.
    public var profile: [OpKind: Double]?
    /// The same time split by forward and backward nodes, when profiling.
    public private(set) var phaseProfile: [Phase: Double] = [:]
    /// When set, `run` reads every node's output after the node runs and records the first that
    /// holds a NaN or an infinity (`mtstc run --check-numerics`). Off by default: it costs a
    /// second pass over every activation.
    public var checkNumerics = false
    /// The first node of the last run whose output was not finite, when `checkNumerics` is set.
    public private(set) var firstNonFinite: Node?
    /// What the gradient buckets' communication nodes call (training programs); nil: they do nothing.
    public var gradientSync: GradientSync?
    /// Data parallelism: where this rank's batch sits in the global batch (dropout draws the
    /// global mask); nil when the batch is the whole batch.
    public var shard: ShardLayout?
    /// Data parallelism: the global batch's count for each mean loss, by its labels node
    /// (`labelCounts` summed over the ranks); empty: every loss counts its own batch.
    public var lossDenominators: [NodeID: Int] = [:]
    /// The labels node of each mean loss (`OpDef.isMeanOverLabels`), in schedule order.
    public let lossLabelNodes: [NodeID]

    struct Step {
        let node: Node
        let inputShapes: [Shape]
        let inputs: [UnsafeMutablePointer<Float>]
        let output: UnsafeMutablePointer<Float>
        let extraOutputs: [UnsafeMutablePointer<Float>]
    }

    /// Per step, an `int8Linear`'s packed weights with the shared scratch (nil for other ops);
    /// packed from the parameter store before the first run and again whenever its values
    /// were reloaded (`ParamStore.generation`), so `--weights` after load is honoured.
    private var int8: [Int8Operands?]
    private let int8Steps: [(step: Int, param: Int)]
    private var packedGeneration = -1
    private let int8Workspace = Int8Workspace()

    public init(program: Program, store: ParamStore, arena: AlignedBuffer) {
        precondition(arena.count * MemoryLayout<Float>.stride >= program.arena.bytes, "arena smaller than the plan")
        lossLabelNodes = program.graph.nodes.filter { $0.kind.def.runsKernel && $0.kind.def.isMeanOverLabels }.map { $0.inputs[1].node }
        _ = BLASInfo.configureThreads
        self.program = program
        self.store = store
        self.arena = arena
        let g = program.graph
        startsStorage = .allocate(capacity: g.maxBatch + 1)
        startsStorage.initialize(repeating: 0, count: g.maxBatch + 1)
        let sink = UnsafeMutablePointer<Float>.allocate(capacity: 16)
        sink.initialize(repeating: 0, count: 16)
        self.sink = sink
        let base = UnsafeMutableRawPointer(arena.pointer)
        // The plan verifier has proven that every node read or written here has storage: a
        // parameter-store buffer, a gradient buffer or an arena slot inside the arena.
        func pointer(_ value: ValueRef) -> UnsafeMutablePointer<Float> {
            let node = g[value.node]
            switch NodeStorage.of(node) {
            case .store(let buffer):
                let p = node.attrs.param ?? -1
                precondition(store.params.indices.contains(p) && (buffer == .weights || store.trainOffsets[p] >= 0),
                             "verified plan: parameter state without a parameter that trains")
                switch buffer {
                case .gradients: return store.grads.pointer + store.trainOffsets[p]
                case .optimizerState:
                    let slot = node.attrs.optimizer?.stateSlot ?? -1
                    precondition(store.state.indices.contains(slot), "verified plan: optimizer state slot without a buffer")
                    // Under ZeRO another rank keeps it: the optimizer gives this parameter no
                    // step here (its step input row is 0), so the update node never touches it.
                    return store.statePointer(slot, p) ?? sink
                case .weights: return store.pointer(p)
                }
            case .gradient:
                guard let p = node.param, let grad = store.gradPointer(p) else {
                    preconditionFailure("verified plan: gradient accumulation without a gradient buffer")
                }
                return grad
            case .arena:
                let offset = program.arena.offset(of: value)
                precondition(offset >= 0 && offset <= program.arena.bytes, "verified plan: node without an arena slot")
                return (base + offset).assumingMemoryBound(to: Float.self)
            case .none:
                // An effect-only node (an optimizer update) has no value; its kernel never writes `output`.
                return sink
            }
        }
        let steps: [Step] = g.nodes.compactMap { node in
            guard node.kind.def.runsKernel else { return nil }
            return Step(node: node, inputShapes: node.inputs.map(g.shape(of:)), inputs: node.inputs.map(pointer),
                        output: pointer(ValueRef(node.id)),
                        extraOutputs: (1..<node.outputCount).map { pointer(ValueRef(node.id, output: $0)) })
        }
        self.steps = steps
        // The verifier proved input 1 of every int8Linear is a `param` node.
        int8Steps = steps.enumerated().compactMap { i, step in
            step.node.kind == .int8Linear ? g[step.node.inputs[1].node].attrs.param.map { (i, $0) } : nil
        }
        int8 = Array(repeating: nil, count: steps.count)
    }

    /// Quantizes and packs the weights of every `int8Linear` from the store's current values.
    /// Layers sharing a weight share one packing.
    public func packInt8Weights() {
        var packed: [Int: Int8PackedWeights] = [:]
        for (i, p) in int8Steps {
            let shape = store.params[p].shape
            let weights = packed[p] ?? Int8PackedWeights(weights: store.pointer(p), outputs: shape[0], inputs: shape[1])
            packed[p] = weights
            int8[i] = Int8Operands(weights: weights, workspace: int8Workspace)
        }
        packedGeneration = store.generation
    }

    /// For each of `lossLabelNodes`, how many rows or sentences of the fed batch its loss
    /// divides by.
    public func labelCounts() -> [Int] {
        steps.indices.filter { steps[$0].node.kind.def.isMeanOverLabels }.map { i in
            steps[i].node.kind.def.labelCount(arguments(i, steps[i], seed: 0))
        }
    }

    /// Pointer to an input's arena slot; the caller fills `tokens` (or `batch`) values.
    public func inputPointer(_ kind: InputKind) -> UnsafeMutablePointer<Float>? {
        guard let node = program.graph.nodes.first(where: { $0.attrs.inputKind == kind }) else { return nil }
        return (UnsafeMutableRawPointer(arena.pointer) + program.arena.offsets[node.id]).assumingMemoryBound(to: Float.self)
    }

    deinit {
        startsStorage.deallocate()
        sink.deallocate()
    }

    /// A padded batch: `batch` sentences of `seq` token rows each, padding masked out.
    public func setShape(batch: Int, seq: Int) throws {
        try checkFits(batch: batch, seq: seq)
        self.batch = batch
        self.seq = seq
        tokens = batch * seq
        packed = false
    }

    /// A packed batch: sentence b has `lengths[b]` token rows, stored one sentence after the
    /// other with no padding, so token-wise work scales with the real tokens, not batch × longest.
    public func setLayout(lengths: [Int]) throws {
        let longest = max(1, lengths.max() ?? 1)
        try checkFits(batch: lengths.count, seq: longest)
        batch = lengths.count
        seq = longest
        var row = 0
        for (b, n) in lengths.enumerated() {
            startsStorage[b] = Int32(row)
            row += n
        }
        startsStorage[batch] = Int32(row)
        tokens = row
        packed = true
    }

    private func checkFits(batch: Int, seq: Int) throws {
        let g = program.graph
        guard batch >= 1, seq >= 1, batch <= g.maxBatch, seq <= g.maxSeq else {
            throw ExecutorError.batchTooLarge(batch: batch, seq: seq, maxBatch: g.maxBatch, maxSeq: g.maxSeq)
        }
    }

    /// The program has gradient buckets whose nodes sum the gradients across ranks.
    public var communicates: Bool { steps.contains { $0.node.kind.def.isCommunication } }

    /// Only the communication nodes, in order: a rank with nothing to compute in a step still
    /// joins every all-reduce (with the gradients it has, zeros or an earlier micro-batch's).
    public func runCommunication() {
        for (i, step) in steps.enumerated() where step.node.kind.def.isCommunication { execute(i, step, 0) }
    }

    public func run(seed: UInt64 = 0) {
        if !int8Steps.isEmpty, packedGeneration != store.generation { packInt8Weights() }
        if profile != nil {
            for (i, step) in steps.enumerated() {
                let start = DispatchTime.now().uptimeNanoseconds
                execute(i, step, seed)
                if let sync = gradientSync, sync.hasPending { sync.progress() }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
                profile![step.node.kind, default: 0] += seconds
                phaseProfile[step.node.phase, default: 0] += seconds
            }
        } else if checkNumerics {
            firstNonFinite = nil
            for (i, step) in steps.enumerated() {
                execute(i, step, seed)
                if let sync = gradientSync, sync.hasPending { sync.progress() }
                if firstNonFinite == nil, !isFinite(step) { firstNonFinite = step.node }
            }
        } else if let sync = gradientSync {
            for (i, step) in steps.enumerated() {
                execute(i, step, seed)
                if sync.hasPending { sync.progress() }
            }
        } else {
            for (i, step) in steps.enumerated() { execute(i, step, seed) }
        }
    }

    private func isFinite(_ step: Step) -> Bool {
        let node = step.node
        var count = node.shape.elementCount(batch: batch, seq: seq, tokens: tokens)
        // A gradient accumulation has no value of its own; it writes into the parameter's gradient.
        if NodeStorage.of(node) == .gradient, let p = node.param, store.gradPointer(p) == step.output {
            count = store.params[p].count
        }
        return UnsafeBufferPointer(start: step.output, count: count).allSatisfy(\.isFinite)
    }

    @inline(__always)
    private func execute(_ index: Int, _ step: Step, _ seed: UInt64) {
        step.node.kind.def.run(arguments(index, step, seed: seed))
    }

    @inline(__always)
    private func arguments(_ index: Int, _ step: Step, seed: UInt64) -> KernelArgs {
        let denominator = lossDenominators.isEmpty || step.node.inputs.count < 2 ? nil : lossDenominators[step.node.inputs[1].node]
        return KernelArgs(node: step.node, inputShapes: step.inputShapes, inputs: step.inputs,
                          output: step.output, extraOutputs: step.extraOutputs, batch: batch, seq: seq, tokens: tokens,
                          starts: packed ? UnsafePointer(startsStorage) : nil, seed: seed, shard: shard, lossDenominator: denominator,
                          int8: int8[index], gradientSync: gradientSync)
    }

    /// A named output of the last run, sized for the current batch.
    public func output(_ name: String) throws -> UnsafeBufferPointer<Float> {
        guard let id = program.graph.outputs[name] else { throw ExecutorError.missingOutput(name) }
        let node = program.graph[id]
        let p = (UnsafeMutableRawPointer(arena.pointer) + program.arena.offsets[id]).assumingMemoryBound(to: Float.self)
        return UnsafeBufferPointer(start: p, count: node.shape.elementCount(batch: batch, seq: seq, tokens: tokens))
    }
}
