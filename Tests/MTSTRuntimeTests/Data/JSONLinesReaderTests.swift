import MTSTCompiler
import Testing
@testable import MTSTRuntime

@Suite struct JSONLinesReaderTests {
    @Test func readsOptionalTagsAndLabels() throws {
        let path = try DataTestSupport.fixture("data/sample.jsonl")
        let examples = try DataFormat.jsonl.read(path: path)
        #expect(examples == [
            Example(words: ["book", "a", "flight"], tags: ["O", "O", "O"], label: "atis_flight",
                    source: SourceLocation(file: path, line: 1, column: 1)),
            Example(words: ["hello"], source: SourceLocation(file: path, line: 3, column: 1)),
        ])
    }

    @Test(arguments: [
        (#"{"tokens": ["a", "b"], "tags": ["O"]}"#, #"j:1:1: 1 tags for 2 tokens; "tags" needs one tag per token"#),
        (#"{"tags": ["O"]}"#, #"j:1:1: missing "text" or "tokens"; expected {"text": "..." or "tokens": [...], "tags": [...], "label": "..."}"#),
        (#"{"tokens": ["a", 3]}"#, #"j:1:1: "tokens[1]" has the wrong type; expected {"text": "..." or "tokens": [...], "tags": [...], "label": "..."}"#),
        (#"{"tokens": []}"#, #"j:1:1: "tokens" is empty"#),
        (#"["a"]"#, #"j:1:1: not a JSON object; expected {"text": "..." or "tokens": [...], "tags": [...], "label": "..."}"#),
        ("{\"tokens\": [\"a\"]}\n{oops", "j:2:1: not valid JSON"),
        // A misspelled key would drop that field from the example without a word.
        (#"{"tokens": ["a"], "lable": "x"}"#, #"j:1:1: unknown key "lable"; the keys are "text", "tokens", "tags" and "label""#),
        (#"{"tokens": ["a"], "label": ""}"#, #"j:1:1: "label" is an empty string; leave the key out for no label"#),
        (#"{"tokens": ["a", "b"], "tags": ["O", ""]}"#, #"j:1:1: "tags"[1] is an empty string"#),
        (#"{"text": "a b", "tokens": ["a", "b"]}"#, #"j:1:1: both "text" and "tokens"; give raw "text" (mtstc splits it into words) or pre-split "tokens", not both"#),
        (#"{"text": "  ", "label": "x"}"#, #"j:1:1: "text" has no words (it is empty or blank)"#),
        (#"{"text": ["a"]}"#, #"j:1:1: "text" has the wrong type; expected {"text": "..." or "tokens": [...], "tags": [...], "label": "..."}"#),
        (#"{"text": "I'm in L.A.", "tags": ["O", "O", "B-loc"]}"#,
         #"j:1:1: 3 tags for 8 words; "tags" needs one tag per word of the text as mtstc splits it (at spaces and punctuation): "I" "'" "m" "in" "L" "." "A" ".""#),
        (#"{"tokens": ["a", " "]}"#, #"j:1:1: "tokens"[1] is empty or blank"#),
    ])
    func malformedRecordsNameFileAndLine(text: String, message: String) {
        let error = #expect(throws: DataError.self) { try DataFormat.jsonl.parse(text, file: "j") }
        #expect(error?.description == message)
    }

    @Test func rawTextIsSplitIntoWords() throws {
        let examples = try DataFormat.jsonl.parse(#"{"text": "Fly to Boston!", "tags": ["O", "O", "B-loc", "O"], "label": "flight"}"# + "\n" + #"{"text": "hi", "label": null}"#, file: "j")
        #expect(examples == [
            Example(words: ["Fly", "to", "Boston", "!"], tags: ["O", "O", "B-loc", "O"], label: "flight", source: SourceLocation(file: "j", line: 1, column: 1)),
            Example(words: ["hi"], source: SourceLocation(file: "j", line: 2, column: 1)),
        ])
    }

    @Test func columnsRenameTheKeys() throws {
        let columns = TextColumns(text: "sentence", label: "intent")
        let examples = try DataFormat.jsonl.parse(#"{"sentence": "a b", "intent": "x"}"#, file: "j", textColumns: columns)
        #expect(examples.map(\.words) == [["a", "b"]] && examples.map(\.label) == ["x"])
        let error = #expect(throws: DataError.self) { try DataFormat.jsonl.parse(#"{"text": "a"}"#, file: "j", textColumns: columns) }
        #expect(error?.description == #"j:1:1: unknown key "text"; the keys are "sentence" and "intent""#)
    }
}
