import Foundation
import MTSTCompiler

public enum HeadWeightsError: UserFacingError {
    case noLabels(file: String, head: String)
    case labels(file: String, head: String, difference: String)
    case unexpected(file: String, tensor: String, head: String)

    public var description: String {
        switch self {
        case let .noLabels(file, head):
            "\(file): no label list for head \(head) in the metadata (\(Checkpoint.labelsKey)); use a heads.safetensors or checkpoint.safetensors written by mtstc run"
        case let .labels(file, head, difference): "\(file): the labels of head \(head) differ from the plan's: \(difference)"
        case let .unexpected(file, tensor, head): "\(file): unexpected tensor \(tensor) (head \(head) of this spec has no such parameter)"
        }
    }
}

/// `heads.<name>.weights`: which tensors of the file fill the head's parameters and whether
/// they fit. Compile applies the rules to the header (with the spec's position) and `Model`
/// to the tensors it copies, so the two never disagree. Only `heads.<name>.*` is read: the
/// file may hold a backbone, other heads and the pooling norm (a `checkpoint.safetensors`).
enum HeadWeightsFile {
    /// Parameter index → tensor name, for every parameter of the head: each must be in the file
    /// with a float dtype and its shape, and no other tensor may sit under the head's prefix
    /// (a CRF's transitions for a head without one).
    static func match(_ params: [ParamEntry], _ weights: HeadWeights, tensors: [String: SafeTensorInfo], file: String)
        throws -> [(param: Int, tensor: String)] {
        var result: [(param: Int, tensor: String)] = []
        for (i, p) in params.enumerated() {
            guard let name = p.checkpointName, name.hasPrefix(weights.tensorPrefix) else { continue }
            guard let info = tensors[name] else { throw WeightsError.missing(file: file, tensor: name) }
            guard info.dtype.isFloatingPoint else { throw WeightsError.dtype(file: file, tensor: name, dtype: info.dtype.rawValue) }
            guard CheckpointNames.fits(info.shape, p.shape) else {
                throw WeightsError.shape(file: file, tensor: name, expected: p.shape, found: info.shape)
            }
            result.append((i, name))
        }
        let used = Set(result.map(\.tensor))
        if let extra = tensors.keys.sorted().first(where: { $0.hasPrefix(weights.tensorPrefix) && !used.contains($0) }) {
            throw HeadWeightsError.unexpected(file: file, tensor: extra, head: weights.head)
        }
        return result
    }

    /// The file's label list for the head (its `mtstc.labels` metadata) must be the plan's, in
    /// the same order: row i of the head's weight scores label i.
    static func checkLabels(_ metadata: [String: String], head: TaskHead, file: String) throws(HeadWeightsError) {
        let stored = metadata[Checkpoint.labelsKey].flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        guard let labels = stored?[head.name] as? [String] else { throw .noLabels(file: file, head: head.name) }
        if let difference = difference(file: labels, plan: head.labels) {
            throw .labels(file: file, head: head.name, difference: difference)
        }
    }

    /// How two label lists differ, in one line; nil when they are equal.
    static func difference(file: [String], plan: [String]) -> String? {
        guard file != plan else { return nil }
        func list(_ labels: [String]) -> String {
            let shown = labels.prefix(5).map { "'\($0.escapingControlCharacters)'" }.joined(separator: ", ")
            return labels.count > 5 ? shown + " and \(labels.count - 5) more" : shown
        }
        let onlyFile = file.filter { !plan.contains($0) }, onlyPlan = plan.filter { !file.contains($0) }
        var parts: [String] = []
        if !onlyFile.isEmpty { parts.append("only in the file: \(list(onlyFile))") }
        if !onlyPlan.isEmpty { parts.append("only in the plan: \(list(onlyPlan))") }
        if parts.isEmpty {
            if let i = zip(file, plan).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                parts.append("the same labels in another order (label \(i) is '\(file[i].escapingControlCharacters)' in the file, '\(plan[i].escapingControlCharacters)' in the plan)")
            } else {
                parts.append("the file lists \(file.count) labels, the plan \(plan.count) (a label repeated)")
            }
        }
        return parts.joined(separator: "; ")
    }

    /// Everything compile can check from the header: tensors and labels.
    static func check(_ weights: HeadWeights, params: [ParamEntry], heads: [TaskHead]) throws {
        let header = try SafeTensorFile.readHeaderAndMetadata(path: weights.file.path)
        _ = try match(params, weights, tensors: header.tensors, file: weights.file.path)
        guard let head = heads.first(where: { $0.name == weights.head }) else { return }
        try checkLabels(header.metadata, head: head, file: weights.file.path)
    }

    /// Copies the head's tensors into `store`, after the same checks and a finiteness check.
    static func load(_ weights: HeadWeights, plan: Plan, into store: ParamStore) throws {
        let path = weights.file.path
        let file = try SafeTensorFile.read(path: path) { $0.hasPrefix(weights.tensorPrefix) }
        var infos = file.skipped.mapValues { SafeTensorInfo(shape: [], dtype: $0) }
        for (name, t) in file.tensors { infos[name] = SafeTensorInfo(shape: t.shape, dtype: t.dtype) }
        if let head = plan.model.taskHeads.first(where: { $0.name == weights.head }) {
            try checkLabels(file.metadata, head: head, file: path)
        }
        for (i, name) in try match(plan.params, weights, tensors: infos, file: path) {
            guard let t = file.tensors[name], t.data.count == plan.params[i].count else {
                throw WeightsError.shape(file: path, tensor: name, expected: plan.params[i].shape, found: file.tensors[name]?.shape ?? [])
            }
            try WeightsError.requireFinite(t.data, file: path, tensor: name)
            t.data.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { store.pointer(i).update(from: base, count: t.data.count) }
            }
        }
        store.valuesChanged()
    }
}
