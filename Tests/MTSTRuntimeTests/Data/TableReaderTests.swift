import MTSTCompiler
import Testing
@testable import MTSTRuntime

@Suite struct TableReaderTests {
    @Test func csvWithDefaultColumnsIgnoresOthers() throws {
        let text = "id,text,label,tags\n1,\"Fly to Boston, now\",atis_flight,O O B-city O O\n\n2,hi,greet,\n"
        let examples = try DataFormat.csv.parse(text, file: "c")
        #expect(examples == [
            Example(words: ["Fly", "to", "Boston", ",", "now"], tags: ["O", "O", "B-city", "O", "O"], label: "atis_flight",
                    source: SourceLocation(file: "c", line: 2, column: 1)),
            Example(words: ["hi"], label: "greet", source: SourceLocation(file: "c", line: 4, column: 1)),
        ])
    }

    @Test func columnsMapTheHeader() throws {
        let csv = "sentence,topic\n\"say \"\"hi\"\"\",chat\n"
        let a = try DataFormat.csv.parse(csv, file: "c", textColumns: TextColumns(text: "sentence", label: "topic"))
        #expect(a.map(\.words) == [["say", "\"", "hi", "\""]] && a.map(\.label) == ["chat"])
        let tsv = "words\tner\tx\nNew York rocks\tB-loc I-loc O\t\"kept\"\n"
        let b = try DataFormat.tsv.parse(tsv, file: "t", textColumns: TextColumns(tokens: "words", tags: "ner"))
        #expect(b == [Example(words: ["New", "York", "rocks"], tags: ["B-loc", "I-loc", "O"], source: SourceLocation(file: "t", line: 2, column: 1))])
    }

    @Test(arguments: [
        (DataFormat.csv, "text,label\na,b,c\n", nil as TextColumns?, "c:2:1: 3 fields, but the header has 2; quote a field that holds a comma"),
        (.csv, "text,label\n\"a,b\n", nil, "c:2:1: a quoted field opened on this line is never closed"),
        (.csv, "text,label\na\"b,c\n", nil, "c:2:1: a quote inside an unquoted field (column 2); quote the whole field and double the quote"),
        (.csv, "text,label\n\"a\"x,c\n", nil, "c:2:1: text after a closing quote (column 4); a quoted field must end at a comma"),
        (.csv, "sentence,label\na,b\n", nil, #"c:1:1: the header has no "text" or "tokens" column (it has "sentence", "label"); set the data source's columns:"#),
        (.csv, "text,topic\na,b\n", nil, #"c:1:1: the header has no "tags" or "label" column (it has "text", "topic"); set the data source's columns:"#),
        (.csv, "text,tokens,label\na,a,b\n", nil, #"c:1:1: the header has both "text" and "tokens"; which one holds the sentence is ambiguous (it has "text", "tokens", "label"); set the data source's columns:"#),
        (.csv, "text,label\na,b\n", TextColumns(text: "sentence", label: "label"), #"c:1:1: the header has no column "sentence" (it has "text", "label"); set the data source's columns:"#),
        (.csv, "text,label,label\na,b,c\n", nil, #"c:1:1: the header has column "label" 2 times; rename the copies"#),
        (.csv, "text,label\n  ,x\n", nil, #"c:2:1: "text" has no words (it is empty or blank)"#),
        (.csv, "text,tags\nNew-York,B-loc I-loc\n", nil, #"c:2:1: 2 tags for 3 words; "tags" needs one tag per word of the text as mtstc splits it (at spaces and punctuation): "New" "-" "York""#),
        (.tsv, "tokens\ttags\nNew York\tB-loc\n", nil, #"t:2:1: 1 tags for 2 tokens; "tags" needs one tag per token"#),
        (.tsv, "tokens\ttags\n \tO\n", nil, #"t:2:1: "tokens" is empty"#),
        (.tsv, "tokens\ttags\na\tO\tx\n", nil, "t:2:1: 3 fields, but the header has 2"),
    ])
    func malformedTablesNameFileAndLine(format: DataFormat, text: String, columns: TextColumns?, message: String) {
        let file = format == .csv ? "c" : "t"
        let error = #expect(throws: DataError.self) { try format.parse(text, file: file, textColumns: columns) }
        #expect(error?.description == message)
    }

    /// RFC 4180: a quoted field may hold line breaks (and blank lines); the example is at its first line.
    @Test func quotedFieldsSpanLines() throws {
        let text = "text,label\n\"first line\n\nthird, \"\"quoted\"\"\",a\nnext,b\n"
        let examples = try DataFormat.csv.parse(text, file: "c")
        #expect(examples.map(\.words) == [["first", "line", "third", ",", "\"", "quoted", "\""], ["next"]])
        #expect(examples.map(\.source.line) == [2, 5])
        let error = #expect(throws: DataError.self) { try DataFormat.csv.parse("text,label\nok,a\n\"open,b\nmore,c\n", file: "c") }
        #expect(error?.description == "c:3:1: a quoted field opened on this line is never closed")
    }

    @Test func emptyFileHasNoExamples() throws {
        #expect(try DataFormat.csv.parse("\n\n", file: "c").isEmpty)
        #expect(try DataFormat.tsv.parse("text\tlabel\n", file: "t").isEmpty)
    }
}
