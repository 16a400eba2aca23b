import Foundation
import MTSTCompiler

/// Reading the spec's data sources and routing their labels to heads.
public enum TrainingData {
    public struct Labels: Sendable {
        /// Head name → its label vocabulary, in a stable order ("O" first for tags, then sorted).
        public var labels: [String: [String]] = [:]
    }

    public static func read(format: String, path: String, limit: Int?) throws -> [Example] {
        guard let dataset = DatasetFormat(rawValue: format) else {
            throw DataError(.malformed(reason: "unknown data format '\(format)'"), at: SourceLocation(file: path))
        }
        let examples = try dataset.read(path: path)
        return limit.map { Array(examples.prefix($0)) } ?? examples
    }

    public static func read(_ source: DataSourceRef) throws -> [Example] {
        try read(format: source.format, path: source.path, limit: source.limit)
    }

    /// Which heads take a source's sentence label and its tags.
    public static func routing(labelHead: String?, tagHead: String?, heads: [TaskHead]) -> (label: String?, tags: String?) {
        (labelHead ?? heads.first { $0.kind == .classification }?.name,
         tagHead ?? heads.first { $0.kind == .tagging }?.name)
    }

    /// Label vocabularies of the heads whose labels come from the training data.
    static func labelSources(_ spec: Spec) throws -> Labels {
        var result = Labels()
        guard let data = spec.data, spec.heads.contains(where: { $0.labels == .fromData }) else { return result }
        let heads = spec.heads.map {
            TaskHead(name: $0.name, kind: $0.kind == .classification ? .classification : .tagging, dropout: 0, labels: [], lossWeight: 1)
        }
        var seen: [String: Set<String>] = [:]
        for source in data.train {
            guard FileManager.default.fileExists(atPath: source.path.value) else {
                throw CompileError.located(source.path.location, "\(source.keyPath): \(source.path.value) not found; run Scripts/fetch-assets.sh")
            }
            let examples = try read(format: source.format.rawValue, path: source.path.value, limit: source.limit)
            let route = routing(labelHead: source.labelHead, tagHead: source.tagHead, heads: heads)
            for e in examples {
                if let head = route.label, let l = e.label { seen[head, default: []].insert(l) }
                if let head = route.tags, let tags = e.tags { seen[head, default: []].formUnion(tags) }
            }
        }
        for (head, set) in seen {
            let kind = heads.first { $0.name == head }?.kind
            result.labels[head] = orderedLabels(set, tags: kind == .tagging)
        }
        return result
    }

    public static func orderedLabels(_ set: Set<String>, tags: Bool) -> [String] {
        guard tags else { return set.sorted() }
        return (set.contains("O") ? ["O"] : []) + set.subtracting(["O"]).sorted()
    }
}
