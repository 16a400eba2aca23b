import Foundation
import MTSTCompiler

/// Reading the data file formats the spec names (`DataFormat`, shared with the plan). Each
/// format's reader parses lines already read; reading the file and its errors are shared here.
extension DataFormat {
    /// `columns` names the anchor and positive fields of the pairs formats, `textColumns` the
    /// text or tokens, tags and label fields of jsonl, csv and tsv (nil: the standard names).
    public func read(path: String, columns: PairColumns = .standard, textColumns: TextColumns? = nil) throws(DataError) -> [Example] {
        try parse(TextLines.read(path: path), columns: columns, textColumns: textColumns)
    }

    /// Parses file bytes already in memory, as `read(path:)` does after reading them.
    public func parse(_ bytes: Data, file: String, columns: PairColumns = .standard, textColumns: TextColumns? = nil) throws(DataError) -> [Example] {
        try parse(TextLines(bytes: bytes, file: file), columns: columns, textColumns: textColumns)
    }

    /// Parses text already in memory; `file` is used for sources and messages.
    public func parse(_ text: String, file: String, columns: PairColumns = .standard, textColumns: TextColumns? = nil) throws(DataError) -> [Example] {
        try parse(TextLines(text: text, file: file), columns: columns, textColumns: textColumns)
    }

    func parse(_ lines: TextLines, columns: PairColumns = .standard, textColumns: TextColumns? = nil) throws(DataError) -> [Example] {
        switch self {
        case .atis: try ATISReader.parse(lines)
        case .conll: try CoNLLReader.parse(lines)
        case .jsonl: try JSONLinesReader.parse(lines, columns: textColumns)
        case .csv: try TableReader.parse(lines, kind: .csv, columns: textColumns)
        case .tsv: try TableReader.parse(lines, kind: .tsv, columns: textColumns)
        case .pairsJSONL: try PairsReader.parseJSONLines(lines, columns: columns)
        case .pairsCSV: try PairsReader.parseCSV(lines, columns: columns)
        }
    }
}
