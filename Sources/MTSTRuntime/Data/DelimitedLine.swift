import MTSTCompiler

/// The fields of one record of a CSV or TSV file. CSV: comma-separated, a field may be in double
/// quotes with `""` for a quote (RFC 4180); a quoted field may hold line breaks, so a record may
/// span lines (`DelimitedTable` joins them). TSV: one line, tab-separated, no quoting (a field
/// cannot hold a tab).
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
            throw DataError(.malformed(reason: "a quoted field opened on this line is never closed"), at: at)
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
        var index = headerIndex
        header = try Self.record(text, from: &index, kind: kind)
        rows = []
        index += 1
        while index < text.lines.count {
            if text.lines[index].isBlank {
                index += 1
                continue
            }
            let first = index
            let row = try Self.record(text, from: &index, kind: kind)
            guard row.count == header.count else {
                let hint = kind == .csv && row.count > header.count ? "; quote a field that holds a comma" : ""
                throw DataError(.malformed(reason: "\(row.count) fields, but the header has \(header.count)\(hint)"), at: text.location(line: first))
            }
            rows.append((first, row))
            index += 1
        }
    }

    /// The fields of the record starting at line `index`. A CSV record continues on the next
    /// lines while a quoted field is open (an odd number of quotes so far), as RFC 4180 allows;
    /// `index` ends at its last line.
    private static func record(_ text: TextLines, from index: inout Int, kind: DelimitedLine.Kind) throws(DataError) -> [String] {
        let at = text.location(line: index)
        guard kind == .csv else { return try DelimitedLine.fields(text.lines[index], kind: kind, at: at) }
        var line = text.lines[index]
        var quotes = line.reduce(0) { $1 == "\"" ? $0 + 1 : $0 }
        while quotes % 2 == 1, index + 1 < text.lines.count {
            index += 1
            let next = text.lines[index]
            line = Substring(String(line) + "\n" + next)
            quotes += next.reduce(0) { $1 == "\"" ? $0 + 1 : $0 }
        }
        return try DelimitedLine.fields(line, kind: kind, at: at)
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
