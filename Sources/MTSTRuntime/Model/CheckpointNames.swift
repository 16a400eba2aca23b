import MTSTCompiler

/// Which tensor of a weights file fills which parameter, and whether every one fits. The one
/// place these rules live: compile applies them to the file's header (with the spec's position)
/// and `ParamStore.load` to the tensors it copies, so the two can never disagree.
enum CheckpointNames {
    /// Parameter index → tensor name, for every parameter the file supplies.
    /// Backbone tensors are named as `backbone` describes them, bare or under one of its
    /// checkpoint prefixes (`bert.` in a `BertForX` checkpoint); heads and the pooling norm keep
    /// mtstc names.
    static func match(_ params: [ParamEntry], backbone: any Backbone.Type, tensors: [String: SafeTensorInfo], file: String,
                      requireHeads: Bool) throws(WeightsError) -> [(param: Int, tensor: String)] {
        var result: [(param: Int, tensor: String)] = []
        var used = Set<String>()
        let prefix = backbone.checkpointPrefixes.first { p in tensors.keys.contains { $0.hasPrefix(p) } } ?? ""
        for (i, p) in params.enumerated() {
            guard let name = p.checkpointName else { continue }
            let ownedByModel = name.hasPrefix("heads.") || name.hasPrefix("pooling.")
            let key = ownedByModel ? name : prefix + name
            guard let info = tensors[key] else {
                // A backbone checkpoint has no heads: they start from the seeded init.
                if ownedByModel && !requireHeads { continue }
                throw .missing(file: file, tensor: key)
            }
            guard info.dtype.isFloatingPoint else {
                throw .dtype(file: file, tensor: key, dtype: info.dtype.rawValue)
            }
            guard fits(info.shape, p.shape) else {
                throw .shape(file: file, tensor: key, expected: p.shape, found: info.shape)
            }
            result.append((i, key))
            used.insert(key)
        }
        for name in tensors.keys.sorted() where !used.contains(name) {
            let bare = name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
            if !backbone.ignoresCheckpointTensor(bare) { throw .unexpected(file: file, tensor: name, architecture: backbone.name) }
        }
        return result
    }

    /// Same shape, or the same values with size-1 axes added or dropped (`[384]` vs `[1, 384]`).
    static func fits(_ found: [Int], _ expected: [Int]) -> Bool {
        if found == expected { return true }
        let count = found.reduce(into: 1) { product, dim in product = product.multipliedReportingOverflow(by: dim).partialValue }
        return count == expected.reduce(1, *) && found.filter { $0 != 1 } == expected.filter { $0 != 1 }
    }
}
