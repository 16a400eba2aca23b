import MTSTCompiler

/// One sentence pair for a contrastive head: the anchor and its positive, as written in the file.
public struct TextPair: Sendable, Equatable, Codable {
    public var anchor: String
    public var positive: String

    public init(anchor: String, positive: String) {
        self.anchor = anchor
        self.positive = positive
    }
}

/// One sentence: its words, optionally one tag per word and a sentence label (intent); or, from
/// a pairs file, an (anchor, positive) pair whose anchor's words are `words`.
public struct Example: Sendable, Equatable, Codable {
    public var words: [String]
    public var tags: [String]?
    public var label: String?
    public var pair: TextPair?
    /// The file and line the example was read from, for messages about it.
    public var source: SourceLocation

    public init(words: [String], tags: [String]? = nil, label: String? = nil, pair: TextPair? = nil, source: SourceLocation) {
        self.words = words
        self.tags = tags
        self.label = label
        self.pair = pair
        self.source = source
    }
}
