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
