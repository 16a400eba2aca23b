import Foundation
import MTSTCompiler
import Testing
@testable import MTSTRuntime

@Suite struct CoNLLReaderTests {
    @Test func readsTabSeparatedSentencesSkippingDocstartAndTabOnlyLines() throws {
        let path = try DataTestSupport.fixture("data/conll_sample.txt")
        let examples = try DataFormat.conll.read(path: path)
        #expect(examples == [
            Example(words: ["@paulwalk", "Empire", "State", "New York"], tags: ["O", "B-facility", "I-facility", "B-geo-loc"],
                    source: SourceLocation(file: path, line: 3, column: 1)),
            Example(words: ["From", "Green"], tags: ["O", "B-person"], source: SourceLocation(file: path, line: 8, column: 1)),
        ])
    }

    @Test func spaceSeparatedColumnsUseTheLastAsTag() throws {
        let examples = try DataFormat.conll.parse("EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n\nGerman JJ B-NP B-MISC\n", file: "c")
        #expect(examples.map(\.words) == [["EU", "rejects"], ["German"]])
        #expect(examples.map(\.tags) == [["B-ORG", "O"], ["B-MISC"]])
        #expect(examples.map(\.source.line) == [1, 5])
        #expect(examples.allSatisfy { $0.label == nil })
    }

    /// Found by the conll fuzz target: a NUL token was quoted raw; a lone CR would move the cursor.
    @Test func controlCharactersInAQuotedLineAreEscaped() {
        let nul = #expect(throws: DataError.self) { try DataFormat.conll.parse(Data([0, 9]), file: "c") }
        #expect(nul?.description == #"c:1:1: expected a token and a tag separated by a tab or space, found '\0'"#)
        let cr = #expect(throws: DataError.self) { try DataFormat.conll.parse("ok\rforged\n", file: "c") }
        #expect(cr?.description == #"c:1:1: expected a token and a tag separated by a tab or space, found 'ok\rforged'"#)
    }

    @Test func lineWithoutTagIsAnError() {
        let error = #expect(throws: DataError.self) { try DataFormat.conll.parse("a\tO\nlonely\n", file: "c.txt") }
        #expect(error?.description == "c.txt:2:1: expected a token and a tag separated by a tab or space, found 'lonely'")
    }
}
