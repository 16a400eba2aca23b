import MTSTCompiler

/// Reads labelled sentences from CSV or TSV files with a header row. `columns` names the
/// header columns holding the text (or space-separated tokens), the space-separated tags and
/// the label; without it the columns named `text`/`tokens`, `tags` and `label` are read and
/// other columns are ignored. An empty tags or label cell means the row has none.
enum TableReader {
    static func parse(_ text: TextLines, kind: DelimitedLine.Kind, columns: TextColumns?) throws(DataError) -> [Example] {
        let table = try DelimitedTable(text, kind: kind)
        guard !table.header.isEmpty else { return [] }
        let names: TextColumns
        if let columns { names = columns } else { names = try defaultColumns(table, text) }
        func index(_ name: String?) throws(DataError) -> Int? {
            guard let name else { return nil }
            return try table.column(name, in: text)
        }
        let (t, k, g, l) = (try index(names.text), try index(names.tokens), try index(names.tags), try index(names.label))
        var examples: [Example] = []
        for (line, row) in table.rows {
            let label = l.map { row[$0].trimmingWhitespace() }
            let tags = g.map { row[$0].split(whereSeparator: \.isWhitespace).map(String.init) }
            let sentence = LabelledSentence(text: t.map { row[$0] },
                                            tokens: k.map { row[$0].split(whereSeparator: \.isWhitespace).map(String.init) },
                                            tags: tags?.isEmpty == true ? nil : tags,
                                            label: label?.isEmpty == true ? nil : label)
            examples.append(try sentence.example(names: names, at: text.location(line: line)))
        }
        return examples
    }

    /// The standard names the header has; it must have text or tokens, and tags or label.
    private static func defaultColumns(_ table: DelimitedTable, _ text: TextLines) throws(DataError) -> TextColumns {
        let has = { (name: String) -> String? in table.header.contains(name) ? name : nil }
        let columns = TextColumns(text: has("text"), tokens: has("tokens"), tags: has("tags"), label: has("label"))
        func fail(_ reason: String) -> DataError {
            DataError(.malformed(reason: "\(reason) (it has \(table.headerList)); set the data source's columns:"), at: text.location(line: table.headerLine))
        }
        if columns.text != nil, columns.tokens != nil { throw fail("the header has both \"text\" and \"tokens\"; which one holds the sentence is ambiguous") }
        if columns.text == nil, columns.tokens == nil { throw fail("the header has no \"text\" or \"tokens\" column") }
        if columns.tags == nil, columns.label == nil { throw fail("the header has no \"tags\" or \"label\" column") }
        return columns
    }
}

extension String {
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
