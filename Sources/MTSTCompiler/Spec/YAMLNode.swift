/// A YAML value with the position it started at. Scalars keep their text untyped: the spec
/// decoder decides what a scalar means from the field it fills, so `labels: [yes, no]` stays
/// two strings while `lowercase: true` is a Bool.
struct YAMLNode: Sendable {
    enum Value: Sendable {
        case null
        /// `plain` is false for quoted and block scalars: `"5"` is text, never a number.
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        case mapping([Entry])
    }

    struct Entry: Sendable {
        var key: String
        var keyLocation: SourceLocation
        var value: YAMLNode
    }

    var value: Value
    var location: SourceLocation

    /// How the value reads in a type error: `"abc"`, `a list`, `a mapping`, `nothing`.
    var kindDescription: String {
        switch value {
        case .null: return "nothing (null)"
        case .scalar(let text, let plain): return plain ? "'\(text)'" : "\"\(text)\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}
