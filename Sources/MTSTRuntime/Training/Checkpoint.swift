import Foundation
import MTSTCompiler

/// Checkpoints: the backbone under its architecture's Hugging Face names, without a prefix
/// (`BertModel`/`DistilBertModel.from_pretrained` load it), the heads
/// and the pooling norm under mtstc names, and the label vocabularies in the metadata.
public enum Checkpoint {
    public static let labelsKey = "mtstc.labels"

    public static func save(_ model: Model, to path: String, extra: [String: String] = [:]) throws {
        var tensors: [SafeTensorsWriter.TensorView] = []
        for (i, p) in model.plan.params.enumerated() {
            guard let name = p.checkpointName else { continue }
            tensors.append((name, p.shape, UnsafeBufferPointer(start: model.store.pointer(i), count: p.count)))
        }
        var metadata = extra
        metadata["format"] = "pt"
        metadata[labelsKey] = labelsJSON(model.plan.model.taskHeads)
        try SafeTensorsWriter.write(path: path, tensors: tensors, metadata: metadata)
    }

    static func labelsJSON(_ heads: [TaskHead]) -> String {
        let dict = Dictionary(uniqueKeysWithValues: heads.map { ($0.name, $0.labels) })
        let data = (try? JSONSerialization.data(withJSONObject: dict, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Loads a checkpoint into a model whose plan has the same heads and labels. `path` may also
    /// name a run or snapshot folder (`CheckpointPath`). `requireHeads: false` (`embed`) accepts
    /// a file without the heads and the pooling norm, as `backbone.weights` does: what it lacks
    /// keeps the plan's initial values.
    public static func load(_ path: String, into model: Model, requireHeads: Bool = true) throws {
        let path = try CheckpointPath.resolve(path)
        let file = try SafeTensorFile.read(path: path)
        if let stored = file.metadata[labelsKey], stored != labelsJSON(model.plan.model.taskHeads) {
            throw RuntimeError.checkpointLabels(path)
        }
        guard let backbone = model.plan.model.backbone else {
            throw RuntimeError.unknownArchitecture(path, name: model.plan.model.architecture)
        }
        try model.store.load(file, backbone: backbone, requireHeads: requireHeads)
    }

    public static let updateCountsKey = "mtstc.update_counts"

    /// The optimizer state file needs every parameter's state; under ZeRO stage 1 this rank holds
    /// only its own, so the caller gathers first (`Optimizer.gatherState`).
    public struct ShardedStateError: UserFacingError {
        public var path: String
        public var description: String { "\(path): internal: the optimizer state is sharded across ranks (ZeRO stage 1) and was not gathered before saving" }
    }

    /// The optimizer's state buffers, each tensor named `<state>.<parameter path>` (AdamW:
    /// `m.…`, `v.…`; SGD: `velocity.…`), and each parameter's update count in the metadata,
    /// for `mtstc run --resume`.
    /// `gathered`: the full state buffers `Optimizer.gatherState` returned under ZeRO stage 1.
    public static func saveOptimizer(_ model: Model, to path: String, gathered: [AlignedBuffer]? = nil) throws {
        var tensors: [SafeTensorsWriter.TensorView] = []
        var counts: [String: Int] = [:]
        let store = model.store
        for (i, p) in model.plan.params.enumerated() where store.trainOffsets[i] >= 0 {
            for (slot, name) in store.stateNames.enumerated() {
                let full = gathered.map { $0[slot].pointer + store.trainOffsets[i] }
                guard let pointer = full ?? store.statePointer(slot, i) else { throw ShardedStateError(path: path) }
                tensors.append((name + "." + p.path, p.shape, UnsafeBufferPointer(start: pointer, count: p.count)))
            }
            counts[p.path] = model.optimizer.updateCounts[i]
        }
        let json = (try? JSONSerialization.data(withJSONObject: counts, options: [.sortedKeys])) ?? Data()
        try SafeTensorsWriter.write(path: path, tensors: tensors, metadata: [updateCountsKey: String(decoding: json, as: UTF8.self)])
    }

    public static func loadOptimizer(_ path: String, into model: Model) throws {
        let file = try SafeTensorFile.read(path: path)
        let store = model.store
        let counts = file.metadata[updateCountsKey].flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Int]
        }
        guard let counts else { throw WeightsError.missing(file: path, tensor: "metadata \(updateCountsKey)") }
        var restored = model.optimizer.updateCounts
        for (i, p) in model.plan.params.enumerated() where store.trainOffsets[i] >= 0 {
            for (slot, name) in store.stateNames.enumerated() {
                guard let t = file.tensors[name + "." + p.path], t.data.count == p.count else {
                    throw WeightsError.missing(file: path, tensor: name + "." + p.path)
                }
                try WeightsError.requireFinite(t.data, file: path, tensor: name + "." + p.path)
                // Under ZeRO each rank reads the file and keeps its own parameters' state.
                guard let pointer = store.statePointer(slot, i) else { continue }
                t.data.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: p.count) }
            }
            guard let count = counts[p.path], count >= 0 else {
                throw WeightsError.missing(file: path, tensor: "\(updateCountsKey)[\(p.path)]")
            }
            restored[i] = count
        }
        model.optimizer.updateCounts = restored
    }
}
