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

    /// Loads a checkpoint into a model whose plan has the same heads and labels.
    public static func load(_ path: String, into model: Model) throws {
        let file = try SafeTensorFile.read(path: path)
        if let stored = file.metadata[labelsKey], stored != labelsJSON(model.plan.model.taskHeads) {
            throw CompileError.file(path, "its label vocabularies differ from the plan's; compile the spec that trained it")
        }
        guard let backbone = model.plan.model.backbone else {
            throw CompileError.file(path, "the plan's architecture \(model.plan.model.architecture) is unknown")
        }
        try model.store.load(file, backbone: backbone, requireHeads: true)
    }

    /// AdamW moments and per-parameter step counts, for `mtstc run --resume`.
    public static func saveOptimizer(_ model: Model, to path: String) throws {
        var tensors: [SafeTensorsWriter.TensorView] = []
        let store = model.store
        for (i, p) in model.plan.params.enumerated() where store.trainOffsets[i] >= 0 {
            tensors.append(("m." + p.path, p.shape, UnsafeBufferPointer(start: store.m.pointer + store.trainOffsets[i], count: p.count)))
            tensors.append(("v." + p.path, p.shape, UnsafeBufferPointer(start: store.v.pointer + store.trainOffsets[i], count: p.count)))
        }
        try SafeTensorsWriter.write(path: path, tensors: tensors, metadata: [:])
    }

    public static func loadOptimizer(_ path: String, into model: Model) throws {
        let file = try SafeTensorFile.read(path: path)
        let store = model.store
        for (i, p) in model.plan.params.enumerated() where store.trainOffsets[i] >= 0 {
            for (prefix, buffer) in [("m.", store.m), ("v.", store.v)] {
                guard let t = file.tensors[prefix + p.path], t.data.count == p.count else {
                    throw WeightsError.missing(file: path, tensor: prefix + p.path)
                }
                try WeightsError.requireFinite(t.data, file: path, tensor: prefix + p.path)
                t.data.withUnsafeBufferPointer { (buffer.pointer + store.trainOffsets[i]).update(from: $0.baseAddress!, count: p.count) }
            }
        }
    }
}
