import Foundation
import MTSTCompiler

/// Reads (anchor, positive) sentence pairs for contrastive heads: JSON Lines
/// (`{"anchor": "…", "positive": "…"}`, other keys ignored) or CSV with a header row (RFC 4180
/// quoting; a quoted field may not span lines).
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
        guard let headerIndex = text.lines.firstIndex(where: { !$0.isBlank }) else { return [] }
        let header = try fields(text.lines[headerIndex], at: text.location(line: headerIndex))
        func column(_ name: String) throws(DataError) -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw DataError(.malformed(reason: "the header has no column \"\(name)\" (it has \(header.map { "\"\($0)\"" }.joined(separator: ", "))); set the data source's columns:"), at: text.location(line: headerIndex))
            }
            return i
        }
        let (a, p) = (try column(columns.anchor), try column(columns.positive))
        var examples: [Example] = []
        for index in (headerIndex + 1)..<text.lines.count where !text.lines[index].isBlank {
            let at = text.location(line: index)
            let row = try fields(text.lines[index], at: at)
            guard row.count == header.count else {
                throw DataError(.malformed(reason: "\(row.count) fields, but the header has \(header.count)"), at: at)
            }
            examples.append(try pair(row[a], row[p], columns: columns, at: at))
        }
        return examples
    }

    private static func pair(_ anchor: String, _ positive: String, columns: PairColumns, at: SourceLocation) throws(DataError) -> Example {
        let words = anchor.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { throw DataError(.malformed(reason: "\"\(columns.anchor)\" is empty"), at: at) }
        guard positive.contains(where: { !$0.isWhitespace }) else {
            throw DataError(.malformed(reason: "\"\(columns.positive)\" is empty"), at: at)
        }
        return Example(words: words, pair: TextPair(anchor: anchor, positive: positive), source: at)
    }

    /// One CSV record: comma-separated, fields optionally in double quotes with `""` for a quote.
    static func fields(_ line: Substring, at: SourceLocation) throws(DataError) -> [String] {
        var result: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var it = line.makeIterator()
        var column = 0
        while let c = it.next() {
            column += 1
            if quoted {
                if c == "\"" {
                    // Lookahead: "" is an escaped quote, anything else closes the field.
                    var copy = it
                    if copy.next() == "\"" { field.append("\""); _ = it.next(); column += 1 } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "," {
                result.append(field)
                field = ""
                wasQuoted = false
            } else if c == "\"" {
                guard field.isEmpty, !wasQuoted else {
                    throw DataError(.malformed(reason: "a quote inside an unquoted field (column \(column)); quote the whole field and double the quote"), at: at)
                }
                quoted = true
                wasQuoted = true
            } else if wasQuoted {
                throw DataError(.malformed(reason: "text after a closing quote (column \(column)); a quoted field must end at a comma"), at: at)
            } else {
                field.append(c)
            }
        }
        guard !quoted else {
            throw DataError(.malformed(reason: "a quoted field is not closed on this line (fields may not span lines)"), at: at)
        }
        result.append(field)
        return result
    }
}
