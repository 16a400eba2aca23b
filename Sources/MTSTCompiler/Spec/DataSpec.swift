import Foundation

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
    /// One JSON object per line: raw `text` or pre-split `tokens`, optional `tags` and `label`.
    case jsonl
    /// Comma-separated values with a header row and RFC 4180 quoting; `columns:` maps the header.
    case csv
    /// Tab-separated values with a header row, no quoting; `columns:` maps the header.
    case tsv
    /// (anchor, positive) pairs for a contrastive head, one JSON object per line.
    case pairsJSONL = "pairs_jsonl"
    /// (anchor, positive) pairs for a contrastive head, CSV with a header row.
    case pairsCSV = "pairs_csv"

    public var holdsPairs: Bool { self == .pairsJSONL || self == .pairsCSV }
    /// Formats whose fields are named, so `columns:` can map them.
    public var hasTextColumns: Bool { self == .jsonl || self == .csv || self == .tsv }
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
    /// The dataset's name in results (`name:`; default: the file's name without its extension).
    public var name: String
    /// Classification head fed by this source's sentence labels (default: the first
    /// classification head; nil when the spec has none or says `label_head: none`).
    public var labelHead: String?
    /// Tagging head fed by this source's token tags (default: the first tagging head; nil when
    /// the spec has none or says `tag_head: none`).
    public var tagHead: String?
    /// Pairs formats: the contrastive head the pairs train (default: the first contrastive head).
    public var pairHead: String?
    /// Pairs formats: the fields holding anchor and positive.
    public var columns: PairColumns?
    /// jsonl, csv, tsv: the fields holding text or tokens, tags and label (nil: the standard names).
    public var textColumns: TextColumns?
    /// The part of the file this source reads (nil: all of it).
    public var split: Located<DataSplit>?
    /// Read only the first `limit` examples (after the split).
    public var limit: Int?
    public var location: SourceLocation
    public var keyPath: String

    static let keys = ["format", "path", "name", "label_head", "tag_head", "pair_head", "columns", "split", "limit"]
    /// Written as `label_head` or `tag_head`, routes that source's labels or tags to no head.
    public static let noHead = "none"

    /// What the plan keeps of the source (the path as the spec resolved it).
    public var ref: DataSourceRef {
        DataSourceRef(format: format, path: path.value, labelHead: labelHead, tagHead: tagHead, limit: limit,
                      pairHead: pairHead, columns: columns, textColumns: textColumns, split: split?.value, name: name)
    }

    /// The default dataset name: the file's name without its extension.
    public static func defaultName(path: String) -> String {
        let file = (path as NSString).lastPathComponent
        let stem = (file as NSString).deletingPathExtension
        return stem.isEmpty ? file : stem
    }
}

extension DataSpec {
    static func decode(_ field: Field, specPath: String, heads: [HeadSpec]) throws(SpecError) -> DataSpec {
        let map = try field.map(allowed: ["train", "eval"])
        let train = try sources(try map.required("train"), specPath: specPath, heads: heads, inEval: false)
        let eval = try map.optional("eval").map { f throws(SpecError) in try sources(f, specPath: specPath, heads: heads, inEval: true) } ?? []
        try checkDisjoint(train: train, eval: eval)
        return DataSpec(train: train, eval: eval)
    }

    private static func sources(_ field: Field, specPath: String, heads: [HeadSpec], inEval: Bool) throws(SpecError) -> [DataSource] {
        let items = field.listOrSingle()
        guard !items.isEmpty else { throw field.bad("needs at least one data source") }
        var result: [DataSource] = []
        for item in items {
            let source = try source(item, specPath: specPath, heads: heads, inEval: inEval)
            if let other = result.first(where: { $0.name == source.name }) {
                let at = item.location
                throw .badValue(at: at, keyPath: item.keyPath,
                                message: "dataset name '\(source.name)' is already used by \(other.keyPath); give one of them a distinct name:")
            }
            result.append(source)
        }
        return result
    }

    /// An eval source must not read examples a train source of the same file trains on.
    private static func checkDisjoint(train: [DataSource], eval: [DataSource]) throws(SpecError) {
        for e in eval {
            for t in train where t.path.value == e.path.value && (t.split != nil || e.split != nil) {
                let why: String
                switch (t.split?.value, e.split?.value) {
                case (let a?, let b?):
                    guard let reason = a.overlap(with: b) else { continue }
                    why = reason
                case (nil, _):
                    why = "\(t.keyPath) has no split: it trains on the whole file; give it the same split: with the other part"
                case (_, nil):
                    why = "this source has no split: it reads the whole file; give it the same split: with the other part"
                }
                guard let at = e.split ?? t.split else { continue }
                throw .badValue(at: at.location, keyPath: at.keyPath,
                                message: "\(e.keyPath) would evaluate on examples \(t.keyPath) trains on (\(e.path.value)): \(why)")
            }
        }
    }

    private static func source(_ field: Field, specPath: String, heads: [HeadSpec], inEval: Bool) throws(SpecError) -> DataSource {
        let map = try field.map(allowed: DataSource.keys)
        let format = try map.required("format").choice(DataFormat.self, what: "data format")
        let pathField = try map.required("path")
        let path = pathField.located(SpecPaths.resolve(try pathField.string(), relativeTo: specPath))
        let limit = try map.optional("limit")?.positiveInt()
        let split = try map.optional("split").map { f throws(SpecError) in f.located(try DataSplit.decode(f, inEval: inEval)) }
        var name = DataSource.defaultName(path: path.value)
        if let f = map.optional("name") {
            name = try f.string()
            guard !name.isEmpty, !name.contains(where: \.isNewline) else { throw f.bad("must be a non-empty, one-line name") }
        }
        guard format.holdsPairs else {
            if let f = map.optional("pair_head") { throw f.bad("only the pairs formats (pairs_jsonl, pairs_csv) have pair_head") }
            var textColumns: TextColumns?
            if let f = map.optional("columns") {
                guard format.hasTextColumns else {
                    throw f.bad("\(format.rawValue) files have fixed columns; columns: maps the fields of jsonl, csv, tsv and the pairs formats")
                }
                textColumns = try TextColumns.decode(f)
            }
            let labelHead = try head(map.optional("label_head"), kind: .classification, heads: heads)
            let tagHead = try head(map.optional("tag_head"), kind: .tagging, heads: heads)
            return DataSource(format: format, path: path, name: name, labelHead: labelHead, tagHead: tagHead, pairHead: nil, columns: nil,
                              textColumns: textColumns, split: split, limit: limit, location: field.location, keyPath: field.keyPath)
        }
        for key in ["label_head", "tag_head"] {
            if let f = map.optional(key) { throw f.bad("a pairs file has no \(key == "label_head" ? "labels" : "tags"); it feeds a contrastive head (pair_head)") }
        }
        let formatField = try map.required("format")
        guard let pairHead = try head(map.optional("pair_head"), kind: .contrastive, heads: heads) else {
            throw formatField.bad("\(format.rawValue) holds sentence pairs, but the spec has no contrastive head to train on them; add one under heads: (type: contrastive)")
        }
        let columns = try map.optional("columns").map { f throws(SpecError) in try decodeColumns(f) }
        return DataSource(format: format, path: path, name: name, labelHead: nil, tagHead: nil, pairHead: pairHead, columns: columns,
                          textColumns: nil, split: split, limit: limit, location: field.location, keyPath: field.keyPath)
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
        if name == DataSource.noHead, kind != .contrastive {
            guard !heads.contains(where: { $0.name == name }) else {
                throw field.bad("'\(name)' here means no head, but a head is named '\(name)'; rename that head")
            }
            return nil
        }
        guard candidates.contains(name) else {
            if heads.contains(where: { $0.name == name }) {
                throw field.bad("head '\(name)' is not a \(kind.rawValue) head")
            }
            throw field.bad("no \(kind.rawValue) head named '\(name)' (\(Suggestion.hint(name, in: candidates)))")
        }
        return name
    }
}
