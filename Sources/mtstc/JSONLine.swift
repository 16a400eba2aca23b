/// Minimal JSON writing for the line-oriented outputs (`embed`, `tokenize`, `predict`), where
/// floats must keep their shortest round-trip form and key order must be stable.
enum JSONLine {
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(scalar.value, radix: 16).leftPad(4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func floats(_ xs: some Sequence<Float>) -> String { "[" + xs.map { "\($0)" }.joined(separator: ",") + "]" }
    static func ints(_ xs: some Sequence<some BinaryInteger>) -> String { "[" + xs.map { "\($0)" }.joined(separator: ",") + "]" }
    static func strings(_ xs: [String]) -> String { "[" + xs.map(string).joined(separator: ",") + "]" }

    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }
}

extension String {
    func leftPad(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
