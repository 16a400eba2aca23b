import Foundation
import MTSTCompiler

/// Reads one JSON object per line: `{"text": "...", "tags": [...], "label": "..."}` or
/// `{"tokens": [...], "tags": [...], "label": "..."}`. A record has raw `text` (split by
/// `WordSplitter`) or pre-split `tokens`, not both; `tags` (one per word) and `label` are
/// optional. `columns` renames the keys; any other key is an error, so a misspelled `lable`
/// cannot silently drop every label.
public enum JSONLinesReader {
    static func parse(_ text: TextLines, columns: TextColumns? = nil) throws(DataError) -> [Example] {
        let names = columns ?? .standard
        let known = names.named.map(\.name)
        let expected = "expected {" + names.named.map { role, name in
            switch role {
            case "text": "\"\(name)\": \"...\"" + (names.tokens != nil ? " or" : ",")
            case "tokens": "\"\(name)\": [...],"
            case "tags": "\"\(name)\": [...],"
            default: "\"\(name)\": \"...\""
            }
        }.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: ",")) + "}"
        var examples: [Example] = []
        for (index, line) in text.lines.enumerated() where !line.isBlank {
            let at = text.location(line: index)
            func fail(_ reason: String) -> DataError { DataError(.malformed(reason: reason), at: at) }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
            } catch {
                throw fail("not valid JSON")
            }
            guard let record = object as? [String: Any] else { throw fail("not a JSON object; \(expected)") }
            if let unknown = record.keys.sorted().first(where: { !known.contains($0) }) {
                throw fail("unknown key \"\(unknown)\"; the keys are \(list(known))")
            }
            func string(_ key: String?) throws(DataError) -> String? {
                guard let key, let value = record[key], !(value is NSNull) else { return nil }
                guard let s = value as? String else { throw fail("\"\(key)\" has the wrong type; \(expected)") }
                return s
            }
            func strings(_ key: String?) throws(DataError) -> [String]? {
                guard let key, let value = record[key], !(value is NSNull) else { return nil }
                guard let items = value as? [Any] else { throw fail("\"\(key)\" has the wrong type; \(expected)") }
                var result: [String] = []
                for (i, item) in items.enumerated() {
                    guard let s = item as? String else { throw fail("\"\(key)[\(i)]\" has the wrong type; \(expected)") }
                    result.append(s)
                }
                return result
            }
            let sentence = LabelledSentence(text: try string(names.text), tokens: try strings(names.tokens),
                                            tags: try strings(names.tags), label: try string(names.label))
            if sentence.text != nil, sentence.tokens != nil, let t = names.text, let k = names.tokens {
                throw fail("both \"\(t)\" and \"\(k)\"; give raw \"\(t)\" (mtstc splits it into words) or pre-split \"\(k)\", not both")
            }
            if sentence.text == nil, sentence.tokens == nil {
                let keys = [names.text, names.tokens].compactMap { $0 }.map { "\"\($0)\"" }.joined(separator: " or ")
                throw fail("missing \(keys); \(expected)")
            }
            examples.append(try sentence.example(names: names, at: at))
        }
        return examples
    }

    /// `"a", "b" and "c"`.
    private static func list(_ names: [String]) -> String {
        let quoted = names.map { "\"\($0)\"" }
        guard quoted.count > 1 else { return quoted.joined() }
        return quoted.dropLast().joined(separator: ", ") + " and " + quoted[quoted.count - 1]
    }
}
