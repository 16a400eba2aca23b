import MTSTCompiler

/// The fields of one line of a CSV or TSV file. CSV: comma-separated, a field may be in double
/// quotes with `""` for a quote (RFC 4180), but may not span lines. TSV: tab-separated, no
/// quoting (a field cannot hold a tab).
enum DelimitedLine {
    enum Kind {
        case csv, tsv
    }

    static func fields(_ line: Substring, kind: Kind, at: SourceLocation) throws(DataError) -> [String] {
        switch kind {
        case .tsv: line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        case .csv: try csvFields(line, at: at)
        }
    }

    private static func csvFields(_ line: Substring, at: SourceLocation) throws(DataError) -> [String] {
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

/// A CSV or TSV file: its header row and the rows after it, blank lines skipped.
struct DelimitedTable {
    var header: [String]
    var headerLine: Int
    /// (line index, fields), each with as many fields as the header.
    var rows: [(index: Int, fields: [String])]

    init(_ text: TextLines, kind: DelimitedLine.Kind) throws(DataError) {
        guard let headerIndex = text.lines.firstIndex(where: { !$0.isBlank }) else {
            header = []
            headerLine = 0
            rows = []
            return
        }
        headerLine = headerIndex
        header = try DelimitedLine.fields(text.lines[headerIndex], kind: kind, at: text.location(line: headerIndex))
        rows = []
        for index in (headerIndex + 1)..<text.lines.count where !text.lines[index].isBlank {
            let at = text.location(line: index)
            let row = try DelimitedLine.fields(text.lines[index], kind: kind, at: at)
            guard row.count == header.count else {
                let hint = kind == .csv && row.count > header.count ? "; quote a field that holds a comma" : ""
                throw DataError(.malformed(reason: "\(row.count) fields, but the header has \(header.count)\(hint)"), at: at)
            }
            rows.append((index, row))
        }
    }

    var headerList: String { header.map { "\"\($0)\"" }.joined(separator: ", ") }

    /// The index of column `name`; an error at the header line when it has none or two.
    func column(_ name: String, in text: TextLines) throws(DataError) -> Int {
        let matches = header.indices.filter { header[$0] == name }
        guard let i = matches.first else {
            throw DataError(.malformed(reason: "the header has no column \"\(name)\" (it has \(headerList)); set the data source's columns:"),
                            at: text.location(line: headerLine))
        }
        guard matches.count == 1 else {
            throw DataError(.malformed(reason: "the header has column \"\(name)\" \(matches.count) times; rename the copies"), at: text.location(line: headerLine))
        }
        return i
    }
}
