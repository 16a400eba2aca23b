import Foundation

/// Reads one JSON object per line: `{"tokens": [...], "tags": [...], "label": "..."}` where
/// `tags` and `label` are optional and `tags`, when present, has one entry per token.
public enum JSONLinesReader {
    private struct Record: Decodable {
        var tokens: [String]
        var tags: [String]?
        var label: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case tokens, tags, label
        }

        private struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        /// A misspelled key (`"lable"`) would otherwise drop that field from every example.
        struct UnknownKey: Error {
            var name: String
        }

        init(from decoder: any Decoder) throws {
            let all = try decoder.container(keyedBy: AnyKey.self)
            if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { CodingKeys(rawValue: $0) == nil }) {
                throw UnknownKey(name: unknown)
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            tokens = try container.decode([String].self, forKey: .tokens)
            tags = try container.decodeIfPresent([String].self, forKey: .tags)
            label = try container.decodeIfPresent(String.self, forKey: .label)
        }
    }

    static func parse(_ text: TextLines) throws(DataError) -> [Example] {
        let decoder = JSONDecoder()
        var examples: [Example] = []
        for (index, line) in text.lines.enumerated() where !line.isBlank {
            func fail(_ reason: String) -> DataError {
                DataError(.malformed(reason: reason), at: text.location(line: index))
            }
            let record: Record
            do {
                record = try decoder.decode(Record.self, from: Data(line.utf8))
            } catch let error as DecodingError {
                throw fail(reason(for: error))
            } catch let error as Record.UnknownKey {
                throw fail("unknown key \"\(error.name)\"; the keys are \"tokens\", \"tags\" and \"label\"")
            } catch {
                throw fail("not valid JSON")
            }
            if record.tokens.isEmpty { throw fail("\"tokens\" is empty") }
            if record.label == "" { throw fail("\"label\" is an empty string; leave the key out for no label") }
            if let tags = record.tags, let i = tags.firstIndex(of: "") { throw fail("\"tags\"[\(i)] is an empty string") }
            if let tags = record.tags, tags.count != record.tokens.count {
                throw fail("\(tags.count) tags for \(record.tokens.count) tokens; \"tags\" needs one tag per token")
            }
            examples.append(Example(words: record.tokens, tags: record.tags, label: record.label, source: text.location(line: index)))
        }
        return examples
    }

    private static func reason(for error: DecodingError) -> String {
        let expected = #"expected {"tokens": [...], "tags": [...], "label": "..."}"#
        switch error {
        case .keyNotFound(let key, _):
            return "missing \"\(key.stringValue)\"; \(expected)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined()
            return field.isEmpty ? "not a JSON object; \(expected)" : "\"\(field)\" has the wrong type; \(expected)"
        case .dataCorrupted:
            return "not valid JSON"
        @unknown default:
            return "not valid JSON"
        }
    }
}
