import Foundation
import MTSTCompiler
import Testing
@testable import MTSTRuntime

@Suite struct LabelVocabularyTests {
    @Test func tagsPutOutsideFirstThenSort() {
        let vocabulary = LabelVocabulary.build(from: ["I-b", "B-b", "O", "B-a", "O", "B-b"])
        #expect(vocabulary.labels == ["O", "B-a", "B-b", "I-b"])
        #expect(vocabulary.index(of: "O") == 0)
        #expect(vocabulary.index(of: "B-b") == 2)
        #expect(vocabulary.index(of: "B-unseen") == nil)
        #expect(vocabulary.label(at: 3) == "I-b")
        #expect(vocabulary.label(at: 4) == nil && vocabulary.label(at: -1) == nil)
    }

    @Test func intentsAreSortedByCodePoint() {
        let examples = ["atis_flight", "atis_airfare", "atis_flight;atis_airfare", "Zed"].map {
            Example(words: ["w"], label: $0, source: SourceLocation(file: "x"))
        }
        #expect(LabelVocabulary.intents(of: examples).labels == ["Zed", "atis_airfare", "atis_flight", "atis_flight;atis_airfare"])
    }

    @Test func codableRoundTripAndDuplicateRejection() throws {
        let vocabulary = LabelVocabulary.build(from: ["O", "B-x"])
        let json = try JSONEncoder().encode(vocabulary)
        #expect(String(decoding: json, as: UTF8.self) == #"{"labels":["O","B-x"]}"#)
        #expect(try JSONDecoder().decode(LabelVocabulary.self, from: json) == vocabulary)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LabelVocabulary.self, from: Data(#"{"labels":["a","a"]}"#.utf8))
        }
    }
}
