import Foundation
import MTSTCompiler

/// The data file formats, by the name a spec or command line uses for them. Each format's reader
/// parses lines already read; reading the file and its errors are shared here.
public enum DatasetFormat: String, Sendable, Codable, CaseIterable {
    case atis
    case conll
    case jsonl
    /// (anchor, positive) pairs, one JSON object per line.
    case pairsJSONL = "pairs_jsonl"
    /// (anchor, positive) pairs, CSV with a header row.
    case pairsCSV = "pairs_csv"

    /// Whether the format holds sentence pairs (for contrastive heads).
    public var holdsPairs: Bool { self == .pairsJSONL || self == .pairsCSV }

    /// `columns` names the anchor and positive fields of the pairs formats.
    public func read(path: String, columns: PairColumns = .standard) throws(DataError) -> [Example] {
        try parse(TextLines.read(path: path), columns: columns)
    }

    /// Parses file bytes already in memory, as `read(path:)` does after reading them.
    public func parse(_ bytes: Data, file: String, columns: PairColumns = .standard) throws(DataError) -> [Example] {
        try parse(TextLines(bytes: bytes, file: file), columns: columns)
    }

    /// Parses text already in memory; `file` is used for sources and messages.
    public func parse(_ text: String, file: String, columns: PairColumns = .standard) throws(DataError) -> [Example] {
        try parse(TextLines(text: text, file: file), columns: columns)
    }

    func parse(_ lines: TextLines, columns: PairColumns = .standard) throws(DataError) -> [Example] {
        switch self {
        case .atis: try ATISReader.parse(lines)
        case .conll: try CoNLLReader.parse(lines)
        case .jsonl: try JSONLinesReader.parse(lines)
        case .pairsJSONL: try PairsReader.parseJSONLines(lines, columns: columns)
        case .pairsCSV: try PairsReader.parseCSV(lines, columns: columns)
        }
    }
}
