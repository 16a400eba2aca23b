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
    /// (anchor, positive) pairs for a contrastive head, one JSON object per line.
    case pairsJSONL = "pairs_jsonl"
    /// (anchor, positive) pairs for a contrastive head, CSV with a header row.
    case pairsCSV = "pairs_csv"

    public var holdsPairs: Bool { self == .pairsJSONL || self == .pairsCSV }
}

/// Which fields of a pairs file hold the anchor and the positive: JSON keys for `pairs_jsonl`,
/// header names for `pairs_csv` (YAML `columns:`).
public struct PairColumns: Sendable, Equatable, Codable {
    public var anchor: String
    public var positive: String

    public init(anchor: String = "anchor", positive: String = "positive") {
        self.anchor = anchor
        self.positive = positive
    }

    public static let standard = PairColumns()
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
    /// Pairs formats: the contrastive head the pairs train (default: the first contrastive head).
    public var pairHead: String?
    /// Pairs formats: the fields holding anchor and positive.
    public var columns: PairColumns?
    /// Read only the first `limit` examples.
    public var limit: Int?
    public var location: SourceLocation
    public var keyPath: String

    static let keys = ["format", "path", "label_head", "tag_head", "pair_head", "columns", "limit"]
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
        let limit = try map.optional("limit")?.positiveInt()
        guard format.holdsPairs else {
            for key in ["pair_head", "columns"] {
                if let f = map.optional(key) { throw f.bad("only the pairs formats (pairs_jsonl, pairs_csv) have \(key)") }
            }
            let labelHead = try head(map.optional("label_head"), kind: .classification, heads: heads)
            let tagHead = try head(map.optional("tag_head"), kind: .tagging, heads: heads)
            return DataSource(format: format, path: path, labelHead: labelHead, tagHead: tagHead, pairHead: nil, columns: nil,
                              limit: limit, location: field.location, keyPath: field.keyPath)
        }
        for key in ["label_head", "tag_head"] {
            if let f = map.optional(key) { throw f.bad("a pairs file has no \(key == "label_head" ? "labels" : "tags"); it feeds a contrastive head (pair_head)") }
        }
        let formatField = try map.required("format")
        guard let pairHead = try head(map.optional("pair_head"), kind: .contrastive, heads: heads) else {
            throw formatField.bad("\(format.rawValue) holds sentence pairs, but the spec has no contrastive head to train on them; add one under heads: (type: contrastive)")
        }
        let columns = try map.optional("columns").map { f throws(SpecError) in try decodeColumns(f) }
        return DataSource(format: format, path: path, labelHead: nil, tagHead: nil, pairHead: pairHead, columns: columns,
                          limit: limit, location: field.location, keyPath: field.keyPath)
    }

    private static func decodeColumns(_ field: Field) throws(SpecError) -> PairColumns {
        let map = try field.map(allowed: ["anchor", "positive"])
        var columns = PairColumns()
        if let f = map.optional("anchor") {
            columns.anchor = try f.string()
            guard !columns.anchor.isEmpty else { throw f.bad("cannot be empty") }
        }
        if let f = map.optional("positive") {
            columns.positive = try f.string()
            guard !columns.positive.isEmpty else { throw f.bad("cannot be empty") }
            guard columns.positive != columns.anchor else {
                throw f.bad("names the same column as anchor ('\(columns.anchor)'); a pair needs two different sentences")
            }
        }
        return columns
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
