import Foundation
import MTSTCompiler

/// A data file (or `--input` sentences) split into lines, numbered from 1, with `\n` or `\r\n`
/// endings and a leading byte-order mark removed.
public struct TextLines {
    public var file: String
    public var lines: [Substring]

    static func read(path: String) throws(DataError) -> TextLines {
        let bytes: Data
        do {
            bytes = try InputFile.read(path)
        } catch {
            throw DataError(error.isMissing ? .fileNotFound : .unreadable(reason: error.reason), at: SourceLocation(file: path))
        }
        return try TextLines(bytes: bytes, file: path)
    }

    /// Splits file bytes already in memory, which must be UTF-8.
    public init(bytes: Data, file: String) throws(DataError) {
        guard let text = String(data: bytes, encoding: .utf8) else {
            throw DataError(.notUTF8, at: SourceLocation(file: file, line: Self.firstInvalidLine(bytes), column: 1))
        }
        self.init(text: text, file: file)
    }

    init(text: String, file: String) {
        self.file = file
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        // Split on scalars: as Characters, "\r\n" is one grapheme and would not match "\n".
        lines = body.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
            var line = Substring(scalars)
            if line.unicodeScalars.last == "\r" { line = Substring(line.unicodeScalars.dropLast()) }
            return line
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
    }

    func location(line index: Int, column: Int = 1) -> SourceLocation {
        SourceLocation(file: file, line: index + 1, column: column)
    }

    /// The 1-based column of `part`, which must be a slice of line `index`.
    func location(line index: Int, of part: Substring) -> SourceLocation {
        let line = lines[index]
        return location(line: index, column: line.distance(from: line.startIndex, to: part.startIndex) + 1)
    }

    private static func firstInvalidLine(_ bytes: Data) -> Int {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let bad = lines.firstIndex { String(data: Data($0), encoding: .utf8) == nil } ?? 0
        return bad + 1
    }
}

extension Substring {
    var isBlank: Bool { allSatisfy { $0 == " " || $0 == "\t" } }
}
