/// Where a value came from: a YAML file position, or a file with no position (line 0).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        line > 0 ? "\(file):\(line):\(column)" : file
    }
}

/// Every error a user can cause conforms: `description` is one line a user can act on,
/// naming the file (and, for YAML, line and column). The CLI prints it and exits non-zero.
public protocol UserFacingError: Error, CustomStringConvertible, Sendable {}

extension String {
    /// This text as one line of an error message. Messages quote what the user wrote (a YAML
    /// value or key, a data line, a tensor name), and that may hold line breaks or other control
    /// characters; written as escapes (`\n`, `\u{7F}`), they can neither split the message nor
    /// move the terminal's cursor. Tabs stay: they are harmless on one line.
    public var oneLine: String {
        guard unicodeScalars.contains(where: Self.breaksLine) else { return self }
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            case _ where Self.breaksLine(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func breaksLine(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.properties.generalCategory == .control && scalar != "\t") || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
