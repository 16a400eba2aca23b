import Foundation
import MTSTCompiler

/// Reading the spec's data sources and routing their labels to heads.
public enum TrainingData {
    public struct Labels: Sendable {
        /// Head name → its label vocabulary, in a stable order ("O" first for tags, then sorted).
        public var labels: [String: [String]] = [:]
    }

    /// A source's examples: the file, then the split's part of it, then the first `limit`.
    public static func read(_ source: DataSourceRef) throws -> [Example] {
        var examples = try source.format.read(path: source.path, columns: source.columns ?? .standard, textColumns: source.textColumns)
        if let split = source.split { examples = try split.select(examples, file: source.path) }
        return source.limit.map { Array(examples.prefix($0)) } ?? examples
    }

    /// As `read(_:)` for a spec's source: a split that leaves nothing is reported at the spec's
    /// `split:` (compile checks what `run` would find).
    static func read(_ source: DataSource) throws -> [Example] {
        var ref = source.ref
        ref.split = nil
        ref.limit = nil
        var examples = try read(ref)
        if let split = source.split {
            examples = try split.value.select(examples, file: ref.path, reportAt: split.location, keyPath: split.keyPath)
        }
        return source.limit.map { Array(examples.prefix($0)) } ?? examples
    }

    /// Which heads take a source's sentence label and its tags: the ones it names (the spec
    /// resolved the defaults, and `none` to nil), if the plan has them.
    public static func routing(labelHead: String?, tagHead: String?, heads: [TaskHead]) -> (label: String?, tags: String?) {
        let names = Set(heads.map(\.name))
        return (labelHead.flatMap { names.contains($0) ? $0 : nil }, tagHead.flatMap { names.contains($0) ? $0 : nil })
    }

    /// Label vocabularies of the heads whose labels come from the training data. Training files
    /// that exist are also checked against the heads with explicit label lists, so a label the
    /// spec does not list is reported at compile time (`run` checks again: data may change).
    static func labelSources(_ spec: Spec) throws -> Labels {
        var result = Labels()
        guard let data = spec.data else { return result }
        let needsData = spec.heads.contains { $0.labels == .fromData }
        let heads = spec.heads.map {
            TaskHead(name: $0.name, kind: $0.kind, dropout: 0,
                     labels: $0.explicitLabels ?? [], lossWeight: 1)
        }
        let fixed = Set(spec.heads.filter { $0.explicitLabels != nil }.map(\.name))
        var seen: [String: Set<String>] = [:]
        for source in data.train where source.format.holdsPairs && FileManager.default.fileExists(atPath: source.path.value) {
            // No labels to collect, but a malformed or empty pairs file is better reported now.
            let pairs = try read(source)
            try checkPairs(pairs, path: source.path.value, head: source.pairHead)
        }
        for source in data.train where !source.format.holdsPairs {
            guard FileManager.default.fileExists(atPath: source.path.value) else {
                // Compiling without the data is allowed when nothing needs its labels yet.
                if !needsData { continue }
                throw RuntimeError.missingData(source.path.location, keyPath: source.keyPath, path: source.path.value)
            }
            let examples = try read(source)
            let route = routing(labelHead: source.labelHead, tagHead: source.tagHead, heads: heads)
            try checkLabels(examples, route: route, heads: heads.filter { fixed.contains($0.name) }, spec: spec)
            for e in examples {
                if let head = route.label, let l = e.label { seen[head, default: []].insert(l) }
                if let head = route.tags, let tags = e.tags { seen[head, default: []].formUnion(tags) }
            }
        }
        // Eval files are read by `run`; a split that leaves one of them empty is better said now.
        for source in data.eval where source.split != nil && FileManager.default.fileExists(atPath: source.path.value) {
            _ = try read(source)
        }
        for (head, set) in seen where !fixed.contains(head) {
            let kind = heads.first { $0.name == head }?.kind
            result.labels[head] = orderedLabels(set, tags: kind == .tagging)
        }
        return result
    }

    /// Training examples whose label or tag is outside a head's label set would train nothing for
    /// that head (they become "ignore"), silently; refuse them, naming the file, line and head.
    /// Only `heads` are checked: at compile the ones with explicit lists, at run time all.
    public static func checkLabels(_ examples: [Example], route: (label: String?, tags: String?), heads: [TaskHead],
                                   spec: Spec? = nil) throws(DataError) {
        func fix(_ head: TaskHead) -> String {
            if let spec, let list = spec.head(named: head.name)?.explicitLabels {
                let at = spec.location(of: "heads.\(head.name).labels")
                return "add it to heads.\(head.name).labels (\(at), \(list.count) labels) or use labels: from_data"
            }
            return "the plan has no class for it: add it to heads.\(head.name).labels in the spec and recompile (with labels: from_data, recompiling is enough)"
        }
        for head in heads {
            let known = Set(head.labels)
            for e in examples {
                if head.name == route.label, let label = e.label, !known.contains(label) {
                    throw DataError(.malformed(reason: "label '\(label)' is not one of head \(head.name)'s labels; \(fix(head))"), at: e.source)
                }
                if head.name == route.tags, let tags = e.tags, let (w, tag) = tags.enumerated().first(where: { !known.contains($0.element) }) {
                    let word = w < e.words.count ? " (word \(w + 1) '\(e.words[w])')" : ""
                    throw DataError(.malformed(reason: "tag '\(tag)'\(word) is not one of head \(head.name)'s labels; \(fix(head))"), at: e.source)
                }
            }
        }
    }

    /// A training pairs file without pairs would leave its contrastive head untrained, silently.
    public static func checkPairs(_ examples: [Example], path: String, head: String?) throws(DataError) {
        guard examples.isEmpty else { return }
        throw DataError(.malformed(reason: "no pairs (the file is empty or blank), so contrastive head \(head ?? "?") has nothing to train on; check the spec's data.train"),
                        at: SourceLocation(file: path))
    }

    public static func orderedLabels(_ set: Set<String>, tags: Bool) -> [String] {
        guard tags else { return set.sorted() }
        return (set.contains("O") ? ["O"] : []) + set.subtracting(["O"]).sorted()
    }
}
