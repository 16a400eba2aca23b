import Foundation
import MTSTCompiler
import Testing
@testable import MTSTRuntime

/// One splitter for raw training text and `mtstc predict`, so tags line up with the words the
/// model is asked about.
@Suite struct WordSplitterTests {
    @Test(arguments: [
        ("Don't go to New-York!", ["Don", "'", "t", "go", "to", "New", "-", "York", "!"]),
        ("  show\tme   fares ", ["show", "me", "fares"]),
        ("@user: 8:30pm #WNUT", ["@", "user", ":", "8", ":", "30pm", "#", "WNUT"]),
        ("Café München", ["Café", "München"]),              // case and accents kept
        ("東京 tower", ["東", "京", "tower"]),               // CJK ideographs are words of their own
        ("a\u{0}b\u{200B}c", ["abc"]),                     // control and format characters dropped
        ("“quoted” …", ["“", "quoted", "”", "…"]),          // Unicode punctuation
        ("", []), (" \t\n", []),
    ])
    func splitsAsBERTsBasicTokenizerWithoutLowercasing(text: String, words: [String]) {
        #expect(WordSplitter.words(text) == words)
    }

    /// Every word is one basic token of an uncased tokenizer too, so each gets its own first piece.
    @Test func everyWordIsOneBasicToken() throws {
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary(contentsOfFile: DataTestSupport.repoRoot.appendingPathComponent("Graphs/tiny-vocab.txt").path))
        for text in ["Don't go to New-York!", "@user: 8:30pm #WNUT", "Café München 東京"] {
            let words = WordSplitter.words(text)
            #expect(words.map { tokenizer.basicTokens($0).count } == Array(repeating: 1, count: words.count))
            #expect(words.count == tokenizer.basicTokens(text).count)
        }
    }

    /// Training text (JSON lines and CSV) and `predict` split the same sentence into the same words.
    @Test func trainingAndPredictSplitAlike() throws {
        let sentence = "Flights from L.A. to N.Y.C., please!"
        let jsonl = try DataFormat.jsonl.parse(#"{"text": "Flights from L.A. to N.Y.C., please!", "label": "atis_flight"}"#, file: "j")
        let csv = try DataFormat.csv.parse("text,label\n\"\(sentence)\",atis_flight\n", file: "c")
        let model = try PredictorTests.tinyModel()
        let predicted = try Predictor(model: model).predict([sentence])
        #expect(jsonl[0].words == WordSplitter.words(sentence))
        #expect(csv[0].words == jsonl[0].words)
        #expect(predicted[0].words == jsonl[0].words)
        #expect(jsonl[0].words.count == 16)
    }
}
