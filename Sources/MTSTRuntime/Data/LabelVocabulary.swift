/// A fixed, ordered set of class names (intents or tags) and their indices.
/// Unknown names map to `nil`; callers count them as errors rather than crash.
public struct LabelVocabulary: Sendable, Codable, Equatable {
    public static let outside = "O"

    public let labels: [String]
    private let indices: [String: Int]

    /// Keeps `labels` in order; a repeated label keeps its first index.
    public init(labels: [String]) {
        var unique: [String] = []
        var indices: [String: Int] = [:]
        for label in labels where indices[label] == nil {
            indices[label] = unique.count
            unique.append(label)
        }
        self.labels = unique
        self.indices = indices
    }

    /// Distinct labels in code-point order with "O" (outside any slot) first, so the same data
    /// always yields the same indices and the tag every token starts as is index 0.
    public static func build(from labels: some Sequence<String>) -> LabelVocabulary {
        let distinct = Set(labels)
        let sorted = distinct.subtracting([outside]).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        return LabelVocabulary(labels: (distinct.contains(outside) ? [outside] : []) + sorted)
    }

    /// The tags of every example that has tags.
    public static func tags(of examples: [Example]) -> LabelVocabulary {
        build(from: examples.lazy.compactMap(\.tags).joined())
    }

    /// The sentence labels (intents) of every example that has one.
    public static func intents(of examples: [Example]) -> LabelVocabulary {
        build(from: examples.lazy.compactMap(\.label))
    }

    public var count: Int { labels.count }

    public func index(of label: String) -> Int? { indices[label] }

    public func label(at index: Int) -> String? {
        labels.indices.contains(index) ? labels[index] : nil
    }

    private enum CodingKeys: String, CodingKey { case labels }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let labels = try container.decode([String].self, forKey: .labels)
        // A duplicate would silently shift every later index, so a stored vocabulary must be exact.
        guard Set(labels).count == labels.count else {
            throw DecodingError.dataCorruptedError(forKey: .labels, in: container, debugDescription: "duplicate label")
        }
        self.init(labels: labels)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(labels, forKey: .labels)
    }

    public static func == (a: LabelVocabulary, b: LabelVocabulary) -> Bool { a.labels == b.labels }
}
