/// Where training and evaluation examples come from (needed by `mtstc run`).
public struct DataSpec: Sendable {
    public var train: [DataSource]
    public var eval: [DataSource]
}

public enum DataFormat: String, Sendable, CaseIterable, Codable {
    /// `BOS w1 … wn EOS<TAB>O t1 … tn intent`, one sentence per line.
    case atis
    /// Whitespace-separated `word … tag` lines, blank line between sentences.
    case conll
    /// One JSON object per line.
    case jsonl
}

public struct DataSource: Sendable {
    public var format: DataFormat
    /// Resolved path.
    public var path: Located<String>
    /// Classification head fed by this source's sentence labels (default: the first
    /// classification head; nil when the spec has none).
    public var labelHead: String?
    /// Tagging head fed by this source's token tags (default: the first tagging head).
    public var tagHead: String?
    /// Read only the first `limit` examples.
    public var limit: Int?
    public var location: SourceLocation
    public var keyPath: String

    static let keys = ["format", "path", "label_head", "tag_head", "limit"]
}

extension DataSpec {
    static func decode(_ field: Field, specPath: String, heads: [HeadSpec]) throws(SpecError) -> DataSpec {
        let map = try field.map(allowed: ["train", "eval"])
        let train = try sources(try map.required("train"), specPath: specPath, heads: heads)
        let eval = try map.optional("eval").map { f throws(SpecError) in try sources(f, specPath: specPath, heads: heads) } ?? []
        return DataSpec(train: train, eval: eval)
    }

    private static func sources(_ field: Field, specPath: String, heads: [HeadSpec]) throws(SpecError) -> [DataSource] {
        let items = field.listOrSingle()
        guard !items.isEmpty else { throw field.bad("needs at least one data source") }
        var result: [DataSource] = []
        for item in items {
            result.append(try source(item, specPath: specPath, heads: heads))
        }
        return result
    }

    private static func source(_ field: Field, specPath: String, heads: [HeadSpec]) throws(SpecError) -> DataSource {
        let map = try field.map(allowed: DataSource.keys)
        let format = try map.required("format").choice(DataFormat.self, what: "data format")
        let pathField = try map.required("path")
        let path = pathField.located(SpecPaths.resolve(try pathField.string(), relativeTo: specPath))
        let labelHead = try head(map.optional("label_head"), kind: .classification, heads: heads)
        let tagHead = try head(map.optional("tag_head"), kind: .tagging, heads: heads)
        let limit = try map.optional("limit")?.positiveInt()
        return DataSource(format: format, path: path, labelHead: labelHead, tagHead: tagHead, limit: limit,
                          location: field.location, keyPath: field.keyPath)
    }

    private static func head(_ field: Field?, kind: HeadSpec.Kind, heads: [HeadSpec]) throws(SpecError) -> String? {
        let candidates = heads.filter { $0.kind == kind }.map(\.name)
        guard let field else { return candidates.first }
        let name = try field.string()
        guard candidates.contains(name) else {
            if heads.contains(where: { $0.name == name }) {
                throw field.bad("head '\(name)' is not a \(kind.rawValue) head")
            }
            throw field.bad("no \(kind.rawValue) head named '\(name)' (\(Suggestion.hint(name, in: candidates)))")
        }
        return name
    }
}
