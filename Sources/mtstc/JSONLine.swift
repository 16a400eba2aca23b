import MTSTRuntime

/// Minimal JSON writing for the line-oriented outputs (`embed`, `tokenize`, `predict`), where
/// floats must keep their shortest round-trip form and key order must be stable.
enum JSONLine {
    static func string(_ s: String) -> String { JSONText.quote(s) }

    static func floats(_ xs: some Sequence<Float>) -> String { "[" + xs.map { "\($0)" }.joined(separator: ",") + "]" }
    static func ints(_ xs: some Sequence<some BinaryInteger>) -> String { "[" + xs.map { "\($0)" }.joined(separator: ",") + "]" }
    static func strings(_ xs: [String]) -> String { "[" + xs.map(string).joined(separator: ",") + "]" }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}
