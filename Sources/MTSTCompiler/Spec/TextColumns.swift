/// Which columns (CSV/TSV header names) or keys (JSON lines) of a labelled-sentence file hold
/// the sentence, as raw `text` (mtstc splits the words) or pre-split `tokens`, its per-word
/// `tags` and its sentence `label` (YAML `columns:`). A nil field is not read.
public struct TextColumns: Sendable, Equatable, Codable {
    public var text: String?
    public var tokens: String?
    public var tags: String?
    public var label: String?

    public init(text: String? = nil, tokens: String? = nil, tags: String? = nil, label: String? = nil) {
        self.text = text
        self.tokens = tokens
        self.tags = tags
        self.label = label
    }

    /// JSON lines' keys, and the header names a CSV/TSV file without `columns:` is read by.
    public static let standard = TextColumns(text: "text", tokens: "tokens", tags: "tags", label: "label")

    /// (role, name) for every column read, in the order text, tokens, tags, label.
    public var named: [(role: String, name: String)] {
        [("text", text), ("tokens", tokens), ("tags", tags), ("label", label)].compactMap { r, n in n.map { (r, $0) } }
    }

    static let roles = ["text", "tokens", "tags", "label"]

    static func decode(_ field: Field) throws(SpecError) -> TextColumns {
        let map = try field.map(allowed: roles)
        var columns = TextColumns()
        var seen: [String: String] = [:]
        for role in roles {
            guard let f = map.optional(role) else { continue }
            let name = try f.string()
            guard !name.isEmpty else { throw f.bad("cannot be empty") }
            if let other = seen[name] { throw f.bad("names the same column as \(other) ('\(name)')") }
            seen[name] = role
            switch role {
            case "text": columns.text = name
            case "tokens": columns.tokens = name
            case "tags": columns.tags = name
            default: columns.label = name
            }
        }
        if columns.text != nil, columns.tokens != nil, let f = map.optional("tokens") {
            throw f.bad("give either text (raw, mtstc splits the words) or tokens (pre-split words), not both")
        }
        guard columns.text != nil || columns.tokens != nil else {
            throw field.bad("needs text (a raw sentence) or tokens (space-separated words)")
        }
        guard columns.tags != nil || columns.label != nil else {
            throw field.bad("needs tags, label or both: a source without either trains no head")
        }
        return columns
    }
}
