/// Builds the dotted key paths (`heads.slots.input`, `optimizer.rules[2].params`) that name
/// values in error messages and in `Spec.locations`.
enum KeyPath {
    static func child(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : "\(parent).\(key)"
    }

    static func index(_ parent: String, _ i: Int) -> String {
        "\(parent)[\(i)]"
    }

    /// The enclosing path: `a.b[2]` → `a.b`, `a.b` → `a`, `a` → "".
    static func parent(_ path: String) -> String {
        guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return "" }
        return String(path[..<cut])
    }
}
