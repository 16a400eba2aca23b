import MTSTCompiler

/// One sentence: its words, optionally one tag per word and a sentence label (intent).
public struct Example: Sendable, Equatable, Codable {
    public var words: [String]
    public var tags: [String]?
    public var label: String?
    /// The file and line the example was read from, for messages about it.
    public var source: SourceLocation

    public init(words: [String], tags: [String]? = nil, label: String? = nil, source: SourceLocation) {
        self.words = words
        self.tags = tags
        self.label = label
        self.source = source
    }
}
