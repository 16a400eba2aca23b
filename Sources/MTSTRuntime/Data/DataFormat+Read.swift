import Foundation
import MTSTCompiler

/// Reading the data file formats the spec names (`DataFormat`, shared with the plan). Each
/// format's reader parses lines already read; reading the file and its errors are shared here.
extension DataFormat {
    public func read(path: String) throws(DataError) -> [Example] {
        try parse(TextLines.read(path: path))
    }

    /// Parses file bytes already in memory, as `read(path:)` does after reading them.
    public func parse(_ bytes: Data, file: String) throws(DataError) -> [Example] {
        try parse(TextLines(bytes: bytes, file: file))
    }

    /// Parses text already in memory; `file` is used for sources and messages.
    public func parse(_ text: String, file: String) throws(DataError) -> [Example] {
        try parse(TextLines(text: text, file: file))
    }

    func parse(_ lines: TextLines) throws(DataError) -> [Example] {
        switch self {
        case .atis: try ATISReader.parse(lines)
        case .conll: try CoNLLReader.parse(lines)
        case .jsonl: try JSONLinesReader.parse(lines)
        }
    }
}
