import MTSTCompiler

/// A problem in a data file; `description` is one line starting with `file:line:column` when
/// the problem has a place, so editors can jump to it.
public struct DataError: UserFacingError, Equatable {
    public enum Kind: Sendable, Equatable {
        case fileNotFound
        case unreadable(reason: String)
        case notUTF8
        case malformed(reason: String)
    }

    public var location: SourceLocation
    public var kind: Kind

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// One line whatever the file holds: a quoted line or token is escaped (`String.escapingControlCharacters`).
    public var description: String { message.escapingControlCharacters }

    private var message: String {
        switch kind {
        case .fileNotFound: "\(location): data file not found"
        case .unreadable(let reason): "\(location): cannot read data file: \(reason)"
        case .notUTF8: "\(location): not valid UTF-8"
        case .malformed(let reason): "\(location): \(reason)"
        }
    }
}
