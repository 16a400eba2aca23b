import Foundation
import MTSTCompiler
import MTSTKernels

public enum WeightsError: UserFacingError {
    case missing(file: String, tensor: String)
    case unexpected(file: String, tensor: String, architecture: String)
    case shape(file: String, tensor: String, expected: [Int], found: [Int])
    case dtype(file: String, tensor: String, dtype: String)
    case nonFinite(file: String, tensor: String, index: Int, value: Float)

    public var description: String {
        switch self {
        case let .missing(file, tensor): "\(file): tensor \(tensor) is missing"
        case let .unexpected(file, tensor, architecture): "\(file): unexpected tensor \(tensor) (not part of a \(architecture) backbone or this spec's heads)"
        case let .shape(file, tensor, expected, found): "\(file): tensor \(tensor) has shape \(found), the spec expects \(expected)"
        case let .dtype(file, tensor, dtype):
            "\(file): tensor \(tensor) has dtype \(dtype), which is not supported for weights (F32, F16, BF16 or F64)"
        case let .nonFinite(file, tensor, index, value):
            "\(file): tensor \(tensor) holds \(NumericsError.text(Double(value))) at element \(index); weights must be finite"
        }
    }
}

extension WeightsError {
    /// A NaN or an infinity in loaded weights would turn every output into NaN without a word.
    static func requireFinite(_ values: [Float], file: String, tensor: String) throws(WeightsError) {
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(file: file, tensor: tensor, index: bad, value: values[bad])
        }
    }
}

/// All parameter values in one buffer, plus gradients and the optimizer's state buffers (its
/// `OptimizerMethod.stateNames`: AdamW's m and v, SGD's velocity) for the parameters that
/// train. Frozen parameters get neither: they cost their weights and nothing else.
public final class ParamStore {
    public let params: [ParamEntry]
    /// Element offset of every parameter in `values` (slices point inside their packed parameter).
    public let offsets: [Int]
    /// Element offset of every trainable root parameter in `grads` and each `state` buffer; -1 otherwise.
    public let trainOffsets: [Int]
    public let values: AlignedBuffer
    public let grads: AlignedBuffer
    /// One buffer per name of `stateNames`, laid out as `grads` from `stateRange.lowerBound` on.
    public let state: [AlignedBuffer]
    public let stateNames: [String]
    /// Bumped whenever values are loaded or initialised here (or `valuesChanged` is called):
    /// the int8 program repacks its weights when it differs from the one it packed.
    public private(set) var generation = 0

    /// Values were written directly (not through `load` or `initialize`): repack derived weights.
    public func valuesChanged() { generation += 1 }

    /// The floats of the gradient layout the state buffers cover: all of it, or under ZeRO stage 1
    /// this rank's run (`ZeroPartition.ownedGradients`), which is the memory ZeRO saves.
    public let stateRange: Range<Int>

    /// Allocates from the table's `ParamLayout`; a table whose sizes overflow (possible only for
    /// a table that was not verified) or a failed mapping is an error, not a trap.
    /// `optimizerState`: the names of the optimizer's per-parameter buffers (none for a model
    /// that only runs inference).
    /// `stateRange`: allocate optimizer state only for this run of the gradient layout (ZeRO).
    public init(params: [ParamEntry], optimizerState: [String] = [], stateRange: Range<Int>? = nil) throws(AllocationError) {
        guard let layout = ParamLayout(params: params) else {
            throw AllocationError(bytes: Int.max, reason: "the parameter sizes overflow")
        }
        self.params = params
        offsets = layout.offsets
        trainOffsets = layout.trainOffsets
        values = try AlignedBuffer(count: layout.values)
        grads = try AlignedBuffer(count: layout.trainable)
        let range = stateRange ?? 0..<layout.trainable
        precondition(range.lowerBound >= 0 && range.upperBound <= layout.trainable, "state range outside the gradient layout")
        var state: [AlignedBuffer] = []
        for _ in optimizerState { state.append(try AlignedBuffer(count: range.count)) }
        self.state = state
        stateNames = optimizerState
        self.stateRange = range
    }

    /// Parameter `i`'s part of state buffer `slot`; nil when the parameter does not train or its
    /// state lives on another rank (ZeRO).
    public func statePointer(_ slot: Int, _ i: Int) -> UnsafeMutablePointer<Float>? {
        let offset = trainOffsets[i]
        guard state.indices.contains(slot), offset >= 0, stateRange.contains(offset) else { return nil }
        return state[slot].pointer + (offset - stateRange.lowerBound)
    }

    public func pointer(_ i: Int) -> UnsafeMutablePointer<Float> { values.pointer + offsets[i] }

    public func gradPointer(_ i: Int) -> UnsafeMutablePointer<Float>? {
        trainOffsets[i] >= 0 ? grads.pointer + trainOffsets[i] : nil
    }

    public func values(of i: Int) -> [Float] { Array(UnsafeBufferPointer(start: pointer(i), count: params[i].count)) }

    /// Seeded initialisation as BERT's `_init_weights`: normal(0, std) weights, zero biases, unit
    /// LayerNorm gains. Each parameter draws from its own stream, so adding a head does not
    /// change the backbone's values.
    public func initialize(seed: UInt64, only include: (ParamEntry) -> Bool = { _ in true }) {
        generation += 1
        for (i, p) in params.enumerated() where include(p) && !(p.sliceOf == nil && params.contains { $0.sliceOf == i }) {
            let out = pointer(i)
            switch p.initializer {
            case .zeros: Kernels.fill(out, value: 0, count: p.count)
            case .ones: Kernels.fill(out, value: 1, count: p.count)
            case .normal(let std):
                var rng = SplitMix64(seed: seed ^ stableHash(p.path))
                for j in 0..<p.count { out[j] = Float(rng.nextGaussian()) * std }
            }
        }
    }

    /// Loads every parameter that has a checkpoint name, by `backbone`'s names. Tensors of its
    /// checkpoints that this model does not use (BERT's pooler, position ids) are skipped; any
    /// other extra name is an error.
    public func load(_ file: SafeTensorFile, backbone: any Backbone.Type, requireHeads: Bool = false) throws {
        try load(tensors: file.tensors.mapValues { ($0.shape, $0.data) }, file: file.path, backbone: backbone,
                 requireHeads: requireHeads, skipped: file.skipped)
    }

    /// `skipped`: integer tensors of the file, so one where a weight belongs is reported by dtype.
    public func load(tensors: [String: (shape: [Int], data: [Float])], file: String, backbone: any Backbone.Type,
                     requireHeads: Bool = false, skipped: [String: SafeTensorDType] = [:]) throws {
        generation += 1
        var infos = skipped.mapValues { SafeTensorInfo(shape: [], dtype: $0) }
        for (name, t) in tensors { infos[name] = SafeTensorInfo(shape: t.shape, dtype: .f32) }
        for (i, key) in try CheckpointNames.match(params, backbone: backbone, tensors: infos, file: file, requireHeads: requireHeads) {
            guard let t = tensors[key], t.data.count == params[i].count else {
                throw WeightsError.shape(file: file, tensor: key, expected: params[i].shape, found: tensors[key]?.shape ?? [])
            }
            try WeightsError.requireFinite(t.data, file: file, tensor: key)
            t.data.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { Kernels.copy(base, pointer(i), count: params[i].count) }
            }
        }
    }

    public func zeroGrads() { Kernels.fill(grads.pointer, value: 0, count: grads.count) }
}

func stableHash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}
