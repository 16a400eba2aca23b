import MTSTCompiler
import Testing
@testable import MTSTRuntime

@Suite struct PairsReaderTests {
    @Test func readsJSONLinesPairsIgnoringOtherKeys() throws {
        let text = """
            {"anchor": "show me  flights", "positive": "list flights", "intent": "atis_flight"}

            {"anchor": "fares to boston", "positive": "how much to boston"}
            """
        let examples = try DataFormat.pairsJSONL.parse(text, file: "p")
        #expect(examples == [
            Example(words: ["show", "me", "flights"], pair: TextPair(anchor: "show me  flights", positive: "list flights"),
                    source: SourceLocation(file: "p", line: 1, column: 1)),
            Example(words: ["fares", "to", "boston"], pair: TextPair(anchor: "fares to boston", positive: "how much to boston"),
                    source: SourceLocation(file: "p", line: 3, column: 1)),
        ])
    }

    @Test func columnsMapOtherKeys() throws {
        let examples = try DataFormat.pairsJSONL.parse(#"{"q": "a b", "d": "c"}"#, file: "p", columns: PairColumns(anchor: "q", positive: "d"))
        #expect(examples.map(\.pair) == [TextPair(anchor: "a b", positive: "c")])
    }

    @Test func readsCSVWithQuotesAndHeaderColumns() throws {
        let text = "id,question,answer\n1,\"fares, to boston\",\"say \"\"hi\"\"\"\n\n2,plain,text\n"
        let examples = try DataFormat.pairsCSV.parse(text, file: "c", columns: PairColumns(anchor: "question", positive: "answer"))
        #expect(examples.map(\.pair) == [TextPair(anchor: "fares, to boston", positive: "say \"hi\""), TextPair(anchor: "plain", positive: "text")])
        #expect(examples.map(\.source.line) == [2, 4])
    }

    @Test(arguments: [
        (#"{"anchor": "a"}"#, #"j:1:1: missing "positive" (the line has "anchor"); set the data source's columns: if the pairs use other keys"#),
        (#"{"anchor": "a", "positive": 3}"#, #"j:1:1: "positive" is not a string"#),
        (#"{"anchor": " ", "positive": "b"}"#, #"j:1:1: "anchor" is empty"#),
        (#"{"anchor": "a", "positive": ""}"#, #"j:1:1: "positive" is empty"#),
        (#"["a", "b"]"#, #"j:1:1: not a JSON object; expected {"anchor": "...", "positive": "..."}"#),
        ("{oops", "j:1:1: not valid JSON"),
    ])
    func malformedJSONLines(text: String, message: String) {
        let error = #expect(throws: DataError.self) { try DataFormat.pairsJSONL.parse(text, file: "j") }
        #expect(error?.description == message)
    }

    @Test(arguments: [
        ("anchor,positive\na,b,c\n", "c:2:1: 3 fields, but the header has 2; quote a field that holds a comma"),
        ("anchor,other\na,b\n", #"c:1:1: the header has no column "positive" (it has "anchor", "other"); set the data source's columns:"#),
        ("anchor,positive\n\"a,b\n", "c:2:1: a quoted field opened on this line is never closed"),
        ("anchor,positive\na\"b,c\n", "c:2:1: a quote inside an unquoted field (column 2); quote the whole field and double the quote"),
        ("anchor,positive\n\"a\"x,c\n", "c:2:1: text after a closing quote (column 4); a quoted field must end at a comma"),
    ])
    func malformedCSV(text: String, message: String) {
        let error = #expect(throws: DataError.self) { try DataFormat.pairsCSV.parse(text, file: "c") }
        #expect(error?.description == message)
    }

    /// Sentence and pair examples never share a batch; pairs fill batch_size / 2 per batch, and a
    /// last lone pair (no negative, zero loss) is dropped.
    @Test func batchesKeepOneTaskEach() {
        let isPair = (0..<10).map { $0 >= 3 }  // 3 sentences, 7 pairs
        let batches = TrainingBatches.epoch(0, isPair: isPair, batchSize: 4, seed: 1)
        #expect(batches.allSatisfy { b in b.allSatisfy { isPair[$0] } || b.allSatisfy { !isPair[$0] } })
        #expect(batches.filter { isPair[$0[0]] }.map(\.count).sorted() == [2, 2, 2])
        #expect(batches.filter { !isPair[$0[0]] }.map(\.count) == [3])
        #expect(Set(batches.joined()).count == 9)
        #expect(TrainingBatches.epoch(0, isPair: isPair, batchSize: 4, seed: 1) == batches)
        // Without pairs, the batches are the plain shuffled slices the trainer always cut.
        let plain = TrainingBatches.epoch(2, isPair: Array(repeating: false, count: 10), batchSize: 4, seed: 1)
        #expect(plain.map(\.count) == [4, 4, 2] && Set(plain.joined()) == Set(0..<10))
    }

    @Test func retrievalAccuracyCountsTiesAsRight() {
        let a: [[Float]] = [[1, 0], [0, 1], [1, 1]]
        let p: [[Float]] = [[1, 0.1], [0.2, 1], [0, 3]]
        // Anchor 0 is nearest its own positive; anchor 1 is nearer positive 2 (cos 1 > 0.98);
        // anchor 2 is nearer positive 0 (cos 0.77 > 0.71).
        #expect(PairRetrieval.accuracyAt1(anchors: a, positives: p) == Accuracy(correct: 1, total: 3))
        #expect(PairRetrieval.accuracyAt1(anchors: [[1, 0], [1, 0]], positives: [[1, 0], [1, 0]]) == Accuracy(correct: 2, total: 2))
    }
}
