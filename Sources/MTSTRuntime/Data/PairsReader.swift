import Foundation
import MTSTCompiler

/// Reads (anchor, positive) sentence pairs for contrastive heads: JSON Lines
/// (`{"anchor": "…", "positive": "…"}`, other keys ignored) or CSV with a header row (RFC 4180
/// quoting, as `csv`).
enum PairsReader {
    static func parseJSONLines(_ text: TextLines, columns: PairColumns) throws(DataError) -> [Example] {
        var examples: [Example] = []
        for (index, line) in text.lines.enumerated() where !line.isBlank {
            let at = text.location(line: index)
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            } catch {
                throw DataError(.malformed(reason: "not valid JSON"), at: at)
            }
            guard let record = object as? [String: Any] else {
                throw DataError(.malformed(reason: #"not a JSON object; expected {"\#(columns.anchor)": "...", "\#(columns.positive)": "..."}"#), at: at)
            }
            func field(_ key: String) throws(DataError) -> String {
                guard let value = record[key] else {
                    let keys = record.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                    throw DataError(.malformed(reason: "missing \"\(key)\" (the line has \(keys.isEmpty ? "no keys" : keys)); set the data source's columns: if the pairs use other keys"), at: at)
                }
                guard let string = value as? String else { throw DataError(.malformed(reason: "\"\(key)\" is not a string"), at: at) }
                return string
            }
            examples.append(try pair(field(columns.anchor), field(columns.positive), columns: columns, at: at))
        }
        return examples
    }

    static func parseCSV(_ text: TextLines, columns: PairColumns) throws(DataError) -> [Example] {
        let table = try DelimitedTable(text, kind: .csv)
        guard !table.header.isEmpty else { return [] }
        let (a, p) = (try table.column(columns.anchor, in: text), try table.column(columns.positive, in: text))
        var examples: [Example] = []
        for (index, row) in table.rows {
            examples.append(try pair(row[a], row[p], columns: columns, at: text.location(line: index)))
        }
        return examples
    }

    private static func pair(_ anchor: String, _ positive: String, columns: PairColumns, at: SourceLocation) throws(DataError) -> Example {
        let words = WordSplitter.words(anchor)
        guard !words.isEmpty else { throw DataError(.malformed(reason: "\"\(columns.anchor)\" is empty"), at: at) }
        guard positive.contains(where: { !$0.isWhitespace }) else {
            throw DataError(.malformed(reason: "\"\(columns.positive)\" is empty"), at: at)
        }
        return Example(words: words, pair: TextPair(anchor: anchor, positive: positive), source: at)
    }
}
