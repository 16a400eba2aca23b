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
    /// The text with control characters written as escapes (`\n`, `\0`, `\u{1B}`), so a message
    /// quoting a user's value, or any message at all, stays one printable line.
    public var escapingControlCharacters: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                let category = scalar.properties.generalCategory
                if category == .control || category == .format {
                    out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
